/**
 * Element-wise gradient scaling (Lee, Kim, Ham 2021, "Network Quantization with Element-wise Gradient
 * Scaling", CVPR). The factor depends on the gradient's sign, so Q̂' is several-valued for one v and
 * the SGD mapping of docs/science.md §1 does not apply (`scalar: false`).
 *
 * forward:  x_int = clamp(round(v), qmin, qmax)
 * backward: dx = dy · (1 + δ·sign(dy)·(v − round(v)))
 *
 * The SGD update −η·dx is enlarged when it moves v toward its grid point round(v) and shrunk when
 * it moves v away (e.g. v − round(v) = 0.25, dy > 0: the step goes down, toward the grid point, and
 * is scaled by 1 + 0.25·δ). δ ∈ [0, 2) keeps the factor positive (|v − round(v)| ≤ ½).
 * The paper sets δ from a Hessian estimate; the lab uses a fixed δ (default 0.2). v − round(v) uses
 * the unclamped v, so outside the clip range the factor stays in [1 − δ/2, 1 + δ/2] (no mask).
 *
 * Truth table (δ = 0.2), dx for dy = +1 / dy = −1:
 * | v           | 0      | 0.25        | 0.4         | −0.25       | 2.1         |
 * | dx (dy=+1)  | 1      | 1.05        | 1.08        | 0.95        | 1.02        |
 * | dx (dy=−1)  | −1     | −0.95       | −0.92       | −1.05       | −0.98       |
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EstimatorDef, GradientEstimator } from './types';
import { roundHalfEven } from './periodic';

/** EWGS factor for a positive gradient, 1 + δ·(u − round(u)), for one number u (grid units). */
export function ewgsDerivative(u: number, delta: number): number {
  return 1 + delta * (u - roundHalfEven(u));
}

/** EWGS, parameter = δ ∈ [0, 2) (default 0.2). */
export const ewgsEstimator: EstimatorDef = {
  name: 'ewgs',
  defaultParam: 0.2,
  paramRange: [-1e-12, 2],
  paramLabel: 'scaling δ',
  scalar: false,
  derivative: ewgsDerivative,
  create(delta: number): GradientEstimator {
    return {
      name: 'ewgs',
      param: delta,
      usesInput: true,
      backward: (dy, v) =>
        tf.tidy(() => {
          const offset = tf.sub(v, tf.round(v));
          return tf.mul(dy, tf.add(tf.mul(tf.mul(tf.sign(dy), offset), delta), 1));
        }),
    };
  },
};
