/**
 * Clipped straight-through estimator: the STE masked to the clip range, as in the fake-quant
 * convention of docs/science.md (Notation) and docs/performance.md §4.
 *
 * forward:  x_int = clamp(round(v), qmin, qmax)
 * backward: dx = dy · 1[qmin ≤ v ≤ qmax]      (v unrounded, in code units: v = x/s + z)
 *
 * Outside the range the gradient is exactly 0, which puts it at the edge of docs/science.md §1's theory
 * (Q̂' must stay above 0); inside the range it is the STE. `derivative` (plot, mapping) shows the
 * inside branch, 1, because the mapping is computed on one interior bin.
 *
 * Truth table (Q̂'(v), grid [−8, 7]):
 * | v   | −8.01 | −8 | 0 | 0.5 | 7 | 7.2 | 7.5 |
 * | Q̂' |   0   | 1  | 1 |  1  | 1 |  0  |  0  |
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EstimatorDef, GradientEstimator } from './types';

/** Clipped STE: 1 inside [qmin, qmax] (in code units), 0 outside. */
export const clippedSteEstimator: EstimatorDef = {
  name: 'clipped-ste',
  defaultParam: NaN,
  scalar: true,
  derivative: () => 1,
  create(): GradientEstimator {
    return {
      name: 'clipped-ste',
      param: NaN,
      usesInput: true,
      backward: (dy, v, qmin, qmax) =>
        tf.tidy(() => {
          const inside = tf.logicalAnd(tf.greaterEqual(v, qmin), tf.lessEqual(v, qmax));
          return tf.mul(dy, tf.cast(inside, 'float32'));
        }),
    };
  },
};
