/**
 * The ladder's last row (docs/ptq.md §9): quantization-aware training from a post-training model,
 * the white paper's "QAT where PTQ is not enough". The PTQ model becomes a checkpoint with BN
 * folded (./export.ts) and a trainer fine-tunes it from step 0, evaluating as it goes.
 */
import { parseCheckpoint } from '../checkpoint/format';
import type { MnistData } from '../data/mnist';
import type { Experiment } from '../experiment/schema';
import { createTrainer } from '../train/trainer';
import { foldedExperiment, ptqCheckpoint } from './export';
import type { PtqModel } from './pipeline';

/** Fine-tuning learning rate as a share of the experiment's training rate (the lab's default). */
export const QAT_LR_SHARE = 0.1;

export interface QatOptions {
  steps: number;
  /** Test evaluations every this many steps (and at the end). */
  evalEvery: number;
  /** Learning rate; default the experiment's × {@link QAT_LR_SHARE}. */
  lr?: number;
}

/** `steps` of fine-tuning with ten evaluations along it (the runner's `--qat-steps`, the app's row). */
export function qatOptions(steps: number): QatOptions {
  return { steps, evalEvery: Math.max(1, Math.ceil(steps / 10)) };
}

/** Test accuracy along the fine-tuning, step 0 being the PTQ model itself. */
export interface QatCurvePoint {
  step: number;
  testAccuracy: number;
}

/** The experiment QAT runs: BN folded, the given length and rate, cosine schedule from there. */
export function qatExperiment(exp: Experiment, o: QatOptions): Experiment {
  const folded = foldedExperiment(exp);
  return {
    ...folded,
    train: {
      ...folded.train,
      steps: o.steps,
      evalEvery: o.evalEvery,
      reportEvery: Math.min(folded.train.reportEvery, o.evalEvery),
      lr: o.lr ?? exp.train.lr * QAT_LR_SHARE,
    },
  };
}

/**
 * Fine-tunes `ptq` (quantized with `exp`) for `o.steps` steps and returns the test accuracy at each
 * evaluation, after `start` (the PTQ model's own accuracy at step 0).
 */
export async function qatFromPtq(
  ptq: PtqModel,
  exp: Experiment,
  data: MnistData,
  start: number,
  o: QatOptions,
): Promise<QatCurvePoint[]> {
  const file = await ptqCheckpoint(ptq, exp, 0);
  const parsed = parseCheckpoint(file);
  if (!parsed.ok) throw new Error(`post-training checkpoint: ${parsed.error}`);
  const trainer = await createTrainer(qatExperiment(exp, o), data, {
    from: { checkpoint: parsed.value, finetune: true },
  });
  try {
    while (!trainer.done) await trainer.run(o.evalEvery);
    const curve: QatCurvePoint[] = [{ step: 0, testAccuracy: start }];
    for (const p of trainer.result().history)
      if (p.testAccuracy !== undefined) curve.push({ step: p.step, testAccuracy: p.testAccuracy });
    return curve;
  } finally {
    trainer.dispose();
  }
}

/** The first evaluated step whose accuracy passes `target`, or null within the curve. */
export function stepsToPass(curve: readonly QatCurvePoint[], target: number): number | null {
  return curve.find((p) => p.step > 0 && p.testAccuracy > target)?.step ?? null;
}
