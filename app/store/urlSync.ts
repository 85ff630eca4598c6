/**
 * The only place that touches the URL (docs/style.md rule 1): reads the hash once at startup (decodeLink,
 * which never throws), mirrors the experiment into the hash with `history.replaceState` (debounced,
 * never a history entry per change), keeps the workspace in `?ws=` (one history entry per switch, so
 * back and forward move between workspaces), the post-training ladder's options in `?ladder=` and
 * the Sensitivity workspace's in `?sens=` (the Deploy workspace's in `?deploy=`, deployQuery.ts),
 * and builds the link the Copy button copies.
 */
import {
  decodeLink,
  encodeLink,
  type DecodedLink,
  type LinkSummary,
  summarizeRun,
} from '../../src/experiment/url';
import type { Experiment } from '../../src/experiment/schema';
import type { LadderRequest } from '../../src/ptq/ladderRequest';
import { decodeLadderQuery, encodeLadderQuery } from '../../src/ptq/ladderQuery';
import {
  decodeSensitivityQuery,
  encodeSensitivityQuery,
  type SensitivityOptions,
} from '../../src/mixed/sensitivityQuery';
import { deploySearch } from './deployQuery';
import type { LabStore } from './index';
import { runHistory } from './persistSync';
import type { LabState, RunState } from './types';
import { DEFAULT_WORKSPACE } from './uiSlice';

/** Quiet time after the last config change before the URL is rewritten, ms. */
export const URL_DEBOUNCE_MS = 300;

/** The link in `hash`, decoded; null when there is none (a plain visit). */
export function readLink(hash: string): DecodedLink | null {
  const payload = hash.replace(/^#/, '').trim();
  return payload ? decodeLink(hash) : null;
}

/** The experiment to start the lab with: the link's on success, else the default (undefined). */
export function initialExperiment(link: DecodedLink | null): Experiment | undefined {
  return link?.ok ? link.experiment : undefined;
}

/** Shows what the link asked for (or why it could not be opened) in the share slice. */
export function applyLink(store: LabStore, link: DecodedLink | null): void {
  if (!link) return;
  if (!link.ok) {
    store.setState({ linkError: link.error });
    return;
  }
  store.setState({
    hiddenControls: link.hide ?? [],
    presetId: link.preset ?? null,
    linkSummary: link.summary ?? null,
    linkWarnings: link.warnings,
    linkError: null,
  });
}

/** Whether the URL asks for the guided tour: `t: 1` in the link, or `?tour=1` (a hand-written course link). */
export function tourRequested(link: DecodedLink | null, search: string): boolean {
  return (link?.ok === true && link.tour === true) || new URLSearchParams(search).get('tour') === '1';
}

/**
 * Takes the tour request out of the address bar (`history.replaceState`), so a reload or a copy of
 * the address does not ask again; the experiment, class options and result summary stay.
 */
export function dropTourRequest(store: LabStore, link: DecodedLink | null): void {
  const params = new URLSearchParams(location.search);
  params.delete('tour');
  const search = params.size ? `?${params}` : '';
  const s = store.getState();
  const hash =
    link?.ok && link.tour
      ? encodeLink(s.experiment, {
          summary: s.linkSummary ?? undefined,
          hide: s.hiddenControls,
          preset: s.presetId ?? undefined,
        })
      : location.hash;
  const url = `${location.pathname}${search}${hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`)
    history.replaceState(history.state, '', url);
}

const sameExperiment = (a: Experiment, b: Experiment) => JSON.stringify(a) === JSON.stringify(b);

/** The latest finished run with a result, if it ran exactly the current experiment. */
export function lastFinishedRun(s: Pick<LabState, 'runs' | 'runOrder' | 'experiment'>): RunState | null {
  for (const id of [...s.runOrder].reverse()) {
    const run = s.runs[id];
    if (run?.result) return sameExperiment(run.experiment, s.experiment) ? run : null;
  }
  return null;
}

/** The summary a copied link carries: the last finished run of this experiment, downsampled. */
export function shareSummary(s: Pick<LabState, 'runs' | 'runOrder' | 'experiment'>): LinkSummary | undefined {
  const run = lastFinishedRun(s);
  if (!run?.result) return undefined;
  return summarizeRun({ ...run.result, history: runHistory(run) });
}

/** What the address bar's hash holds: the experiment and the classroom options (no summary, no tour). */
export type AddressState = Pick<LabState, 'experiment' | 'hiddenControls' | 'presetId'>;

