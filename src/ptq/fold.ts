/**
 * Batch-norm folding (docs/ptq.md): a layer y = op(x, W) + b followed by evaluation-mode BN
 * γ·(y − μ)/√(σ² + ε) + β is the same function as op(x, W') + b' with, per output channel,
 *
 *   W' = W · γ/√(σ² + ε),   b' = β + (b − μ) · γ/√(σ² + ε).
 *
 * What later passes (high-bias absorption, analytic bias correction) read is the distribution BN
 * gives the folded pre-activation, N(β, γ²) per channel, returned as `preActivation`.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerKind } from '../models/spec';
import { BN_EPSILON } from '../models/batchnorm';
import { scaleChannels } from './channels';

/** Evaluation-mode BN parameters of one layer, each [C]. */
export interface BnValues {
  gamma: tf.Tensor1D;
  beta: tf.Tensor1D;
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

/** A folded layer: new tensors the caller owns. */
export interface FoldedLayer {
  weight: tf.Tensor;
  bias: tf.Tensor1D;
  /** Mean and standard deviation of each pre-activation channel as BN shapes it: β and |γ|. */
  preActivation: { mean: tf.Tensor1D; std: tf.Tensor1D };
}

/**
 * Folds `bn` into the layer's weight and bias (absent bias = 0).
 * @param kind the layer kind (decides the output-channel axis)
 */
export function foldBatchNorm(
  weight: tf.Tensor,
  bias: tf.Tensor1D | undefined,
  bn: BnValues,
  kind: LayerKind,
): FoldedLayer {
  return tf.tidy(() => {
    const factor = bn.gamma.div(bn.variance.add(BN_EPSILON).sqrt()) as tf.Tensor1D;
    const b = bias ?? tf.zerosLike(bn.mean);
    return {
      weight: scaleChannels(weight, kind, 'out', factor),
      bias: b.sub(bn.mean).mul(factor).add(bn.beta) as tf.Tensor1D,
      preActivation: { mean: bn.beta.clone(), std: bn.gamma.abs() as tf.Tensor1D },
    };
  });
}
