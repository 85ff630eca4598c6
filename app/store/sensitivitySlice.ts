/**
 * Sensitivity slice (docs/mixed.md §6): the workspace's options (carried in the link as `?sens=`),
 * and its four jobs, each answered by the training worker: cheap sensitivity, the two-seed traces
 * and the spectrum (eigenvalues, density, landscape) over the active run's model, and the
 * allocation at the budget slider's position. Edits of
 * the experiment's per-layer bits ("keep at 8 bits", "apply allocation") go through the config
 * slice. Side effects go through the injected `LabEffects`; answers of a superseded job are dropped.
 */
import type { StateCreator } from 'zustand/vanilla';
import { qbitoptSchema, type Experiment } from '../../src/experiment/schema';
import { withAllocation, type LayerBits } from '../../src/mixed/allocation';
import {
  normalizeSensitivityOptions,
  SENSITIVITY_BITS,
  SENSITIVITY_DEFAULTS,
  type SensitivityOptions,
} from '../../src/mixed/sensitivityQuery';
import type { SpectrumPhase } from '../../src/hessian/spectrumReport';
import type { TraceSeedOptions } from '../../src/mixed/traceSeeds';
import type { ClientEvent, SensitivityJob, SensitivityResult } from '../worker/protocol';
import { ladderSource } from './ptqSelectors';
import { LADDER_REFUSALS } from './ptqSlice';
import type { LabEffects, LabState } from './types';

type Kind = SensitivityResult['kind'];

/** One job of the workspace and how it ended. */
export interface SensitivityJobState<K extends Kind> {
  id: string;
  /** The run whose model it measures ('' for an allocation refused before it started). */
  runId: string;
  status: 'running' | 'done' | 'error';
  result?: Extract<SensitivityResult, { kind: K }>;
  message?: string;
  /** The last progress report of a running job that sends them (the spectrum). */
  progress?: { phase: SpectrumPhase; done: number; total: number };
}

export interface SensitivitySlice {
  sensitivityOptions: SensitivityOptions;
  sensCheap: SensitivityJobState<'cheap'> | null;
  sensTraces: SensitivityJobState<'traces'> | null;
  sensAllocation: SensitivityJobState<'allocate'> | null;
  sensSpectrum: SensitivityJobState<'spectrum'> | null;
  sensFrontier: SensitivityJobState<'frontier'> | null;
  /**
   * A point clicked on the allocation Pareto chart: its bits stand in the allocation table (and
   * "apply" writes them) until the slider's allocation is solved again.
   */
  sensPicked: { label: string; layers: LayerBits[] } | null;
  /** Jobs asked for so far (their ids: `sensitivity-<n>`). */
  sensSeq: number;
  setSensitivityOptions: (patch: Partial<SensitivityOptions>) => void;
  runCheapSensitivity: () => void;
  /**
   * Hessian traces of the active run's model at the workspace's probes, batch and probe seeds 1
   * and 2, or at `lesson`'s (a curvature lesson's analysis, lessonAnalysis.ts).
   */
  runTraces: (lesson?: Omit<TraceSeedOptions, 'bits'>) => void;
  /** The model's top eigenvalues, eigenvalue density and loss landscape (slower than the traces). */
  runSpectrum: () => void;
  /** Solves the allocation at the current budget from the last traces (no-op without them). */
  solveAllocation: () => void;
  /** Solves the allocation frontier of the current candidates and axis (no-op without traces). */
  solveFrontier: () => void;
  /** Loads a chart point's per-layer bits into the allocation table. */
  pickAllocation: (label: string, layers: LayerBits[]) => void;
  /** Pins layer `name` at 8-bit weights and activations in the experiment's per-layer bits. */
  keepAt8Bits: (name: string) => void;
  /**
   * Learns the bits while training (QBitOpt, docs/mixed.md §7) under the slider's budget: writes
   * `qbitopt` into the experiment (a fresh run) and starts it. No-op before an allocation is solved.
   */
  learnBits: (settings: { every: number; probes: number }) => void;
  /** Drops `qbitopt` from the experiment: the next run keeps the bits as set. */
  stopLearningBits: () => void;
  /** Writes the picked point's bits, else the last allocation, into the experiment's per-layer bits. */
  applyAllocation: () => void;
  ingestSensitivity: (events: ClientEvent[]) => void;
}

const KEYS = {
  cheap: 'sensCheap',
  traces: 'sensTraces',
  spectrum: 'sensSpectrum',
  allocate: 'sensAllocation',
  frontier: 'sensFrontier',
} as const;

/** Points of the frontier and random allocations the chart asks for (docs/mixed.md §6). */
export const FRONTIER_POINTS = 20;
export const FRONTIER_RANDOM = 6;

/** The experiment with layer `name` at 8-bit weights and activations. */
export function keepLayerAt8(e: Experiment, name: string): Experiment {
  return withAllocation(e, [{ name, weightBits: 8, actBits: 8 }]);
}

/** Applies the client events to one job's state (answers to other jobs are dropped). */
export function applySensitivityEvents<K extends Kind>(
  job: SensitivityJobState<K> | null,
  events: ClientEvent[],
): SensitivityJobState<K> | null {
  for (const e of events) {
    if (!job || job.status !== 'running') return job;
    if (e.type === 'sensitivityProgress' && e.jobId === job.id)
      job = { ...job, progress: { phase: e.phase, done: e.done, total: e.total } };
    if (e.type === 'sensitivityDone' && e.jobId === job.id) {
      const { progress: _, ...rest } = job;
      job = e.result
        ? { ...rest, status: 'done', result: e.result as Extract<SensitivityResult, { kind: K }> }
        : { ...rest, status: 'error', message: e.message ?? 'The job failed.' };
    }
    if (e.type === 'crashed')
      job = { ...job, status: 'error', message: `The training worker crashed (${e.message}).` };
  }
  return job;
}