/** The address bar's hash for `s`. */
export function addressHash(s: AddressState): string {
  return encodeLink(s.experiment, { hide: s.hiddenControls, preset: s.presetId ?? undefined });
}

/**
 * The hash for the current state: experiment, classroom options and (optionally) a result summary;
 * with `forCopy`, also the summary and the tour request (the address bar carries neither).
 */
export function currentHash(s: LabState, forCopy: boolean): string {
  if (!forCopy) return addressHash(s);
  return encodeLink(s.experiment, {
    summary: shareSummary(s),
    hide: s.hiddenControls,
    preset: s.presetId ?? undefined,
    tour: s.tourInLink,
  });
}

/**
 * The full link to copy: `origin + path + query + #payload` (summary of the last finished run, tour
 * request); the query keeps the workspace, so the link opens where it was copied.
 */
export function shareUrl(
  s: LabState,
  loc: Pick<Location, 'origin' | 'pathname' | 'search'> = location,
): string {
  return `${loc.origin}${loc.pathname}${loc.search}${currentHash(s, true)}`;
}

/** The query parameter naming the workspace; absent means {@link DEFAULT_WORKSPACE}. */
export const WORKSPACE_PARAM = 'ws';
/** Longest workspace id quoted back in a notice. */
const MAX_QUOTED = 40;

/** The workspace a query asks for: a known id, else the default (with the unknown id, to say so). */
export function readWorkspace(search: string, known: readonly string[]): { id: string; unknown?: string } {
  const asked = new URLSearchParams(search).get(WORKSPACE_PARAM);
  if (!asked || asked === DEFAULT_WORKSPACE) return { id: DEFAULT_WORKSPACE };
  if (known.includes(asked)) return { id: asked };
  return { id: DEFAULT_WORKSPACE, unknown: asked.slice(0, MAX_QUOTED) };
}

/** `search` with the workspace set to `id` (dropped for the default); every other parameter kept. */
export function workspaceSearch(search: string, id: string): string {
  const params = new URLSearchParams(search);
  if (id === DEFAULT_WORKSPACE) params.delete(WORKSPACE_PARAM);
  else params.set(WORKSPACE_PARAM, id);
  return params.size ? `?${params}` : '';
}

/** The notice for a link naming a workspace this lab does not have. */
export function unknownWorkspaceWarning(id: string): string {
  return `workspace "${id}" is not in this lab, so Train opened instead`;
}

/** The address of workspace `id` with the current query and `hash` (a nav link's `href`). */
export function workspaceHref(id: string, hash: string, search: string = location.search): string {
  return `${location.pathname}${workspaceSearch(search, id)}${hash}`;
}

/**
 * Opens the workspace the address asks for (call after {@link applyLink}). An unknown one opens the
 * default with a link warning, and leaves the address bar (`replaceState`), the rest of the link kept.
 */
export function applyWorkspace(store: LabStore, known: readonly string[]): void {
  const ws = readWorkspace(location.search, known);
  store.getState().setWorkspace(ws.id);
  if (ws.unknown === undefined) return;
  store.setState((s) => ({ linkWarnings: [...s.linkWarnings, unknownWorkspaceWarning(ws.unknown!)] }));
  const url = `${location.pathname}${workspaceSearch(location.search, ws.id)}${location.hash}`;
  history.replaceState(history.state, '', url);
}

/** The query parameter holding the ladder's options (only those that differ from the defaults). */
export const LADDER_PARAM = 'ladder';

/** `search` with the ladder's options set to `req` (dropped at the defaults); every other parameter kept. */
export function ladderSearch(search: string, req: LadderRequest): string {
  const params = new URLSearchParams(search);
  const value = encodeLadderQuery(req);
  if (value) params.set(LADDER_PARAM, value);
  else params.delete(LADDER_PARAM);
  return params.size ? `?${params}` : '';
}

/** Sets the ladder's options the address asks for; what it could not read becomes a link warning. */
export function applyLadderQuery(store: LabStore): void {
  const value = new URLSearchParams(location.search).get(LADDER_PARAM);
  if (value === null) return;
  const { request, warnings } = decodeLadderQuery(value);
  store.getState().setPtqOptions(request);
  if (warnings.length) store.setState((s) => ({ linkWarnings: [...s.linkWarnings, ...warnings] }));
}

/** The query parameter holding the Sensitivity workspace's options (those that differ from the defaults). */
export const SENSITIVITY_PARAM = 'sens';

