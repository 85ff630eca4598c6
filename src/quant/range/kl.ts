/**
 * Entropy (KL) range search (docs/science.md §5): the clipping threshold T whose clipped-and-
 * quantized histogram Q loses the least information about the clipped reference histogram P,
 * T = argmin_T KL(P_T ‖ Q_T). The method of TensorRT's int8 calibrator; differences from
 * onnxruntime's `EntropyCalibrater` are listed in docs/science.md §5.
 *
 * 1. Histogram of magnitudes a over [0, max a] in KL_BINS = 2048 bins of width w: a = |x| on a
 *    signed grid (and on an asymmetric grid when x has both signs), a = max(x, 0) on an unsigned
 *    grid (negative values clip to 0 there anyway).
 * 2. L levels cover [0, T]: the grid's codes from 0 up, {@link klLevels}. Signed 8-bit: 128 (TensorRT);
 *    unsigned 8-bit: 256; b bits: 2^(b−1) signed, 2^b unsigned.
 * 3. For every candidate i = L … KL_BINS (T = i·w): P = bins 0…i−1 with the mass beyond added to
 *    bin i−1 (what clipping does); Q = the same i bins (without that mass) merged into L groups of
 *    ⌊i/L⌋ bins (the last group takes the remainder), each group's count spread evenly over the
 *    group's bins where P is nonzero (zero where P is zero). Both smoothed ({@link smoothCounts}),
 *    normalised, KL(P‖Q) = Σ p·ln(p/q).
 * 4. The first minimum wins (ties go to the smaller T). The range is [max(x_min, −T), min(x_max, T)].
 *
 * Truth table (L = 2, 4 bins, counts h = [4, 0, 0, 4]): i = 2 clips all of bin 3 into bin 1,
 * P = [4, 4], Q = [4, ε] → large KL; i = 4: P = h, Q = [4, 0, 0, 4] → KL ≈ 0, so T = 4w = max.
 *
 * Cost: O(KL_BINS²/2) ≈ 2·10⁶ steps per channel after one read-back of x, on the first training
 * call and every `recalibrateEvery` (like MSE): a calibration estimator, not a per-step one.
 */
import * as tf from '@tensorflow/tfjs-core';
import { RANGE_EPS } from '../grid';
import type { Grid } from '../types';
import { channelRows } from './reduce';
import type { RangeRule } from './tracker';

/** Bins of the magnitude histogram (TensorRT's 2048). */
export const KL_BINS = 2048;
/** Mass given to each empty bin by {@link smoothCounts} (onnxruntime's and MXNet's 1e-4, in counts). */
export const KL_SMOOTH_EPS = 1e-4;

/** Whether the KL search histograms |x| (true) or max(x, 0) (false): see the header. */
export function klTwoSided(grid: Grid, symmetric: boolean, xMin: number): boolean {
  if (grid.qmin < 0) return true;
  return !symmetric && xMin < 0;
}

/**
 * Quantized levels L covering [0, T]: the grid's codes from 0 to qmax on a signed grid (2^(b−1),
 * 128 at 8 bits), all 2^b codes on an unsigned grid, half of them on an asymmetric grid over data
 * of both signs (approximated by a symmetric one). At most {@link KL_BINS}.
 */
export function klLevels(grid: Grid, twoSided: boolean): number {
  const levels = grid.qmin < 0 ? grid.qmax + 1 : twoSided ? Math.floor((grid.qmax + 1) / 2) : grid.qmax + 1;
  return Math.max(1, Math.min(KL_BINS, levels));
}

/** A histogram of magnitudes over [0, maxValue]: `counts` [bins], bin width `width`. */
export interface MagnitudeHistogram {
  counts: Float64Array;
  width: number;
  maxValue: number;
}

/** Histogram of |x| (twoSided) or max(x, 0) in `bins` equal bins over [0, max]. */
export function magnitudeHistogram(
  x: ArrayLike<number>,
  twoSided: boolean,
  bins = KL_BINS,
): MagnitudeHistogram {
  let maxValue = 0;
  for (let k = 0; k < x.length; k++) {
    const a = twoSided ? Math.abs(x[k]) : x[k];
    if (a > maxValue) maxValue = a;
  }
  const counts = new Float64Array(bins);
  const width = maxValue / bins;
  if (maxValue === 0) {
    counts[0] = x.length;
    return { counts, width, maxValue };
  }
  for (let k = 0; k < x.length; k++) {
    const a = twoSided ? Math.abs(x[k]) : Math.max(x[k], 0);
    if (!(a >= 0)) continue; // NaN
    counts[Math.min(bins - 1, Math.floor(a / width))]++;
  }
  return { counts, width, maxValue };
}

/**
 * Moves `eps` of mass into every empty bin, taken evenly from the nonzero ones (in place). When that
 * would empty a nonzero bin, eps shrinks so that they lose at most half of their smallest value.
 * @returns false when every bin is zero (no distribution)
 */
export function smoothCounts(v: Float64Array, eps = KL_SMOOTH_EPS): boolean {
  let zeros = 0;
  let smallest = Infinity;
  for (const c of v) {
    if (c === 0) zeros++;
    else if (c < smallest) smallest = c;
  }
  const nonzeros = v.length - zeros;
  if (nonzeros === 0) return false;
  if (zeros === 0) return true;
  const e = Math.min(eps, (0.5 * smallest * nonzeros) / zeros);
  const take = (e * zeros) / nonzeros;
  for (let j = 0; j < v.length; j++) v[j] = v[j] === 0 ? e : v[j] - take;
  return true;
}

