/**
 * Lesson slice: the runs a lesson's claim compares against. When a run of a lesson starts (a preset
 * is loaded), the claim's compare runs (src/experiment/claims.ts `lessonExperiments`, same seed) are
 * trained on a pool worker beside it, one after another; their results stay here, keyed by the
 * experiment, so replaying the lesson does not train them again, and a run the user already
 * completed with the same experiment (the oscillation lesson before its freezing lesson) stands in.
 * A lesson with a post-training measurement runs it over its run's model once the run completes,
 * in the training worker: a ladder (lessonLadder.ts), Hessian traces (lessonAnalysis.ts) or
 * prunings (lessonPrune.ts). The claim itself is derived from this state and the run
 * (claimSelectors.ts).
 */
import type { StateCreator } from 'zustand/vanilla';
import { type ClaimRun, experimentKey, lessonExperiments } from '../../src/experiment/claims';
import { getPreset } from '../../src/experiment/presets';
import type { Experiment } from '../../src/experiment/schema';
import type { RunResult } from '../../src/train/types';
import { claimRunOfState } from './claimSelectors';
import type { ClientEvent } from '../worker/protocol';
import { lessonAnalysisState, type LessonAnalysisState, nextLessonAnalysis } from './lessonAnalysis';
import { lessonLadderState, type LessonLadderState, nextLessonLadder } from './lessonLadder';
import { applyPruneEvents, lessonPruneState, type LessonPruneState, nextLessonPrune } from './lessonPrune';
import type { LabEffects, LabState } from './types';

/** Runs an experiment to the end off the training worker (a pool worker in the browser). */
export interface LessonEffects {
  runCompare: (
    id: string,
    experiment: Experiment,
    signal: AbortSignal,
    onProgress: (fraction: number) => void,
  ) => Promise<Omit<RunResult, 'history' | 'weights'>>;
}

export const NO_LESSON_EFFECTS: LessonEffects = {
  runCompare: () => Promise.reject(new Error('no worker for comparison runs in this environment')),
};

/** One compare run of a lesson. */
export interface CompareRun {
  role: string;
  experiment: Experiment;
  status: 'queued' | 'running' | 'done' | 'failed';
  /** Fraction of its steps done (0–1). */
  fraction: number;
  result?: ClaimRun;
  error?: string;
}

/** The lesson attached to a run: which preset, and its compare runs. */
export interface LessonRun {
  presetId: string;
  /** The training run whose claim this is. */
  runId: string;
  compare: CompareRun[];
  /** The claim's post-training ladder over the run's model (post-training lessons). */
  ladder?: LessonLadderState;
  /** The claim's Hessian traces of the run's model (curvature lessons). */
  analysis?: LessonAnalysisState;
  /** The claim's prunings of the run's model (pruning lessons). */
  prune?: LessonPruneState;
}

export interface LessonSlice {
  /** Lessons by run id (a run started while a preset was loaded). */
  lessons: Record<string, LessonRun>;
  /** Starts the compare runs of the loaded preset's lesson for run `runId` (its experiment). */
  startLesson: (runId: string) => void;
  /** Stops every compare run (reset). */
  cancelLessons: () => void;
  /**
   * Moves the active run's post-training measurement on (ladder, traces or prunings): start it,
   * copy what came, or say why it waits or failed.
   */
  advanceLessonMeasures: () => void;
  /** Follows the worker's prune events (the run slice's `ingest` hands every batch on). */
  ingestLessonPrune: (events: ClientEvent[]) => void;
}

