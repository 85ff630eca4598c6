/**
 * Cosine estimator: the closed-form test case of Schoenbauer et al. 2024, "Custom Gradient
 * Estimators are Straight-Through Estimators in Disguise" (docs/science.md §1). Cyclical in v, period 1.
 *
 * forward:  x_int = clamp(round(v), qmin, qmax)
 * backward: dx = dy · Q̂'(v),  Q̂'(v) = 1 + a·cos(2πv),  |a| < 1
 *
 * Mean 1 over a bin; peaks (1 + a) at grid points and dips (1 − a) at rounding thresholds for a > 0.
 * Mapping factor α = √(1 − a²) (0.866 at a = 0.5). Outside the clip range it keeps cycling (no mask).
 *
 * Truth table (a = 0.5):
 * | v   | 0   | 0.25 | 0.5 | 0.75 | 1   | −2  |
 * | Q̂' | 1.5 | 1    | 0.5 | 1    | 1.5 | 1.5 |
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EstimatorDef, GradientEstimator } from './types';

/** Q̂'(u) = 1 + a·cos(2πu), for one number u (grid units). */
export function cosineDerivative(u: number, a: number): number {
  return 1 + a * Math.cos(2 * Math.PI * u);
}

/** Cosine estimator, parameter = amplitude a ∈ (−1, 1) (default 0.5). */
export const cosineEstimator: EstimatorDef = {
  name: 'cosine',
  defaultParam: 0.5,
  paramRange: [-1, 1],
  paramLabel: 'amplitude a',
  scalar: true,
  derivative: cosineDerivative,
  create(a: number): GradientEstimator {
    return {
      name: 'cosine',
      param: a,
      usesInput: true,
      backward: (dy, v) => tf.tidy(() => tf.mul(dy, tf.add(tf.mul(tf.cos(tf.mul(v, 2 * Math.PI)), a), 1))),
    };
  },
};
