/**
 * A pruning lesson's measurement in the app (docs/lessons.md, docs/prune.md §6): when the lesson's
 * own run completes, the lesson asks the training worker to prune a copy of that run's model by each
 * of its methods (the `prune` job, app/worker/pruneJob.ts), follows the method in progress, and the
 * claim reads the results. Pure: {@link nextLessonPrune} says when to start, {@link applyPruneEvents}
 * follows the worker; the lesson slice does both (as lessonLadder.ts does for a ladder).
 */
import type { LessonPrune, PruneResult } from '../../src/experiment/claims';
import { getPreset } from '../../src/experiment/presets';
import type { ClientEvent } from '../worker/protocol';
import { isFinished } from './ingest';
import type { LessonLadderStatus } from './lessonLadder';
import type { LabState } from './types';

/** The prunings of one lesson run. */
export interface LessonPruneState {
  /** pending: its run trains; measuring: in the worker (never waiting: the worker queues jobs). */
  status: LessonLadderStatus;
  prune: LessonPrune;
  /** The worker job's id, once started. */
  pruneId?: string;
  /** The method being measured (its index in the lesson's methods), while measuring. */
  progress?: { method: string; index: number };
  results: PruneResult[];
  /** Why it failed. */
  message?: string;
}

export const LESSON_PRUNE_MESSAGES = {
  notCompleted: 'The lesson’s run did not complete, so there is no trained model to prune.',
  gone: 'The lesson’s run is no longer in the worker (a newer run started): play the lesson again.',
} as const;

/** How the panel names a method ("HAP", "magnitude"). */
export const PRUNE_METHOD_LABELS: Record<string, string> = { hap: 'HAP', magnitude: 'magnitude' };

export function lessonPruneState(prune: LessonPrune): LessonPruneState {
  return { status: 'pending', prune, results: [] };
}

/** The worker job's id for run `runId`'s lesson (one pruning per lesson run). */
export const pruneIdOf = (runId: string) => `${runId}:prune`;

/** Follows the worker's prune events of `state`'s job (others are dropped). */
export function applyPruneEvents(state: LessonPruneState, events: ClientEvent[]): LessonPruneState {
  for (const e of events) {
    if (state.status !== 'measuring') return state;
    if (e.type === 'pruneProgress' && e.pruneId === state.pruneId)
      state = { ...state, progress: { method: e.method, index: e.index } };
    if (e.type === 'pruneDone' && e.pruneId === state.pruneId) {
      const { progress: _, ...rest } = state;
      state = e.results
        ? { ...rest, status: 'done', results: e.results, message: undefined }
        : { ...rest, status: 'failed', message: e.message ?? 'The pruning failed.' };
    }
    if (e.type === 'crashed')
      state = { ...state, status: 'failed', message: `The training worker crashed (${e.message}).` };
  }
  return state;
}

/** What to do next for run `runId`'s lesson pruning. */
export type LessonPruneStep =
  { kind: 'none' } | { kind: 'start'; pruneId: string } | { kind: 'set'; prune: LessonPruneState };

/** The next step of run `runId`'s lesson pruning given the store (none when nothing changes). */
export function nextLessonPrune(s: LabState, runId: string): LessonPruneStep {
  const lesson = s.lessons[runId];
  const P = lesson?.prune;
  if (!lesson || !P || P.status !== 'pending' || !getPreset(lesson.presetId)?.claim.prune)
    return { kind: 'none' };
  const fail = (message: string): LessonPruneStep => ({
    kind: 'set',
    prune: { ...P, status: 'failed', message },
  });
  const run = s.runs[runId];
  if (!run || !isFinished(run.phase)) return { kind: 'none' };
  if (run.phase !== 'completed') return fail(LESSON_PRUNE_MESSAGES.notCompleted);
  if (s.activeRunId !== runId) return fail(LESSON_PRUNE_MESSAGES.gone);
  return { kind: 'start', pruneId: pruneIdOf(runId) };
}
