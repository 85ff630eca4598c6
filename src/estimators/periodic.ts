/**
 * Helpers shared by the cyclical estimators: the position of v inside its bin.
 * frac(v) = v − floor(v) ∈ [0, 1): 0 on a grid point, 0.5 on a rounding threshold.
 */
import * as tf from '@tensorflow/tfjs-core';

/** frac(v) = v − floor(v), elementwise; v in code units. Caller owns the result (use inside tidy). */
export function fracTensor(v: tf.Tensor): tf.Tensor {
  return tf.sub(v, tf.floor(v));
}

/** frac(u) = u − floor(u) ∈ [0, 1) for one number. */
export function fracNumber(u: number): number {
  return u - Math.floor(u);
}

/** Throws a RangeError naming the estimator when `param` is outside the open interval (lo, hi). */
export function assertParam(name: string, param: number, range: readonly [number, number]): void {
  if (!(param > range[0] && param < range[1])) {
    throw new RangeError(`estimator ${name}: parameter ${param} must lie in (${range[0]}, ${range[1]})`);
  }
}

/** Round half to even, as tf.round does (so the JS and tensor sides agree on ties). */
export function roundHalfEven(u: number): number {
  const r = Math.round(u);
  return Math.abs(u - Math.trunc(u)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
