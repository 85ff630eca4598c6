/**
 * MSE range search (docs/science.md §5): pick the clipping range that minimises Σ (x − q(x))² per channel,
 * over MSE_CANDIDATES candidates.
 *
 * Symmetric: 1-D search over clip values c_k = (k/K)·max|x|, k = 1..K, scale s_k = c_k/qmax.
 * Asymmetric: a 1-D *shrink* search, not AIMET's 2-D one: both ends shrink together,
 * [x_min, x_max]·k/K, so the zero point stays (up to rounding) where min-max puts it. It costs K
 * passes instead of a 2-D grid's K×skews, and loses nothing for ranges that start at 0 (post-ReLU).
 *
 * Cost: K passes of ~7 elementwise ops over the tensor; the quantizer runs it on the first training
 * call and then every `recalibrateEvery` calls, never per step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { RANGE_EPS, gridSpan } from '../grid';
import type { Grid } from '../types';
import { channelMinMax, channelRows } from './reduce';
import type { RangeRule } from './tracker';

/** Number of candidate clipping ranges of the MSE search. */
export const MSE_CANDIDATES = 100;

/** Σ over each row of (x − q(x))² for one candidate (rows [C, M], scale/zero [C, 1]). @returns [C] */
function rowSquaredError(rows: tf.Tensor2D, scale: tf.Tensor, zero: tf.Tensor | null, grid: Grid): tf.Tensor {
  const v = zero ? tf.add(tf.div(rows, scale), zero) : tf.div(rows, scale);
  const xi = tf.clipByValue(tf.round(v), grid.qmin, grid.qmax);
  const xq = tf.mul(zero ? tf.sub(xi, zero) : xi, scale);
  return tf.sum(tf.squaredDifference(rows, xq), 1);
}

/**
 * MSE-optimal per-channel range of x.
 * @param x any shape; axis = channel axis, or null for per-tensor
 * @returns {min, max}, each [C], input units (min = −max when symmetric)
 */
export function mseRange(
  x: tf.Tensor,
  axis: number | null,
  grid: Grid,
  symmetric: boolean,
  candidates = MSE_CANDIDATES,
): { min: tf.Tensor1D; max: tf.Tensor1D } {
  return tf.tidy(() => {
    const rows = channelRows(x, axis);
    const mm = channelMinMax(x, axis);
    let lo: tf.Tensor = tf.minimum(mm.min, 0);
    let hi: tf.Tensor = tf.maximum(mm.max, RANGE_EPS);
    if (symmetric) {
      hi = tf.maximum(tf.neg(lo), hi);
      lo = tf.neg(hi);
    }
    const errors: tf.Tensor[] = [];
    for (let k = 1; k <= candidates; k++) {
      errors.push(
        tf.tidy(() => {
          const f = k / candidates;
          const cLo = tf.mul(lo, f).reshape([-1, 1]);
          const cHi = tf.mul(hi, f).reshape([-1, 1]);
          if (symmetric) return rowSquaredError(rows, tf.div(cHi, grid.qmax), null, grid);
          const scale = tf.div(tf.sub(cHi, cLo), gridSpan(grid));
          const zero = tf.clipByValue(tf.round(tf.div(tf.neg(cLo), scale)), grid.qmin, grid.qmax);
          return rowSquaredError(rows, scale, zero, grid);
        }),
      );
    }
    // argMin takes the first minimum: ties go to the smallest clipping range.
    const best = tf
      .add(tf.argMin(tf.stack(errors), 0), 1)
      .toFloat()
      .div(candidates);
    return { min: tf.mul(lo, best) as tf.Tensor1D, max: tf.mul(hi, best) as tf.Tensor1D };
  });
}

/** The MSE range estimator: the search on the first training call and every `recalibrateEvery`. */
export const mseRule: RangeRule = {
  train(x, s) {
    const { axis, grid, symmetric, recalibrateEvery } = s.opts;
    const due = s.calls === 0 || (recalibrateEvery > 0 && s.calls % recalibrateEvery === 0);
    return due ? s.store(mseRange(x, axis, grid, symmetric)) : s.copy();
  },
};
