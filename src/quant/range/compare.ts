/**
 * The range estimators side by side on one tensor (docs/ptq.md §12): each one's per-tensor range
 * and the quantization error it leaves at a bitwidth, split into the error of the values the grid
 * clips and the rounding error of the values inside it, plus a histogram to draw them on.
 *
 *   q(x) = s·(clamp(round(x/s) + z, qmin, qmax) − z)        (s, z from the range: grid.ts)
 *   clipError  = (1/n)·Σ over clipped x (round(x/s) + z outside [qmin, qmax]) of (x − q(x))²
 *   roundError = (1/n)·Σ over the other x of (x − q(x))²
 *
 * so clipError + roundError is the tensor's quantization MSE. The ranges come from the estimators'
 * own functions (reduce.ts, mse.ts, kl.ts), so they are the ones a quantizer would set.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MseSearch } from '../../experiment/schema';
import { makeGrid, rangeToScale } from '../grid';
import type { Grid } from '../types';
import { klRangeOf } from './kl';
import { mseRange, MSE_CANDIDATES } from './mse';
import { channelPercentile } from './reduce';

/** The estimators compared, in table order (names of the range registry). */
export const COMPARED_RANGES = ['minmax', 'percentile', 'mse', 'kl'] as const;
export type ComparedRange = (typeof COMPARED_RANGES)[number];

/** How the tensor is quantized. */
export interface CompareSettings {
  bits: number;
  symmetric: boolean;
  /** Signed symmetric grid (weights); unsigned when false (activations). */
  signed: boolean;
  /** Percentile of `percentile`, in (50, 100]. */
  percentile: number;
  mseSearch: MseSearch;
}

/** One estimator's range and the errors it leaves. */
export interface RangeComparison {
  name: ComparedRange;
  /** Range ends in input units. */
  lo: number;
  hi: number;
  /** Mean squared error of the clipped values over all n values (input units²). */
  clipError: number;
  /** Mean squared rounding error of the values inside the grid over all n values. */
  roundError: number;
  /** Share of values clipped, in [0, 1]. */
  clippedFraction: number;
}

/** Counts of values in equal bins between edges[0] and edges[bins]. */
export interface ValueHistogram {
  edges: number[];
  counts: number[];
}

/** The grid of the settings (as roleGrid builds it). */
export function compareGrid(s: CompareSettings): Grid {
  return makeGrid(s.bits, { symmetric: s.symmetric, signed: s.symmetric && s.signed });
}

/** Each estimator's range of x (per tensor). Runs tfjs ops for minmax, percentile and mse. */
export function estimatorRanges(
  x: Float32Array,
  s: CompareSettings,
): Record<ComparedRange, { lo: number; hi: number }> {
  const grid = compareGrid(s);
  const [mm, pc, mse] = tf.tidy(() => {
    const t = tf.tensor1d(x);
    const p = channelPercentile(t, null, s.percentile, s.symmetric);
    const m = mseRange(t, null, grid, s.symmetric, MSE_CANDIDATES, s.mseSearch);
    return [tf.stack([t.min(), t.max()]), tf.concat([p.min, p.max]), tf.concat([m.min, m.max])];
  });
  const read = (r: tf.Tensor) => {
    const [lo, hi] = r.dataSync();
    r.dispose();
    return { lo: lo!, hi: hi! };
  };
  const kl = klRangeOf(x, grid, s.symmetric);
  return { minmax: read(mm), percentile: read(pc), mse: read(mse), kl: { lo: kl.min, hi: kl.max } };
}

/** Clipping and rounding error of quantizing x with the range [lo, hi] on `grid`. */
export function quantizationErrors(
  x: ArrayLike<number>,
  lo: number,
  hi: number,
  grid: Grid,
  symmetric: boolean,
): { clipError: number; roundError: number; clippedFraction: number } {
  const { scale, zeroPoint } = rangeToScale(lo, hi, grid, symmetric);
  let clip = 0;
  let round = 0;
  let clipped = 0;
  for (let k = 0; k < x.length; k++) {
    const v = Math.round(x[k] / scale) + zeroPoint;
    const inside = v >= grid.qmin && v <= grid.qmax;
    const q = scale * (Math.min(grid.qmax, Math.max(grid.qmin, v)) - zeroPoint);
    const e = (x[k] - q) ** 2;
    if (inside) round += e;
    else {
      clip += e;
      clipped++;
    }
  }
  const n = Math.max(1, x.length);
  return { clipError: clip / n, roundError: round / n, clippedFraction: clipped / n };
}

/** Histogram of x in `bins` equal bins over [min, max] (one bin of width 1 for a constant). */
export function valueHistogram(x: ArrayLike<number>, bins = 80): ValueHistogram {
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < x.length; k++) {
    if (x[k] < lo) lo = x[k];
    if (x[k] > hi) hi = x[k];
  }
  if (!(lo <= hi)) [lo, hi] = [0, 1];
  if (hi === lo) [lo, hi] = [lo - 0.5, hi + 0.5];
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let k = 0; k < x.length; k++) {
    if (Number.isFinite(x[k])) counts[Math.min(bins - 1, Math.floor((x[k] - lo) / width))]++;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, i) => lo + i * width), counts };
}

/** Every compared estimator on x: ranges and errors in table order. */
export function compareRanges(x: Float32Array, s: CompareSettings): RangeComparison[] {
  const grid = compareGrid(s);
  const ranges = estimatorRanges(x, s);
  return COMPARED_RANGES.map((name) => {
    const { lo, hi } = ranges[name];
    return { name, lo, hi, ...quantizationErrors(x, lo, hi, grid, s.symmetric) };
  });
}
