/**
 * A post-training lesson's ladder in the app (docs/lessons.md, docs/ptq.md §10): when the lesson's
 * own run completes, the lesson asks the PTQ slice for its ladder over that run's model (the same
 * `ladder` worker job as the Post-training workspace), copies the cells as they come, and the
 * claim reads them. Pure: {@link nextLessonLadder} says what to do, the lesson slice does it.
 */
import type { LessonLadder } from '../../src/experiment/claims';
import { getPreset } from '../../src/experiment/presets';
import {
  type LadderCellSummary,
  type LadderRequest,
  ladderColumns,
  ladderQatOptions,
  ladderRungs,
  normalizeLadderRequest,
} from '../../src/ptq/ladderRequest';
import { isFinished } from './ingest';
import type { LabState } from './types';

export type LessonLadderStatus = 'pending' | 'waiting' | 'measuring' | 'done' | 'failed';

/** The ladder of one lesson run. */
export interface LessonLadderState {
  /** pending: its run trains; waiting: another ladder holds the worker; measuring: cells coming. */
  status: LessonLadderStatus;
  request: LadderRequest;
  /** The PTQ slice's ladder id, once started. */
  ladderId?: string;
  cells: LadderCellSummary[];
  /** Why it waits or failed. */
  message?: string;
}

export const LESSON_LADDER_MESSAGES = {
  waiting: 'Waiting: the post-training ladder in progress (Post-training workspace) finishes first.',
  notCompleted: 'The lesson’s run did not complete, so there is no trained model to quantize.',
  gone: 'The lesson’s run is no longer in the worker (a newer run started): play the lesson again.',
  replaced: 'Another post-training ladder replaced the lesson’s: play the lesson again to measure it.',
} as const;

export function lessonLadderState(ladder: LessonLadder): LessonLadderState {
  return { status: 'pending', request: normalizeLadderRequest(ladder), cells: [] };
}

/** How many cells the request makes (columns × rungs, plus a QAT row). */
export function lessonLadderSize(request: LadderRequest): number {
  const rows = ladderRungs(request).length + (ladderQatOptions(request) ? 1 : 0);
  return ladderColumns(request).length * rows;
}

/** What to do next for run `runId`'s lesson ladder. */
export type LessonLadderStep =
  { kind: 'none' } | { kind: 'start'; request: LadderRequest } | { kind: 'set'; ladder: LessonLadderState };

const same = (a: LessonLadderState, b: LessonLadderState) =>
  a.status === b.status && a.message === b.message && a.cells.length === b.cells.length;

/** The next step of run `runId`'s lesson ladder given the store (none when nothing changes). */
export function nextLessonLadder(s: LabState, runId: string): LessonLadderStep {
  const lesson = s.lessons[runId];
  const L = lesson?.ladder;
  if (!lesson || !L || !getPreset(lesson.presetId)?.claim.ladder) return { kind: 'none' };
  const set = (next: LessonLadderState): LessonLadderStep =>
    same(L, next) ? { kind: 'none' } : { kind: 'set', ladder: next };
  const fail = (message: string) => set({ ...L, status: 'failed', message });
  if (L.status === 'done' || L.status === 'failed') return { kind: 'none' };
  if (L.status === 'measuring') {
    const ptq = s.ladder;
    if (!ptq || ptq.id !== L.ladderId) return fail(LESSON_LADDER_MESSAGES.replaced);
    if (ptq.status === 'running') return set({ ...L, cells: ptq.cells });
    if (ptq.status === 'done') return set({ ...L, status: 'done', cells: ptq.cells, message: undefined });
    return set({ ...L, status: 'failed', cells: ptq.cells, message: ptq.message });
  }
  const run = s.runs[runId];
  if (!run || !isFinished(run.phase)) return { kind: 'none' };
  if (run.phase !== 'completed') return fail(LESSON_LADDER_MESSAGES.notCompleted);
  if (s.activeRunId !== runId) return fail(LESSON_LADDER_MESSAGES.gone);
  if (s.ladder?.status === 'running')
    return set({ ...L, status: 'waiting', message: LESSON_LADDER_MESSAGES.waiting });
  return { kind: 'start', request: L.request };
}
