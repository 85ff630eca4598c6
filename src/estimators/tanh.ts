/**
 * tanh soft-round estimator (DSQ-style: Gong et al. 2019, "Differentiable Soft Quantization", ICCV;
 * the same shape as the soft-round of Agustsson & Theis 2020). Cyclical in v, period 1.
 *
 * forward:  x_int = clamp(round(v), qmin, qmax)
 * backward: dx = dy · Q̂'(v),  Q̂'(v) = k·(1 − tanh²(k·(frac(v) − 0.5))) / (2·tanh(k/2))
 *
 * Q̂' is the derivative of the soft staircase σ(v) = floor(v) + ½ + tanh(k(frac(v) − ½))/(2·tanh(k/2)),
 * which rises by exactly 1 per bin, so ∫ over one bin of Q̂' = [tanh(k(t − ½))]₀¹/(2·tanh(k/2)) = 1
 * (the mean is 1, as for the STE). It peaks at the rounding thresholds (k/(2·tanh(k/2))) and is
 * smallest at grid points (k·(1 − tanh²(k/2))/(2·tanh(k/2)) > 0). Large k → 0 at the grid points,
 * which sends the mapping factor α → 0 (docs/science.md §1).
 * Outside the clip range it keeps cycling (no mask), like `ste`: for min-max weights nothing is
 * clipped; for clipped activations choose `clipped-ste`.
 *
 * Truth table (k = 4):
 * | v   | 0 (grid) | 0.25   | 0.5 (threshold) | 0.75   | 1      | −3.5   |
 * | Q̂' | 0.1466   | 0.8713 | 2.0746          | 0.8713 | 0.1466 | 2.0746 |
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EstimatorDef, GradientEstimator } from './types';
import { fracNumber, fracTensor } from './periodic';

/** Q̂'(u) of the tanh estimator with sharpness k, for one number u (grid units). */
export function tanhDerivative(u: number, k: number): number {
  const t = Math.tanh(k * (fracNumber(u) - 0.5));
  return (k * (1 - t * t)) / (2 * Math.tanh(k / 2));
}

/** tanh soft-round estimator, parameter = sharpness k > 0 (default 4). */
export const tanhEstimator: EstimatorDef = {
  name: 'tanh',
  defaultParam: 4,
  paramRange: [0, 50],
  paramLabel: 'sharpness k',
  scalar: true,
  derivative: tanhDerivative,
  create(k: number): GradientEstimator {
    const c = k / (2 * Math.tanh(k / 2));
    return {
      name: 'tanh',
      param: k,
      usesInput: true,
      backward: (dy, v) =>
        tf.tidy(() => {
          const t = tf.tanh(tf.mul(tf.sub(fracTensor(v), 0.5), k));
          return tf.mul(dy, tf.mul(tf.sub(1, tf.square(t)), c));
        }),
    };
  },
};
