/**
 * The claim of the viewed run's lesson, from store state (pure, Node-tested): the run's numbers so
 * far (or final), the compare runs that have finished and the lesson's ladder cells so far, checked
 * by src/experiment/claims.ts.
 */
import { checkClaim, type ClaimResult, type ClaimRun } from '../../src/experiment/claims';
import { getPreset, type Preset } from '../../src/experiment/presets';
import { describeModel } from '../../src/models/spec';
import type { OscillationPoint } from '../../src/train/types';
import type { LessonLadderState } from './lessonLadder';
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
  /**
   * Where the claim's curvature analysis or pruning runs (curvature lessons): the runner only, so in the app
   * the claim stays provisional and says how to measure it.
   */
  analysisNote?: string;
}

/** What the panel says of a lesson whose analysis the app does not run. */
export function analysisNoteOf(preset: Preset): string | undefined {
  const p = preset.claim.prune;
  if (p)
    return `This lesson’s pruning (${p.methods.join(' and ')} at ${Math.round(100 * p.sparsity)}% of channels, then ${p.finetuneSteps} fine-tuning steps) runs in the runner only: quant-lab run --preset ${preset.id} (docs/prune.md). The app trains the model; the claim stays unmeasured here.`;
  const d = preset.claim.deploy;
  if (d)
    return `This lesson’s deployment check (the integer-only model and the ONNX export in onnxruntime, each against fake quantization on ${d.images} test digits) runs in the runner only: quant-lab run --preset ${preset.id}, or quant-lab parity on a checkpoint (docs/integer.md). The app trains the models; the claim stays unmeasured here.`;
  const a = preset.claim.analysis;
  if (!a) return undefined;
  return `This lesson’s Hessian traces (probe seeds ${a.seeds.join(', ')}, ${a.probes} probes on ${a.batchSize} images) are measured by the runner only: quant-lab run --preset ${preset.id}. Here, the Sensitivity workspace shows the same two-seed traces of the trained run.`;
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
  const self = claimRunOfState(run);
  const ladder = lesson.ladder;
  const runs: Record<string, ClaimRun> = {
    self: ladder ? { ...self, ladder: { cells: ladder.cells, final: ladder.status === 'done' } } : self,
  };
  for (const c of lesson.compare) if (c.result) runs[c.role] = c.result;
  return {
    preset,
    claim: checkClaim(preset.claim, runs as { self: ClaimRun }),
    compare: lesson.compare,
    ...(ladder && { ladder }),
    ...((preset.claim.analysis || preset.claim.prune || preset.claim.deploy) && {
      analysisNote: analysisNoteOf(preset),
    }),
  };
}
