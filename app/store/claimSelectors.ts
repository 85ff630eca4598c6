/**
 * The claim of the viewed run's lesson, from store state (pure, Node-tested): the run's numbers so
 * far (or final), the compare runs that have finished and the lesson's post-training measurements so
 * far (ladder cells, Hessian traces, prunings), checked by src/experiment/claims.ts.
 */
import { checkClaim, type ClaimResult, type ClaimRun } from '../../src/experiment/claims';
import { getPreset, type Preset } from '../../src/experiment/presets';
import { describeModel } from '../../src/models/spec';
import type { OscillationPoint } from '../../src/train/types';
import type { LessonAnalysisState } from './lessonAnalysis';
import type { LessonLadderState } from './lessonLadder';
import type { LessonPruneState } from './lessonPrune';
import type { CompareRun, LessonRun } from './lessonSlice';
import { isFinished } from './ingest';
import { seriesPoints } from './series';
import type { RunState } from './types';

export interface ClaimView {
  preset: Preset;
  claim: ClaimResult;
  compare: CompareRun[];
  /** The post-training ladder the claim reads (post-training lessons). */
  ladder?: LessonLadderState;
  /** The Hessian traces the claim reads (curvature lessons). */
  analysis?: LessonAnalysisState;
  /** The prunings the claim reads (pruning lessons). */
  prune?: LessonPruneState;
  /** Where a measurement the app does not run is made (deployment lessons: the runner). */
  runnerNote?: string;
}

/** Whether a post-training measurement of the lesson has started (it is no longer pending). */
export function measuringPostTraining(view: ClaimView): boolean {
  return [view.ladder, view.analysis, view.prune].some((m) => m !== undefined && m.status !== 'pending');
}

/** The run as the claim reads it with the lesson's post-training measurements so far. */
function withMeasurements(self: ClaimRun, lesson: LessonRun): ClaimRun {
  const { ladder, analysis, prune } = lesson;
  return {
    ...self,
    ...(ladder && { ladder: { cells: ladder.cells, final: ladder.status === 'done' } }),
    ...(analysis?.result && { analysis: analysis.result }),
    ...(prune && { prune: { results: prune.results, final: prune.status === 'done' } }),
  };
}

/** What the panel says of a lesson whose deployment check the app does not run. */
export function deployNoteOf(preset: Preset): string | undefined {
  const d = preset.claim.deploy;
  if (d)
    return `This lesson’s deployment check (the integer-only model and the ONNX export in onnxruntime, each against fake quantization on ${d.images} test digits) runs in the runner only: quant-lab run --preset ${preset.id}, or quant-lab parity on a checkpoint (docs/integer.md). The app trains the models; the claim stays unmeasured here.`;
  return undefined;
}

/** Model-level oscillation history from the run's reports (weighted by each tracked layer's size). */
function oscillationSoFar(run: RunState): ClaimRun['oscillation'] {
  const sizes = new Map(describeModel(run.experiment).map((l) => [l.name, l.weightCount]));
  const history: OscillationPoint[] = [];
  let weights = 0;
  for (const row of seriesPoints(run.reports)) {
    const tracked = row.layers.filter((l) => l.oscillatingFraction !== undefined);
    if (!tracked.length) continue;
    let n = 0;
    const p: OscillationPoint = {
      step: row.point.step,
      fraction: 0,
      frozenFraction: 0,
      flips: 0,
      reversals: 0,
    };
    for (const l of tracked) {
      const size = sizes.get(l.name) ?? 0;
      n += size;
      p.fraction += (l.oscillatingFraction ?? 0) * size;
      p.frozenFraction += (l.frozenFraction ?? 0) * size;
      p.flips! += l.flips ?? 0;
      p.reversals! += l.reversals ?? 0;
    }
    p.fraction /= n || 1;
    p.frozenFraction /= n || 1;
    history.push(p);
    weights = n;
  }
  if (!history.length) return undefined;
  const last = history[history.length - 1];
  return { fraction: last.fraction, frozenFraction: last.frozenFraction, weights, history };
}

/** What the claim reads of a training run: its result once finished, its reports so far before. */
export function claimRunOfState(run: RunState): ClaimRun {
  const final = isFinished(run.phase) && run.result !== undefined;
  const evals = seriesPoints(run.evals);
  const twin = seriesPoints(run.twin);
  return {
    experiment: run.experiment,
    stepsDone: run.stepsDone,
    testAccuracy: final ? run.result!.testAccuracy : evals[evals.length - 1]?.testAccuracy,
    oscillation: final && run.result!.oscillation ? run.result!.oscillation : oscillationSoFar(run),
    twin:
      final && run.result!.twin
        ? run.result!.twin
        : twin.length
          ? { agreement: twin[twin.length - 1].agreement }
          : undefined,
    stepsPerSec: final ? run.result!.stepsPerSec : undefined,
    final,
  };
}

/** The lesson claim of `run` checked on what is measured so far, or null when the run is no lesson's. */
export function claimOf(run: RunState | null, lesson: LessonRun | undefined): ClaimView | null {
  if (!run || !lesson || lesson.runId !== run.id) return null;
  const preset = getPreset(lesson.presetId);
  if (!preset) return null;
  const runs: Record<string, ClaimRun> = { self: withMeasurements(claimRunOfState(run), lesson) };
  for (const c of lesson.compare) if (c.result) runs[c.role] = c.result;
  return {
    preset,
    claim: checkClaim(preset.claim, runs as { self: ClaimRun }),
    compare: lesson.compare,
    ...(lesson.ladder && { ladder: lesson.ladder }),
    ...(lesson.analysis && { analysis: lesson.analysis }),
    ...(lesson.prune && { prune: lesson.prune }),
    ...(preset.claim.deploy && { runnerNote: deployNoteOf(preset) }),
  };
}
