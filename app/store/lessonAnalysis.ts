/**
 * A curvature lesson's trace analysis in the app (docs/lessons.md, docs/hessian.md §6): when the
 * lesson's own run completes, the lesson asks the Sensitivity slice for its `traces` job over that
 * run's model (the same worker job as the Sensitivity workspace, with the lesson's probes, batch and
 * probe seeds), and the claim reads its result. Pure: {@link nextLessonAnalysis} says what to do,
 * the lesson slice does it (as lessonLadder.ts does for a ladder).
 */
import type { LessonAnalysis, LessonAnalysisResult } from '../../src/experiment/claims';
import { getPreset } from '../../src/experiment/presets';
import type { TraceSeedOptions, TraceSeedsReport } from '../../src/mixed/traceSeeds';
import { isFinished } from './ingest';
import type { LessonLadderStatus } from './lessonLadder';
import type { LabState } from './types';

/** The trace analysis of one lesson run. */
export interface LessonAnalysisState {
  /** pending: its run trains; waiting: the workspace's traces hold the job; measuring: in the worker. */
  status: LessonLadderStatus;
  analysis: LessonAnalysis;
  /** The Sensitivity slice's job id, once started. */
  jobId?: string;
  result?: LessonAnalysisResult;
  /** Why it waits or failed. */
  message?: string;
}

export const LESSON_ANALYSIS_MESSAGES = {
  waiting: 'Waiting: the Hessian traces in progress (Sensitivity workspace) finish first.',
  notCompleted: 'The lesson’s run did not complete, so there is no trained model to measure.',
  gone: 'The lesson’s run is no longer in the worker (a newer run started): play the lesson again.',
  replaced: 'Other Hessian traces replaced the lesson’s (Sensitivity workspace): play the lesson again.',
  twoSeeds: 'The traces need at least two probe seeds.',
} as const;

export function lessonAnalysisState(analysis: LessonAnalysis): LessonAnalysisState {
  return { status: 'pending', analysis };
}

/** The traces job's probes, batch and probe seeds for a lesson's analysis (null: fewer than two seeds). */
export function traceJobOf(a: LessonAnalysis): Omit<TraceSeedOptions, 'bits'> | null {
  const [first, second, ...more] = a.seeds;
  if (first === undefined || second === undefined) return null;
  return { probes: a.probes, batchSize: a.batchSize, seeds: [first, second, ...more] };
}

/** What the claim reads of a finished traces job: each probe seed's per-layer traces. */
export function analysisResultOf(report: TraceSeedsReport): LessonAnalysisResult {
  const seeds = report.seeds.map((s) => ({
    seed: s.seed,
    layers: s.layers.map(({ name, params, trace, traceStdErr }) => ({ name, params, trace, traceStdErr })),
  }));
  return { kind: 'traces', seeds, final: true };
}

/** What to do next for run `runId`'s lesson analysis. */
export type LessonAnalysisStep =
  | { kind: 'none' }
  | { kind: 'start'; options: Omit<TraceSeedOptions, 'bits'> }
  | { kind: 'set'; analysis: LessonAnalysisState };

const same = (a: LessonAnalysisState, b: LessonAnalysisState) =>
  a.status === b.status && a.message === b.message && a.result === b.result;

/** The next step of run `runId`'s lesson analysis given the store (none when nothing changes). */
export function nextLessonAnalysis(s: LabState, runId: string): LessonAnalysisStep {
  const lesson = s.lessons[runId];
  const A = lesson?.analysis;
  if (!lesson || !A || !getPreset(lesson.presetId)?.claim.analysis) return { kind: 'none' };
  const set = (next: LessonAnalysisState): LessonAnalysisStep =>
    same(A, next) ? { kind: 'none' } : { kind: 'set', analysis: next };
  const fail = (message: string) => set({ ...A, status: 'failed', message });
  if (A.status === 'done' || A.status === 'failed') return { kind: 'none' };
  if (A.status === 'measuring') {
    const job = s.sensTraces;
    if (!job || job.id !== A.jobId) return fail(LESSON_ANALYSIS_MESSAGES.replaced);
    if (job.status === 'running') return { kind: 'none' };
    if (job.status === 'done' && job.result)
      return set({ ...A, status: 'done', result: analysisResultOf(job.result.report), message: undefined });
    return fail(job.message ?? 'The traces failed.');
  }
  const run = s.runs[runId];
  if (!run || !isFinished(run.phase)) return { kind: 'none' };
  if (run.phase !== 'completed') return fail(LESSON_ANALYSIS_MESSAGES.notCompleted);
  if (s.activeRunId !== runId) return fail(LESSON_ANALYSIS_MESSAGES.gone);
  const options = traceJobOf(A.analysis);
  if (!options) return fail(LESSON_ANALYSIS_MESSAGES.twoSeeds);
  if (s.sensTraces?.status === 'running')
    return set({ ...A, status: 'waiting', message: LESSON_ANALYSIS_MESSAGES.waiting });
  return { kind: 'start', options };
}