/** Σ p·ln(p/q) of two positive vectors, each normalised to sum 1. */
function klOfCounts(p: Float64Array, q: Float64Array): number {
  let sp = 0;
  let sq = 0;
  for (let j = 0; j < p.length; j++) {
    sp += p[j];
    sq += q[j];
  }
  let kl = 0;
  for (let j = 0; j < p.length; j++) {
    const pj = p[j] / sp;
    kl += pj * Math.log(pj / (q[j] / sq));
  }
  return kl;
}

/**
 * KL(P‖Q) of the candidate that keeps the first `i` bins of `counts` (step 3 of the header).
 * @param tail Σ counts[i…] (the clipped mass); computed when omitted
 * @returns Infinity when Q is empty (all the mass lies beyond bin i)
 */
export function klDivergenceAt(counts: Float64Array, i: number, levels: number, tail?: number): number {
  let clipped = tail ?? 0;
  if (tail === undefined) for (let j = i; j < counts.length; j++) clipped += counts[j];
  const p = counts.slice(0, i);
  p[i - 1] += clipped;
  const q = new Float64Array(i);
  const merged = Math.floor(i / levels);
  for (let g = 0; g < levels; g++) {
    const start = g * merged;
    const end = g === levels - 1 ? i : start + merged;
    let sum = 0;
    let nonzero = 0;
    for (let j = start; j < end; j++) {
      sum += counts[j];
      if (p[j] !== 0) nonzero++;
    }
    if (nonzero === 0) continue;
    for (let j = start; j < end; j++) if (p[j] !== 0) q[j] = sum / nonzero;
  }
  if (!smoothCounts(p) || !smoothCounts(q)) return Infinity;
  return klOfCounts(p, q);
}

/** The search over one histogram: the chosen bin count and every candidate's divergence. */
export interface KlSearch {
  /** Bins kept by the best candidate: T = bins·width. */
  bins: number;
  /** KL of candidate i = levels + k at index k. */
  divergences: Float64Array;
}

/** Scans i = levels … bins (first minimum wins). */
export function klSearch(counts: Float64Array, levels: number): KlSearch {
  const n = counts.length;
  const first = Math.min(levels, n);
  const divergences = new Float64Array(n - first + 1);
  let tail = 0;
  for (let j = first; j < n; j++) tail += counts[j];
  let best = 0;
  for (let i = first; i <= n; i++) {
    const k = i - first;
    divergences[k] = klDivergenceAt(counts, i, levels, tail);
    if (divergences[k] < divergences[best]) best = k;
    if (i < n) tail -= counts[i];
  }
  return { bins: best + first, divergences };
}

/**
 * KL range of one channel's values (plain numbers, for the UI's comparison and tests).
 * @returns [min, max] in input units, never narrower than [0, RANGE_EPS]
 */
export function klRangeOf(
  x: ArrayLike<number>,
  grid: Grid,
  symmetric: boolean,
): { min: number; max: number } {
  let xMin = Infinity;
  let xMax = -Infinity;
  for (let k = 0; k < x.length; k++) {
    if (x[k] < xMin) xMin = x[k];
    if (x[k] > xMax) xMax = x[k];
  }
  if (!(xMin <= xMax)) return { min: 0, max: RANGE_EPS };
  const twoSided = klTwoSided(grid, symmetric, xMin);
  const h = magnitudeHistogram(x, twoSided);
  if (h.maxValue === 0) return { min: Math.min(xMin, 0), max: Math.max(xMax, RANGE_EPS) };
  const t = klSearch(h.counts, klLevels(grid, twoSided)).bins * h.width;
  return { min: Math.max(xMin, -t), max: Math.max(Math.min(xMax, t), RANGE_EPS) };
}

/**
 * Per-channel KL range of x (reads x back once).
 * @param axis channel axis, or null for per-tensor
 * @returns {min, max}, each [C], input units
 */
export function klRange(
  x: tf.Tensor,
  axis: number | null,
  grid: Grid,
  symmetric: boolean,
): { min: tf.Tensor1D; max: tf.Tensor1D } {
  const rows = tf.tidy(() => channelRows(x, axis));
  const [c, m] = rows.shape;
  const values = rows.dataSync();
  rows.dispose();
  const lo = new Float32Array(c);
  const hi = new Float32Array(c);
  for (let ch = 0; ch < c; ch++) {
    const r = klRangeOf(values.subarray(ch * m, (ch + 1) * m), grid, symmetric);
    lo[ch] = r.min;
    hi[ch] = r.max;
  }
  return { min: tf.tensor1d(lo), max: tf.tensor1d(hi) };
}

/** The KL range estimator: the search on the first training call and every `recalibrateEvery`. */
export const klRule: RangeRule = {
  train(x, s) {
    const { axis, grid, symmetric, recalibrateEvery } = s.opts;
    const due = s.calls === 0 || (recalibrateEvery > 0 && s.calls % recalibrateEvery === 0);
    return due ? s.store(klRange(x, axis, grid, symmetric)) : s.copy();
  },
};
