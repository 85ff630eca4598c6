/**
 * What the tour reads from the store and what its steps do to it (pure, Node-tested): the latest
 * run of each lesson with its progress and claim, and "load this lesson and play".
 */
import { claimOf } from '../../store/claimSelectors';
import { isFinished } from '../../store/ingest';
import type { CompareRun } from '../../store/lessonSlice';
import { activeRun, liveRun } from '../../store/runSlice';
import type { LabState, RunPhase } from '../../store/types';

/** The latest run of one lesson, as the tour shows it. */
export interface LessonRunFacts {
  runId: string;
  phase: RunPhase;
  stepsDone: number;
  /** Steps the run trains in all. */
  steps: number;
  /** Its claim on what is measured so far (holds null: not measurable yet). */
  holds: boolean | null;
  final: boolean;
  compare: { role: string; status: CompareRun['status']; fraction: number }[];
}

/** What the tour's conditions read. */
export interface TourFacts {
  /** The loaded lesson (null: none). */
  presetId: string | null;
  /** The latest run of each lesson, by preset id. */
  lessons: Record<string, LessonRunFacts>;
}

/** The tour's view of the store: the latest run of every lesson that was played. */
export function tourFacts(s: Pick<LabState, 'presetId' | 'runs' | 'runOrder' | 'lessons'>): TourFacts {
  const lessons: Record<string, LessonRunFacts> = {};
  // Newest first, so each lesson's claim is checked once, on its latest run.
  for (const id of [...s.runOrder].reverse()) {
    const run = s.runs[id];
    const lesson = s.lessons[id];
    if (!run || !lesson || lessons[lesson.presetId]) continue;
    const view = claimOf(run, lesson);
    lessons[lesson.presetId] = {
      runId: id,
      phase: run.phase,
      stepsDone: run.stepsDone,
      steps: run.experiment.train.steps,
      holds: view?.claim.holds ?? null,
      final: view?.claim.final ?? false,
      compare: lesson.compare.map((c) => ({ role: c.role, status: c.status, fraction: c.fraction })),
    };
  }
  return { presetId: s.presetId, lessons };
}

const PHASE_TEXT: Partial<Record<RunPhase, string>> = {
  starting: 'loading data, building the model…',
  diverged: 'diverged',
  stopped: 'stopped',
  crashed: 'lost with a crashed worker',
  failed: 'failed',
};

/** One line on a lesson run's progress: "training… 120/400 steps". */
export function runProgressText(r: Pick<LessonRunFacts, 'phase' | 'stepsDone' | 'steps'>): string {
  const of = `${r.stepsDone}/${r.steps} steps`;
  switch (r.phase) {
    case 'running':
    case 'pausing':
      return `training… ${of}`;
    case 'paused':
      return `paused at ${of}: press play to go on`;
    case 'completed':
      return `done: ${of}`;
    default:
      return `${PHASE_TEXT[r.phase] ?? r.phase}${r.phase === 'starting' ? '' : ` at ${of}`}`;
  }
}

/** One line on a lesson's comparison runs: "comparison run base: training 40%". */
export function compareText(compare: LessonRunFacts['compare']): string {
  return compare
    .map(
      (c) =>
        `comparison run ${c.role}: ${c.status === 'running' ? `training ${Math.round(100 * c.fraction)}%` : c.status}`,
    )
    .join('; ');
}

/**
 * Loads lesson `presetId` and plays it as a fresh run. A run that is still live is reset first:
 * loading a lesson into it would be applied as a live change, and the lesson's claim needs a run
 * of its own. Playing the lesson whose run is already live only resumes it.
 */
export function playLesson(s: LabState, presetId: string): void {
  const run = activeRun(s);
  if (run && !isFinished(run.phase) && s.lessons[run.id]?.presetId === presetId) return s.play();
  if (liveRun(s)) s.reset();
  s.loadPreset(presetId);
  s.play();
}
