/**
 * Sigmoid soft-round estimator (the sigmoid form of DSQ-style soft rounding; cf. Yang et al. 2019,
 * "Quantization Networks", which builds the staircase from sigmoids). Cyclical in v, period 1.
 *
 * forward:  x_int = clamp(round(v), qmin, qmax)
 * backward: dx = dy · Q̂'(v),  Q̂'(v) = k·σ(t)·(1 − σ(t)) / (σ(k/2) − σ(−k/2)),  t = k·(frac(v) − 0.5)
 *
 * Q̂' is the derivative of floor(v) + (σ(t) − σ(−k/2))/(σ(k/2) − σ(−k/2)), which rises by exactly 1 per
 * bin: ∫ over one bin of Q̂' = 1. Since σ(t)(1 − σ(t)) = (1 − tanh²(t/2))/4 and
 * σ(k/2) − σ(−k/2) = tanh(k/4), sigmoid(k) has the same shape as tanh(k/2): softer at equal k.
 * Outside the clip range it keeps cycling (no mask), like `ste`.
 *
 * Truth table (k = 4):
 * | v   | 0 (grid) | 0.25   | 0.5 (threshold) | 0.75   | 1      |
 * | Q̂' | 0.5514   | 1.0326 | 1.3130          | 1.0326 | 0.5514 |
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EstimatorDef, GradientEstimator } from './types';
import { fracNumber, fracTensor } from './periodic';

function sig(t: number): number {
  return 1 / (1 + Math.exp(-t));
}

/** Q̂'(u) of the sigmoid estimator with sharpness k, for one number u (grid units). */
export function sigmoidDerivative(u: number, k: number): number {
  const p = sig(k * (fracNumber(u) - 0.5));
  return (k * p * (1 - p)) / (sig(k / 2) - sig(-k / 2));
}

/** Sigmoid soft-round estimator, parameter = sharpness k > 0 (default 4). */
export const sigmoidEstimator: EstimatorDef = {
  name: 'sigmoid',
  defaultParam: 4,
  paramRange: [0, 100],
  paramLabel: 'sharpness k',
  scalar: true,
  derivative: sigmoidDerivative,
  create(k: number): GradientEstimator {
    const c = k / (sig(k / 2) - sig(-k / 2));
    return {
      name: 'sigmoid',
      param: k,
      usesInput: true,
      backward: (dy, v) =>
        tf.tidy(() => {
          const p = tf.sigmoid(tf.mul(tf.sub(fracTensor(v), 0.5), k));
          return tf.mul(dy, tf.mul(tf.mul(p, tf.sub(1, p)), c));
        }),
    };
  },
};
