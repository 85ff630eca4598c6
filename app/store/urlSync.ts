/**
 * The only place that touches the URL (docs/style.md rule 1): reads the hash once at startup (decodeLink,
 * which never throws), mirrors the experiment into the hash with `history.replaceState` (debounced,
 * never a history entry per change), and builds the link the Copy button copies.
 */
import {
  decodeLink,
  encodeLink,
  type DecodedLink,
  type LinkSummary,
  summarizeRun,
} from '../../src/experiment/url';
import type { Experiment } from '../../src/experiment/schema';
import type { LabStore } from './index';
import { runHistory } from './persistSync';
import type { LabState, RunState } from './types';

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

/**
 * The hash for the current state: experiment, classroom options and (optionally) a result summary;
 * with `forCopy`, also the summary and the tour request (the address bar carries neither).
 */
export function currentHash(s: LabState, forCopy: boolean): string {
  return encodeLink(s.experiment, {
    summary: forCopy ? shareSummary(s) : undefined,
    hide: s.hiddenControls,
    preset: s.presetId ?? undefined,
    tour: forCopy && s.tourInLink,
  });
}

/** The full link to copy: `origin + path + query + #payload` (summary of the last finished run, tour request). */
export function shareUrl(
  s: LabState,
  loc: Pick<Location, 'origin' | 'pathname' | 'search'> = location,
): string {
  return `${loc.origin}${loc.pathname}${loc.search}${currentHash(s, true)}`;
}

/**
 * Mirrors the experiment and classroom options into the URL hash, `debounceMs` after the last change,
 * with `history.replaceState` (which fires no `hashchange`), and opens a link pasted into this tab.
 * A link that failed to open stays in the address bar until the first change, so the user can still
 * see (and copy) what they were sent. Returns an unsubscribe.
 */
export function installUrlSync(store: LabStore, debounceMs = URL_DEBOUNCE_MS): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const write = () => {
    timer = undefined;
    const hash = currentHash(store.getState(), false);
    if (hash !== location.hash)
      history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`);
  };
  // A link pasted into this tab changes only the hash (no reload): open it the same way.
  const onHashChange = () => {
    const link = readLink(location.hash);
    if (link?.ok) store.getState().setExperiment(link.experiment);
    applyLink(store, link);
  };
  window.addEventListener('hashchange', onHashChange);
  const unsubscribe = store.subscribe((s, prev) => {
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
    if (timer) clearTimeout(timer);
  };
}
