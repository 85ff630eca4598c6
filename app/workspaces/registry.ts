/**
 * The workspaces the nav bar switches between, one entry each: id (public: links carry it as
 * `?ws=<id>`, so never rename one), label, the component (`React.lazy`: its code is a chunk of its own,
 * loaded when the workspace is first opened) and whether the experiment controls stand beside it.
 * The toolbar (transport, run list, share bar) is on every workspace. Adding a workspace: its
 * component file, one entry here, a test (CONTRIBUTING.md).
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import { DEFAULT_WORKSPACE } from '../store/uiSlice';

export interface WorkspaceDef {
  /** Public id: `?ws=<id>` in links, `nav.<id>` as the nav link's test id. */
  id: string;
  /** What the nav bar says. */
  label: string;
  /** Its view, loaded on first open. */
  component: LazyExoticComponent<ComponentType>;
  /** Whether the experiment controls (model, bits, quantizers, training…) stand beside it. */
  experimentControls: boolean;
}

/** A lazily loaded component from a module's named export (`lazy` wants a default one). */
function lazyNamed<K extends string>(
  load: () => Promise<Record<K, ComponentType>>,
  name: K,
): LazyExoticComponent<ComponentType> {
  return lazy(() => load().then((m) => ({ default: m[name] })));
}

const WORKSPACE_DEFS: WorkspaceDef[] = [
  {
    id: DEFAULT_WORKSPACE,
    label: 'Train',
    component: lazyNamed(() => import('./TrainWorkspace'), 'TrainWorkspace'),
    experimentControls: true,
  },
  {
    // Sweeps expand the current experiment and the cost charts price it: its controls stay beside.
    id: 'sweep',
    label: 'Sweep & cost',
    component: lazyNamed(() => import('../components/pareto/CostAndSweeps'), 'CostAndSweeps'),
    experimentControls: true,
  },
  {
    // Saved runs carry their own experiments; editing the current one is not what this view is for.
    id: 'runs',
    label: 'Runs',
    component: lazyNamed(() => import('../components/runs/RunsSection'), 'RunsSection'),
    experimentControls: false,
  },
  {
    // The ladder quantizes the current run's model with that run's settings and its own options.
    id: 'ptq',
    label: 'Post-training',
    component: lazyNamed(() => import('../components/ptq/PtqWorkspace'), 'PtqWorkspace'),
    experimentControls: false,
  },
  {
    // Measures the current run's model; "keep at 8 bits" and "apply allocation" edit the per-layer
    // bits, which the Train workspace's controls show.
    id: 'sensitivity',
    label: 'Sensitivity',
    component: lazyNamed(
      () => import('../components/sensitivity/SensitivityWorkspace'),
      'SensitivityWorkspace',
    ),
    experimentControls: false,
  },
  {
    // Deploys the current run's model as it stands: integer-only, and the ONNX file checked.
    id: 'deploy',
    label: 'Deploy',
    component: lazyNamed(() => import('../components/deploy/DeployWorkspace'), 'DeployWorkspace'),
    experimentControls: false,
  },
];

/** The workspaces, in nav order. */
export function workspaces(): readonly WorkspaceDef[] {
  return WORKSPACE_DEFS;
}

/** Their ids (what a link may name). */
export function workspaceIds(): string[] {
  return WORKSPACE_DEFS.map((w) => w.id);
}

/** The workspace `id`, or the default one when there is no such workspace. */
export function findWorkspace(id: string): WorkspaceDef {
  return WORKSPACE_DEFS.find((w) => w.id === id) ?? WORKSPACE_DEFS[0];
}

/**
 * Adds a workspace at the end of the nav (tests: a worked example). Ids are unique. Returns a
 * function that removes it again.
 */
export function registerWorkspace(def: WorkspaceDef): () => void {
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(def.id)) throw new Error(`workspace id "${def.id}" is not a-z0-9-`);
  if (WORKSPACE_DEFS.some((w) => w.id === def.id)) throw new Error(`workspace "${def.id}" exists`);
  WORKSPACE_DEFS.push(def);
  return () => {
    const at = WORKSPACE_DEFS.indexOf(def);
    if (at >= 0) WORKSPACE_DEFS.splice(at, 1);
  };
}
