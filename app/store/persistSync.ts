/**
 * Keeps every run of this page in IndexedDB: saved when it starts, after new reports, evaluations or
 * a phase change (throttled to one save per {@link SAVE_INTERVAL_MS}), and at once when it ends, always
 * under the same id. With `markInterrupted` at startup
 * (savedSlice.loadSaved), a run cut off by a reload or a worker crash is kept as `interrupted`.
 * When the page is hidden or closing (`visibilitychange` to hidden, `pagehide`) the saves still
 * waiting for their throttle are started at once: the last one before a close is best effort (the
 * browser may abort an unfinished IndexedDB transaction), but an IndexedDB put is atomic, so the
 * previous save of the run is never lost or torn.
 */
import { newRunId, type StoredRun, type StoredRunStatus } from '../persist/runStore';
import type { HistoryPoint } from '../../src/train/types';
import type { LabStore } from './index';
import { isFinished } from './ingest';
import { seriesPoints } from './series';
import type { RunPhase, RunState } from './types';

/** Least time between two saves of a running run, ms (the final save is never delayed). */
export const SAVE_INTERVAL_MS = 5000;

/** The stored status of a run phase. */
export function storedStatus(phase: RunPhase): StoredRunStatus {
  switch (phase) {
    case 'completed':
    case 'diverged':
    case 'stopped':
    case 'failed':
      return phase;
    case 'crashed':
      return 'interrupted';
    default:
      return 'running';
  }
}

/**
 * The run's history as stored: the kept report points, with the evaluations merged in by step (an
 * evaluation whose report point was downsampled away keeps NaN loss/accuracy/lr, so no number is made up).
 */
export function runHistory(run: Pick<RunState, 'reports' | 'evals'>): HistoryPoint[] {
  const byStep = new Map<number, HistoryPoint>();
  for (const r of seriesPoints(run.reports)) byStep.set(r.point.step, { ...r.point });
  for (const e of seriesPoints(run.evals)) {
    const p = byStep.get(e.step) ?? { step: e.step, loss: NaN, trainAccuracy: NaN, lr: NaN };
    byStep.set(e.step, {
      ...p,
      testAccuracy: e.testAccuracy,
      ...(e.testLoss !== undefined ? { testLoss: e.testLoss } : {}),
      ...(e.testAccuracyBnReestimated !== undefined
        ? { testAccuracyBnReestimated: e.testAccuracyBnReestimated }
        : {}),
    });
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** A default display name: `#3 W4A4 mlp 32 · ste`, and `· from <checkpoint>` for a run opened or fine-tuned from one. */
export function defaultRunName(run: Pick<RunState, 'number' | 'experiment' | 'openedFrom'>): string {
  const e = run.experiment;
  const shape = e.model.arch === 'mlp' ? ` ${e.model.hidden.join('x')}` : '';
  const from = run.openedFrom ? ` · from ${run.openedFrom}` : '';
  return `#${run.number} W${e.quant.weight.bits}A${e.quant.act.bits} ${e.model.arch}${shape} · ${e.estimator.name}${from}`;
}

/** The record saved for a lab run (name and creation time are kept from an earlier save). */
export function toStoredRun(
  run: RunState,
  id: string,
  prev: Pick<StoredRun, 'name' | 'createdAt'> | undefined,
  now: number,
): StoredRun {
  const history = runHistory(run);
  const stored: StoredRun = {
    id,
    name: prev?.name ?? defaultRunName(run),
    createdAt: prev?.createdAt ?? now,
    experiment: run.experiment,
    history,
    status: storedStatus(run.phase),
  };
  if (run.result) stored.result = { ...run.result, history };
  return stored;
}

/** What a save reflects: a save is due (throttled) when this changes. */
function fingerprint(run: RunState): string {
  return `${run.phase}|${run.reports.seen}|${run.evals.seen}|${run.result ? 1 : 0}`;
}

/**
 * Subscribes to the store and saves lab runs (see the file comment). Returns an unsubscribe.
 * Stored ids are `<page session>-<lab run id>`, so run numbers restarting after a reload never clash.
 */
export function installPersistSync(store: LabStore, intervalMs = SAVE_INTERVAL_MS): () => void {
  const session = newRunId().slice(0, 8);
  const seen = new Map<string, { print: string; at: number; timer?: ReturnType<typeof setTimeout> }>();
  const storedId = (labId: string) => `${session}-${labId}`;

  const save = (labId: string) => {
    const s = store.getState();
    const run = s.runs[labId];
    const entry = seen.get(labId);
    if (!run || !entry) return;
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
    const id = storedId(labId);
    const prev = s.saved[id];
    // Deleted (or cleared) by the user after its first save: do not bring it back.
    if (!prev && entry.at > 0) return;
    entry.print = fingerprint(run);
    entry.at = Date.now();
    void s.saveRun(toStoredRun(run, id, prev, entry.at));
  };

  const onChange = () => {
    const { runs, saved, deleteSaved } = store.getState();
    for (const run of Object.values(runs)) {
      const entry = seen.get(run.id);
      if (!entry) {
        seen.set(run.id, { print: '', at: 0 });
        save(run.id);
        continue;
      }
      if (entry.print === fingerprint(run)) continue;
      if (isFinished(run.phase)) {
        save(run.id);
        continue;
      }
      if (entry.timer) continue;
      const wait = entry.at + intervalMs - Date.now();
      if (wait <= 0) save(run.id);
      else entry.timer = setTimeout(() => save(run.id), wait);
    }
    // A run reset before its first step leaves the lab's list; its empty record goes too.
    for (const [labId, entry] of seen) {
      if (runs[labId]) continue;
      if (entry.timer) clearTimeout(entry.timer);
      seen.delete(labId);
      const rec = saved[storedId(labId)];
      if (rec && rec.history.length === 0) void deleteSaved(rec.id);
    }
  };

  const unsubscribe = store.subscribe((s, prev) => {
    if (s.runs !== prev.runs) onChange();
  });
  const flush = () => {
    for (const [labId, entry] of seen) if (entry.timer) save(labId);
  };
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') flush();
  };
  const page = typeof window === 'undefined' ? undefined : window;
  page?.addEventListener('pagehide', flush);
  page?.document.addEventListener('visibilitychange', onVisibility);
  return () => {
    unsubscribe();
    page?.removeEventListener('pagehide', flush);
    page?.document.removeEventListener('visibilitychange', onVisibility);
    for (const e of seen.values()) if (e.timer) clearTimeout(e.timer);
  };
}
