/**
 * Hutchinson's estimate of the Hessian's diagonal and AdaHessian's curvature built on it
 * (docs/adahessian.md §1).
 *
 *   diag(H) = E_z[z ⊙ Hz]   for z with independent Rademacher (±1) entries,
 *
 * since (z ⊙ Hz)_i = H_ii z_i² + Σ_{j≠i} H_ij z_i z_j and E[z_i z_j] = 0 for i ≠ j. One probe is
 * exact when H is diagonal. AdaHessian uses one probe per step, its absolute value |z ⊙ Hz| = |Hz|,
 * averaged over a conv kernel's spatial taps and a dense kernel's inputs.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../tensor/rng';
import { hessianVectorProduct } from './hvp';
import { rademacher } from './linalg';

/** One Rademacher (±1) tensor per variable, same shapes, drawn from `rng` in variable order. */
export function rademacherProbes(rng: Rng, variables: readonly tf.Variable[]): tf.Tensor[] {
  return variables.map((v) => tf.tensor(Float32Array.from(rademacher(rng, v.size)), v.shape));
}

/**
 * z ⊙ Hz for each variable: one Hutchinson sample of the diagonal of the Hessian of `loss()`
 * restricted to `variables` (unbiased; exact for a diagonal Hessian). Call inside tf.tidy.
 */
export function hutchinsonDiagonal(
  loss: () => tf.Scalar,
  variables: readonly tf.Variable[],
  probes: readonly tf.Tensor[],
): tf.Tensor[] {
  const hv = hessianVectorProduct(loss, variables, probes);
  return hv.map((h, i) => tf.mul(probes[i], h));
}

/**
 * AdaHessian's spatial averaging: a conv kernel [kh, kw, C_in, C_out] (depthwise: [k, k, C, 1])
 * gets the mean over its kh·kw taps, [1, 1, C_in, C_out]; a dense kernel [in, out] the mean over
 * each output unit's inputs, [1, out] (the reference's default for 2-D weights, "the entire row");
 * both broadcast back over the kernel. Rank 1 (biases, BN γ and β) is returned as it is.
 */
export function spatialAverage(d: tf.Tensor): tf.Tensor {
  if (d.rank === 4) return tf.mean(d, [0, 1], true);
  return d.rank === 2 ? tf.mean(d, 0, true) : d;
}

/**
 * AdaHessian's curvature of each variable: |z ⊙ Hz|, averaged over conv taps and dense rows
 * ({@link spatialAverage}). Call inside tf.tidy.
 */
export function adaHessianCurvature(
  loss: () => tf.Scalar,
  variables: readonly tf.Variable[],
  probes: readonly tf.Tensor[],
): tf.Tensor[] {
  return hutchinsonDiagonal(loss, variables, probes).map((d) => spatialAverage(tf.abs(d)));
}
