/**
 * A post-training model as a trainable {@link QuantModel} (docs/ptq.md §10): the experiment with BN
 * folded (`model.foldBatchNorm`), each layer's weight set to its quantized weight W̃ (already on the
 * grid, so quantizing it again gives it back), its bias to the corrected one, and the quantizers'
 * calibrated state copied. Its checkpoint is what `run --from` fine-tunes with QAT.
 */
import * as tf from '@tensorflow/tfjs';
import { encodeCheckpoint, modelState, type CheckpointFile } from '../checkpoint';
import type { Experiment } from '../experiment/schema';
import { QuantModel } from '../models/build';
import { createQuantizer } from '../quant/quantizer';
import type { PtqModel } from './pipeline';

/** `exp` as the post-training model's experiment: BN folded where the architecture has it. */
export function foldedExperiment(exp: Experiment): Experiment {
  return { ...exp, model: { ...exp.model, foldBatchNorm: true } };
}

/** A new QuantModel (caller disposes) computing what `ptq` computes; `exp` is the pipeline's. */
export function quantModelOf(ptq: PtqModel, exp: Experiment): QuantModel {
  const model = QuantModel.build(foldedExperiment(exp), createQuantizer);
  try {
    model.layers.forEach((layer, i) => {
      const q = ptq.quant[i];
      const source = ptq.layers[i]!;
      layer.weight.assign(q?.weight ?? source.weight);
      if (!layer.bias) throw new Error(`layer ${layer.spec.name} of the folded model has no bias`);
      layer.bias.assign(q?.bias ?? source.bias);
      const calibrated = ptq.quantizers[i];
      if (!calibrated) return;
      for (const [own, from] of [
        [layer.quantizers.weight, calibrated.weight],
        [layer.quantizers.act, calibrated.act],
      ] as const) {
        const state = from.saveState();
        own.loadState(state);
        tf.dispose(Object.values(state));
      }
    });
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/** The checkpoint file of a post-training model (`stepsDone`: the float model's training steps). */
export async function ptqCheckpoint(
  ptq: PtqModel,
  exp: Experiment,
  stepsDone: number,
): Promise<CheckpointFile> {
  const model = quantModelOf(ptq, exp);
  const named = modelState(model);
  try {
    return await encodeCheckpoint({ experiment: foldedExperiment(exp), stepsDone }, named);
  } finally {
    tf.dispose(Object.values(named));
    model.dispose();
  }
}
