/**
 * MSE range search (docs/science.md §5): pick the clipping range that minimises Σ (x − q(x))² per channel.
 *
 * 1-D (`mseSearch: '1d'`, the lab's): K = MSE_CANDIDATES candidates.
 *   Symmetric: clip values c_k = (k/K)·max|x|, k = 1..K, scale s_k = c_k/rangeCode (qmax by default).
 *   Asymmetric: both ends shrink together, [x_min, x_max]·k/K, so the zero point stays (up to
 *   rounding) where min-max puts it. Loses nothing for ranges that start at 0 (post-ReLU).
 * 2-D (`mseSearch: '2d'`, asymmetric only; AIMET-like, docs/conventions.md §5): the 1-D candidates
 *   plus a grid over both ends: widths w_i = (i/W)·(x_max − x_min), i = 1..W, each slid across the
 *   min-max range, low ends l_j = x_min + (j/J)·(x_max − x_min − w_i), j = 0..J. Like every range, a
 *   candidate is widened to contain 0 before it is scored (grid.ts). Since the 1-D candidates are
 *   among them, the 2-D error is never above the 1-D error (ties go to the 1-D candidate).
 *   A symmetric grid has one free end, so its search is the 1-D one.
 *
 * Cost: K passes of ~7 elementwise ops over the tensor (2-D: W more passes, each over J + 1 copies);
 * the quantizer runs it on the first training call and then every `recalibrateEvery` calls.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MseSearch } from '../../experiment/schema';
import { RANGE_EPS, gridSpan, symmetricRangeCode } from '../grid';
import type { Grid } from '../types';
import { channelMinMax, channelRows } from './reduce';
import type { RangeRule } from './tracker';

/** Number of candidate clipping ranges of the 1-D MSE search. */
export const MSE_CANDIDATES = 100;
/** The 2-D search's widths W and positions J + 1 per width. */
export const MSE_2D_WIDTHS = 20;
export const MSE_2D_POSITIONS = 21;

/** Σ over the last axis of (x − q(x))² for candidates broadcast against rows. */
function squaredError(rows: tf.Tensor, scale: tf.Tensor, zero: tf.Tensor | null, grid: Grid): tf.Tensor {
  const v = zero ? tf.add(tf.div(rows, scale), zero) : tf.div(rows, scale);
  const xi = tf.clipByValue(tf.round(v), grid.qmin, grid.qmax);
  const xq = tf.mul(zero ? tf.sub(xi, zero) : xi, scale);
  return tf.sum(tf.squaredDifference(rows, xq), -1);
}

/** Asymmetric scale and zero point of candidate ranges [cLo, cHi] (cLo ≤ 0 ≤ cHi), as grid.ts. */
function asymmetricParams(cLo: tf.Tensor, cHi: tf.Tensor, grid: Grid): { scale: tf.Tensor; zero: tf.Tensor } {
  const scale = tf.div(tf.sub(cHi, cLo), gridSpan(grid));
  const zero = tf.clipByValue(tf.round(tf.div(tf.neg(cLo), scale)), grid.qmin, grid.qmax);
  return { scale, zero };
}

/**
 * The 2-D candidates' ranges and errors. rows [C, M], lo/hi [C]. @returns lo, hi, err, each [C, W·(J+1)]
 */
function searchBothEnds(rows: tf.Tensor2D, lo: tf.Tensor, hi: tf.Tensor, grid: Grid) {
  const span = tf.sub(hi, lo).reshape([-1, 1]);
  const positions = tf.linspace(0, 1, MSE_2D_POSITIONS).reshape([1, -1]);
  const los: tf.Tensor[] = [];
  const his: tf.Tensor[] = [];
  const errs: tf.Tensor[] = [];
  const rows3 = rows.expandDims(1);
  for (let i = 1; i <= MSE_2D_WIDTHS; i++) {
    const width = tf.mul(span, i / MSE_2D_WIDTHS);
    const low = tf.add(lo.reshape([-1, 1]), tf.mul(tf.sub(span, width), positions));
    // Ranges contain 0 (grid.ts): a window beside 0 is widened to reach it.
    const cLo = tf.minimum(low, 0);
    const cHi = tf.maximum(tf.add(low, width), RANGE_EPS);
    const { scale, zero } = asymmetricParams(cLo, cHi, grid);
    los.push(cLo);
    his.push(cHi);
    errs.push(squaredError(rows3, scale.expandDims(2), zero.expandDims(2), grid));
  }
  return { lo: tf.concat(los, 1), hi: tf.concat(his, 1), err: tf.concat(errs, 1) };
}

/**
 * MSE-optimal per-channel range of x.
 * @param x any shape; axis = channel axis, or null for per-tensor
 * @param search '2d' adds the search over both ends (asymmetric only)
 * @returns {min, max}, each [C], input units (min = −max when symmetric)
 */
export function mseRange(
  x: tf.Tensor,
  axis: number | null,
  grid: Grid,
  symmetric: boolean,
  candidates = MSE_CANDIDATES,
  search: MseSearch = '1d',
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
          if (symmetric) return squaredError(rows, tf.div(cHi, symmetricRangeCode(grid)), null, grid);
          const { scale, zero } = asymmetricParams(cLo, cHi, grid);
          return squaredError(rows, scale, zero, grid);
        }),
      );
    }
    if (symmetric || search === '1d') {
      // argMin takes the first minimum: ties go to the smallest clipping range.
      const best = tf
        .add(tf.argMin(tf.stack(errors), 0), 1)
        .toFloat()
        .div(candidates);
      return { min: tf.mul(lo, best) as tf.Tensor1D, max: tf.mul(hi, best) as tf.Tensor1D };
    }
    const f = tf.tensor2d([Array.from({ length: candidates }, (_, k) => (k + 1) / candidates)]);
    const two = searchBothEnds(rows, lo, hi, grid);
    const allLo = tf.concat([tf.mul(lo.reshape([-1, 1]), f), two.lo], 1);
    const allHi = tf.concat([tf.mul(hi.reshape([-1, 1]), f), two.hi], 1);
    const allErr = tf.concat([tf.stack(errors, 1), two.err], 1);
    // First minimum: ties go to the 1-D candidates, then to narrower windows.
    const pick = tf.oneHot(tf.argMin(allErr, 1), allErr.shape[1]!).toFloat();
    return {
      min: tf.sum(tf.mul(allLo, pick), 1) as tf.Tensor1D,
      max: tf.sum(tf.mul(allHi, pick), 1) as tf.Tensor1D,
    };
  });
}

/** The MSE range estimator: the search on the first training call and every `recalibrateEvery`. */
export const mseRule: RangeRule = {
  train(x, s) {
    const { axis, grid, symmetric, recalibrateEvery, mseSearch } = s.opts;
    const due = s.calls === 0 || (recalibrateEvery > 0 && s.calls % recalibrateEvery === 0);
    return due ? s.store(mseRange(x, axis, grid, symmetric, MSE_CANDIDATES, mseSearch)) : s.copy();
  },
};
