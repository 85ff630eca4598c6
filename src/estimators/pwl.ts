/**
 * Piecewise-linear surrogate of round() (in the family of the piecewise-linear STE variants, e.g.
 * PWL soft quantizers; lab's own parameterisation). Cyclical in v, period 1.
 *
 * The surrogate staircase is linear in three pieces per bin: slope c on the outer quarters next to
 * the grid points, slope 2 − c on the central half around the rounding threshold. It rises by
 * c·½ + (2 − c)·½ = 1 per bin, so the mean of Q̂' over a bin is 1 (as for the STE).
 *
 * forward:  x_int = clamp(round(v), qmin, qmax)
 * backward: dx = dy · Q̂'(v),  Q̂'(v) = 2 − c  if |frac(v) − ½| < ¼,  else c
 *
 * Parameter c ∈ (0, 2): c = 1 is the STE; c < 1 peaks at the thresholds (default 0.25); c > 1 peaks at
 * the grid points. Q̂' > 0 for every valid c. Outside the clip range it keeps cycling (no mask).
 *
 * Truth table (c = 0.25):
 * | v   | 0    | 0.2  | 0.25 | 0.3  | 0.5  | 0.7  | 0.75 | 0.9  |
 * | Q̂' | 0.25 | 0.25 | 0.25 | 1.75 | 1.75 | 1.75 | 0.25 | 0.25 |
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EstimatorDef, GradientEstimator } from './types';
import { fracNumber, fracTensor } from './periodic';

/** Q̂'(u) of the PWL estimator with outer slope c, for one number u (grid units). */
export function pwlDerivative(u: number, c: number): number {
  return Math.abs(fracNumber(u) - 0.5) < 0.25 ? 2 - c : c;
}

/** Piecewise-linear estimator, parameter = slope c of the outer segments (default 0.25). */
export const pwlEstimator: EstimatorDef = {
  name: 'pwl',
  defaultParam: 0.25,
  paramRange: [0, 2],
  paramLabel: 'outer slope c',
  scalar: true,
  derivative: pwlDerivative,
  create(c: number): GradientEstimator {
    return {
      name: 'pwl',
      param: c,
      usesInput: true,
      backward: (dy, v) =>
        tf.tidy(() => {
          const central = tf.cast(tf.less(tf.abs(tf.sub(fracTensor(v), 0.5)), 0.25), 'float32');
          // c + (2 − 2c)·central: c outside the central half, 2 − c inside.
          return tf.mul(dy, tf.add(tf.mul(central, 2 - 2 * c), c));
        }),
    };
  },
};
