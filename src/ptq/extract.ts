/**
 * The float model of a trained {@link QuantModel} as the post-training passes see it: every layer a
 * weight and a bias, BN folded in with its running statistics (docs/ptq.md §1). The QuantModel's
 * quantizers are ignored: PTQ starts from the float (latent) weights.
 */
import * as tf from '@tensorflow/tfjs';
import type { QuantModel } from '../models/build';
import { foldBatchNorm } from './fold';
import type { PtqLayer } from './types';

/** New tensors the caller owns (see {@link disposePtqLayers}). */
export function ptqLayersOf(model: QuantModel): PtqLayer[] {
  return model.layers.map((layer) => {
    const { spec, weight, bias, bn } = layer;
    if (!bn) {
      return {
        spec,
        weight: weight.clone(),
        bias: bias ? bias.clone() : tf.zeros([spec.outChannels]),
      };
    }
    const folded = foldBatchNorm(
      weight,
      bias,
      { gamma: bn.gamma, beta: bn.beta, mean: bn.runningMean, variance: bn.runningVariance },
      spec.kind,
    );
    return { spec, ...folded };
  });
}

/** Copies of the layers (the passes change layers in place). */
export function clonePtqLayers(layers: PtqLayer[]): PtqLayer[] {
  return layers.map((l) => ({
    spec: l.spec,
    weight: l.weight.clone(),
    bias: l.bias.clone(),
    ...(l.preActivation && {
      preActivation: { mean: l.preActivation.mean.clone(), std: l.preActivation.std.clone() },
    }),
  }));
}

export function disposePtqLayers(layers: PtqLayer[]): void {
  for (const l of layers) {
    tf.dispose([l.weight, l.bias]);
    if (l.preActivation) tf.dispose([l.preActivation.mean, l.preActivation.std]);
  }
}