/** The run whose traces are on screen, and the plain data an allocation job needs from it. */
function tracedRun(s: LabState) {
  const traces = s.sensTraces?.result;
  const run = s.sensTraces ? s.runs[s.sensTraces.runId] : undefined;
  if (!traces || !run) return null;
  const sensitivity = traces.report.sensitivity.map(({ name, omega }) => ({ name, omega }));
  return { runId: run.id, job: { experiment: run.experiment, sensitivity } };
}

export function createSensitivitySlice(fx: LabEffects): StateCreator<LabState, [], [], SensitivitySlice> {
  return (set, get) => {
    /** Starts `job` (over the active run's model unless it is an allocation), or records why not. */
    const launch = (job: SensitivityJob, runId?: string): void => {
      const s = get();
      const seq = s.sensSeq + 1;
      const key = KEYS[job.kind];
      const base = { id: `sensitivity-${seq}`, runId: runId ?? '' };
      if (runId === undefined) {
        const source = ladderSource(s);
        if (source.kind !== 'ready') {
          const message = LADDER_REFUSALS[source.kind];
          return set({ sensSeq: seq, [key]: { ...base, status: 'error', message } });
        }
        base.runId = source.run.id;
      }
      // The last answer stays on screen until the new one arrives.
      const last = s[key]?.result;
      set({ sensSeq: seq, [key]: { ...base, status: 'running', ...(last && { result: last }) } });
      fx.sensitivity(base.id, base.runId, job);
    };
    return {
      sensitivityOptions: SENSITIVITY_DEFAULTS,
      sensCheap: null,
      sensTraces: null,
      sensAllocation: null,
      sensSpectrum: null,
      sensFrontier: null,
      sensPicked: null,
      sensSeq: 0,
      setSensitivityOptions: (patch) =>
        set({ sensitivityOptions: normalizeSensitivityOptions({ ...get().sensitivityOptions, ...patch }) }),
      runCheapSensitivity: () => {
        const o = get().sensitivityOptions;
        launch({ kind: 'cheap', options: { bits: o.cheapBits, testCount: 2000, calibSize: 256, seed: 1 } });
      },
      runTraces: (lesson) => {
        const o = get().sensitivityOptions;
        // Ω at every offered bitwidth, so changing the candidates needs no new traces.
        const options = lesson ?? { probes: o.probes, batchSize: o.batch, seeds: [1, 2] as [number, number] };
        launch({ kind: 'traces', options: { ...options, bits: [...SENSITIVITY_BITS] } });
      },
      runSpectrum: () => {
        const o = get().sensitivityOptions;
        const options = {
          topK: o.topK,
          lanczosSteps: o.lanczos,
          slqRuns: o.slqRuns,
          points: o.points,
          seed: 1,
        };
        launch({ kind: 'spectrum', options, batchSize: o.batch });
      },
      solveAllocation: () => {
        const source = tracedRun(get());
        if (!source) return;
        const o = get().sensitivityOptions;
        const request = { bits: o.bits, actBits: 'tied' as const, axis: o.axis, fraction: o.budget / 100 };
        set({ sensPicked: null });
        launch({ kind: 'allocate', ...source.job, request }, source.runId);
      },
      solveFrontier: () => {
        const source = tracedRun(get());
        if (!source) return;
        const { bits, axis } = get().sensitivityOptions;
        const request = {
          bits,
          actBits: 'tied' as const,
          axis,
          points: FRONTIER_POINTS,
          randomCount: FRONTIER_RANDOM,
        };
        launch({ kind: 'frontier', ...source.job, request }, source.runId);
      },
      pickAllocation: (label, layers) => set({ sensPicked: { label, layers } }),
      learnBits: ({ every, probes }) => {
        const s = get();
        const budget = s.sensAllocation?.result?.allocation.budget;
        if (budget === undefined) return;
        const { axis, bits } = s.sensitivityOptions;
        const qbitopt = qbitoptSchema.parse({ axis, budget, bits, every, probes });
        s.setExperiment({ ...s.experiment, qbitopt });
        get().play();
      },
      stopLearningBits: () => {
        const { qbitopt: _dropped, ...rest } = get().experiment;
        get().setExperiment(rest);
      },
      keepAt8Bits: (name) => get().updateExperiment((e) => keepLayerAt8(e, name)),
      applyAllocation: () => {
        const s = get();
        const layers = s.sensPicked?.layers ?? s.sensAllocation?.result?.allocation.result.layers;
        if (layers) get().updateExperiment((e) => withAllocation(e, layers));
      },
      ingestSensitivity: (events) => {
        const s = get();
        const cheap = applySensitivityEvents(s.sensCheap, events);
        const traces = applySensitivityEvents(s.sensTraces, events);
        const allocation = applySensitivityEvents(s.sensAllocation, events);
        const spectrum = applySensitivityEvents(s.sensSpectrum, events);
        const frontier = applySensitivityEvents(s.sensFrontier, events);
        const same = {
          sensCheap: cheap,
          sensTraces: traces,
          sensAllocation: allocation,
          sensSpectrum: spectrum,
          sensFrontier: frontier,
        };
        if (Object.entries(same).every(([k, v]) => s[k as keyof typeof same] === v)) return;
        set(same);
        // Fresh traces: solve the allocation at the current budget, then the frontier, at once.
        if (traces !== s.sensTraces && traces?.status === 'done') {
          get().solveAllocation();
          get().solveFrontier();
        }
      },
    };
  };
}
