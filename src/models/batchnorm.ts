/**
 * Batch normalization over the channel (last) axis of NHWC activations, with running statistics
 * for evaluation and optional QuantNorm (docs/science.md §3: γ and β pass through quantizers at the
 * layer's weight bitwidth).
 *
 * Training: y = γ·(x − μ_B)/√(σ²_B + ε) + β with batch statistics, and
 *   running ← (1 − m)·running + m·batch   (m = {@link BN_MOMENTUM}, PyTorch convention).
 * Evaluation: the running statistics (or re-estimated ones, docs/science.md §2) replace μ_B, σ²_B.
 */
import * as tf from '@tensorflow/tfjs';
import type { Quantizer } from '../quant/types';

/** Weight of the current batch in the running statistics. */
export const BN_MOMENTUM = 0.1;
/** Variance floor ε inside the square root. */
export const BN_EPSILON = 1e-5;

/** Per-channel statistics, each [C]. */
export interface BnStats {
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

/** The variables of one BN layer; all [C]. Owned by the model. */
export interface BatchNormParams {
  gamma: tf.Variable<tf.Rank.R1>;
  beta: tf.Variable<tf.Rank.R1>;
  runningMean: tf.Variable<tf.Rank.R1>;
  runningVariance: tf.Variable<tf.Rank.R1>;
}

/** QuantNorm quantizers of γ and β (absent = float BN parameters). */
export interface BnQuantizers {
  gamma: Quantizer;
  beta: Quantizer;
}

/**
 * Creates γ = 1, β = 0, running mean 0 and variance 1 for `channels` channels (no tensor leaks).
 * @param prefix unique variable-name prefix (tfjs variable names are global)
 */
export function createBatchNorm(prefix: string, channels: number): BatchNormParams {
  return tf.tidy(() => ({
    gamma: tf.variable(tf.ones([channels]) as tf.Tensor1D, true, `${prefix}/gamma`),
    beta: tf.variable(tf.zeros([channels]) as tf.Tensor1D, true, `${prefix}/beta`),
    runningMean: tf.variable(tf.zeros([channels]) as tf.Tensor1D, false, `${prefix}/running_mean`),
    runningVariance: tf.variable(tf.ones([channels]) as tf.Tensor1D, false, `${prefix}/running_variance`),
  }));
}

/** Mean and (biased) variance of x over every axis but the last: [C] each. */
export function batchStats(x: tf.Tensor): BnStats {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  return { mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}

/** Folds a batch's statistics into the running ones (call inside the training step's tape). */
export function updateRunningStats(params: BatchNormParams, batch: BnStats): void {
  params.runningMean.assign(
    tf.add(tf.mul(params.runningMean, 1 - BN_MOMENTUM), tf.mul(batch.mean, BN_MOMENTUM)),
  );
  params.runningVariance.assign(
    tf.add(tf.mul(params.runningVariance, 1 - BN_MOMENTUM), tf.mul(batch.variance, BN_MOMENTUM)),
  );
}

/**
 * Normalizes x [..., C] with `stats` and applies γ, β (quantized when `quant` is given).
 * `training` is passed on to the QuantNorm quantizers (range updates).
 */
export function applyBatchNorm(
  x: tf.Tensor,
  params: BatchNormParams,
  stats: BnStats,
  quant: BnQuantizers | undefined,
  training: boolean,
): tf.Tensor {
  const gamma = quant ? quant.gamma.apply(params.gamma, training) : params.gamma;
  const beta = quant ? quant.beta.apply(params.beta, training) : params.beta;
  const inv = tf.mul(tf.rsqrt(tf.add(stats.variance, BN_EPSILON)), gamma);
  return tf.add(tf.mul(tf.sub(x, stats.mean), inv), beta);
}

/** Disposes the variables of one BN layer. */
export function disposeBatchNorm(params: BatchNormParams): void {
  tf.dispose([params.gamma, params.beta, params.runningMean, params.runningVariance]);
}