/** `search` with the sensitivity options set to `o` (dropped at the defaults); every other parameter kept. */
export function sensitivitySearch(search: string, o: SensitivityOptions): string {
  const params = new URLSearchParams(search);
  const value = encodeSensitivityQuery(o);
  if (value) params.set(SENSITIVITY_PARAM, value);
  else params.delete(SENSITIVITY_PARAM);
  return params.size ? `?${params}` : '';
}

/** Sets the sensitivity options the address asks for; what it could not read becomes a link warning. */
export function applySensitivityQuery(store: LabStore): void {
  const value = new URLSearchParams(location.search).get(SENSITIVITY_PARAM);
  if (value === null) return;
  const { options, warnings } = decodeSensitivityQuery(value);
  store.getState().setSensitivityOptions(options);
  if (warnings.length) store.setState((s) => ({ linkWarnings: [...s.linkWarnings, ...warnings] }));
}

/** Marks a history entry as the lab's own (a workspace switch, or the page as opened). */
const ENTRY_MARK = 'quantLabWorkspace';
const isWorkspaceEntry = (state: unknown) =>
  typeof state === 'object' && state !== null && ENTRY_MARK in state;
const markEntry = (state: unknown) => ({
  ...(typeof state === 'object' && state !== null ? state : {}),
  [ENTRY_MARK]: true,
});

/**
 * Mirrors the experiment and classroom options into the URL hash, `debounceMs` after the last change,
 * with `history.replaceState` (which fires no `hashchange`), and opens a link pasted into this tab.
 * A link that failed to open stays in the address bar until the first change, so the user can still
 * see (and copy) what they were sent. A workspace switch pushes one history entry (`?ws=`); back and
 * forward between such entries switch workspaces and leave the experiment as it is now (an edit never
 * made an entry); an entry a pasted link made opens that link again.
 * `workspaces` lists the known workspace ids. Returns an unsubscribe.
 */
export function installUrlSync(
  store: LabStore,
  workspaces: () => readonly string[],
  debounceMs = URL_DEBOUNCE_MS,
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let popping = false;
  const here = () => `${location.pathname}${location.search}${location.hash}`;
  const write = () => {
    timer = undefined;
    const hash = addressHash(store.getState());
    if (hash !== location.hash)
      history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`);
  };
  // A link pasted into this tab changes only the hash (no reload): open it the same way. The hash
  // of the state already shown (as after back/forward, below) needs nothing.
  const onHashChange = () => {
    if (location.hash === addressHash(store.getState())) return;
    const link = readLink(location.hash);
    if (link?.ok) store.getState().setExperiment(link.experiment);
    applyLink(store, link);
  };
  const onPopState = (e: PopStateEvent) => {
    popping = true;
    store.getState().setWorkspace(readWorkspace(location.search, workspaces()).id);
    popping = false;
    // Between entries of workspace switches: keep the experiment shown now. Any other entry (a link
    // pasted into this tab) is opened by its hashchange.
    if (isWorkspaceEntry(e.state)) write();
  };
  window.addEventListener('hashchange', onHashChange);
  window.addEventListener('popstate', onPopState);
  history.replaceState(markEntry(history.state), '', here());
  const unsubscribe = store.subscribe((s, prev) => {
    if (s.workspace !== prev.workspace && !popping) {
      const url = `${location.pathname}${workspaceSearch(location.search, s.workspace)}${addressHash(s)}`;
      if (url !== here()) history.pushState(markEntry(null), '', url);
    }
    const options = [s.ptqOptions, s.sensitivityOptions, s.deployOptions] as const;
    if (options.some((o, i) => o !== [prev.ptqOptions, prev.sensitivityOptions, prev.deployOptions][i])) {
      const ladder = ladderSearch(location.search, s.ptqOptions);
      const search = deploySearch(sensitivitySearch(ladder, s.sensitivityOptions), s.deployOptions);
      if (search !== location.search)
        history.replaceState(history.state, '', `${location.pathname}${search}${location.hash}`);
    }
    if (
      s.experiment === prev.experiment &&
      s.hiddenControls === prev.hiddenControls &&
      s.presetId === prev.presetId
    )
      return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(write, debounceMs);
  });
  return () => {
    unsubscribe();
    window.removeEventListener('hashchange', onHashChange);
    window.removeEventListener('popstate', onPopState);
    if (timer) clearTimeout(timer);
  };
}