export function createLessonSlice(
  fx: LessonEffects,
  worker: Pick<LabEffects, 'prune'>,
): StateCreator<LabState, [], [], LessonSlice> {
  return (set, get) => {
    let controller = new AbortController();
    /** Finished compare results by experiment, for replays of the same lesson. */
    const done = new Map<string, ClaimRun>();
    let queue: Promise<void> = Promise.resolve();
    /** Whether advanceLessonMeasures is running (a job it starts changes the store under it). */
    let advancing = false;

    const patchCompare = (runId: string, role: string, patch: Partial<CompareRun>) => {
      const lesson = get().lessons[runId];
      if (!lesson) return;
      const compare = lesson.compare.map((c) => (c.role === role ? { ...c, ...patch } : c));
      set({ lessons: { ...get().lessons, [runId]: { ...lesson, compare } } });
    };

    /** A finished result for `e`: an earlier compare run, or a training run that completed. */
    const known = (e: Experiment): ClaimRun | undefined => {
      const key = experimentKey(e);
      if (done.has(key)) return done.get(key);
      const run = Object.values(get().runs).find(
        (r) => r.phase === 'completed' && r.result && experimentKey(r.experiment) === key,
      );
      return run && claimRunOfState(run);
    };

    const patchLesson = (runId: string, patch: Partial<LessonRun>) => {
      const lesson = get().lessons[runId];
      if (lesson) set({ lessons: { ...get().lessons, [runId]: { ...lesson, ...patch } } });
    };

    const advanceLadder = (runId: string) => {
      const step = nextLessonLadder(get(), runId);
      if (step.kind === 'none') return;
      if (step.kind === 'set') return patchLesson(runId, { ladder: step.ladder });
      get().runLadder(step.request);
      const ptq = get().ladder;
      const ladder = get().lessons[runId]!.ladder!;
      patchLesson(runId, {
        ladder:
          ptq?.status === 'running' && ptq.runId === runId
            ? { ...ladder, status: 'measuring', ladderId: ptq.id, message: undefined }
            : { ...ladder, status: 'failed', message: ptq?.message },
      });
    };

    const advanceAnalysis = (runId: string) => {
      const step = nextLessonAnalysis(get(), runId);
      if (step.kind === 'none') return;
      if (step.kind === 'set') return patchLesson(runId, { analysis: step.analysis });
      get().runTraces(step.options);
      const job = get().sensTraces;
      const analysis = get().lessons[runId]!.analysis!;
      patchLesson(runId, {
        analysis:
          job?.status === 'running' && job.runId === runId
            ? { ...analysis, status: 'measuring', jobId: job.id, message: undefined }
            : { ...analysis, status: 'failed', message: job?.message },
      });
    };

    const advancePrune = (runId: string) => {
      const step = nextLessonPrune(get(), runId);
      if (step.kind === 'none') return;
      if (step.kind === 'set') return patchLesson(runId, { prune: step.prune });
      const prune = get().lessons[runId]!.prune!;
      patchLesson(runId, { prune: { ...prune, status: 'measuring', pruneId: step.pruneId } });
      worker.prune(step.pruneId, runId, prune.prune);
    };

    const train = async (runId: string, c: CompareRun, signal: AbortSignal) => {
      const cached = known(c.experiment);
      if (cached) return patchCompare(runId, c.role, { status: 'done', fraction: 1, result: cached });
      if (signal.aborted) return;
      patchCompare(runId, c.role, { status: 'running' });
      try {
        const r = await fx.runCompare(`${runId}:${c.role}`, c.experiment, signal, (fraction) =>
          patchCompare(runId, c.role, { fraction }),
        );
        const result: ClaimRun = {
          experiment: r.experiment,
          stepsDone: r.experiment.train.steps,
          testAccuracy: r.testAccuracy,
          oscillation: r.oscillation,
          twin: r.twin,
          stepsPerSec: r.stepsPerSec,
          final: true,
        };
        done.set(experimentKey(c.experiment), result);
        patchCompare(runId, c.role, { status: 'done', fraction: 1, result });
      } catch (err) {
        if (signal.aborted) return;
        patchCompare(runId, c.role, {
          status: 'failed',
          error: err instanceof Error ? err.message : String(err),
        });
      }
    };

    return {
      lessons: {},
      startLesson: (runId) => {
        const s = get();
        const preset = s.presetId ? getPreset(s.presetId) : undefined;
        const run = s.runs[runId];
        if (!preset || !run || s.lessons[runId]) return;
        const { self: _self, ...others } = lessonExperiments(run.experiment, preset.claim);
        const compare: CompareRun[] = Object.entries(others).map(([role, experiment]) => ({
          role,
          experiment,
          status: 'queued',
          fraction: 0,
        }));
        const { ladder, analysis, prune } = preset.claim;
        const lesson: LessonRun = {
          presetId: preset.id,
          runId,
          compare,
          ...(ladder && { ladder: lessonLadderState(ladder) }),
          ...(analysis && { analysis: lessonAnalysisState(analysis) }),
          ...(prune && { prune: lessonPruneState(prune) }),
        };
        set({ lessons: { ...s.lessons, [runId]: lesson } });
        const signal = controller.signal;
        // One compare run at a time: the training run has the other core.
        for (const c of compare) queue = queue.then(() => train(runId, c, signal));
      },
      cancelLessons: () => {
        controller.abort();
        controller = new AbortController();
        queue = Promise.resolve();
        const lessons = Object.fromEntries(
          Object.entries(get().lessons).map(([id, l]) => [
            id,
            {
              ...l,
              compare: l.compare.map((c) =>
                c.status === 'done' ? c : { ...c, status: 'failed' as const, error: 'cancelled' },
              ),
            },
          ]),
        );
        set({ lessons });
      },
      advanceLessonMeasures: () => {
        const runId = get().activeRunId;
        // Starting a job changes the store, which calls this again: the outer call decides.
        if (!runId || !get().lessons[runId] || advancing) return;
        advancing = true;
        const before = get().lessons;
        try {
          advanceLadder(runId);
          advanceAnalysis(runId);
          advancePrune(runId);
        } finally {
          advancing = false;
        }
        // What the outer call changed may take the measurement one step further.
        if (get().lessons !== before) get().advanceLessonMeasures();
      },
      ingestLessonPrune: (events) => {
        const lessons = get().lessons;
        const measuring = Object.values(lessons).filter((l) => l.prune?.status === 'measuring');
        for (const l of measuring) {
          const prune = applyPruneEvents(l.prune!, events);
          if (prune !== l.prune) patchLesson(l.runId, { prune });
        }
      },
    };
  };
}
