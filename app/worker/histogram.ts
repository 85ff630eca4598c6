/**
 * Per-layer weight histograms in grid units, computed in the worker so only ~100 numbers per layer
 * cross to the main thread. Pure functions (Node-tested).
 *
 * Grid units: u = w/s + z, so integer codes sit on integers and rounding thresholds on half-integers,
 * whatever the layer's scale (per-channel scales are applied per channel: channel = i mod C, which is
 * the last axis for dense/conv [.., outC] and axis 2 for depthwise [kh, kw, C, 1]).
 */
import { FLOAT_BITS } from '../../src/experiment/schema';
import { roleGrid } from '../../src/quant/grid';
import type { WeightHistogram } from './protocol';

/** What the trainer gives for one layer (src/train/types.ts RunResult.weights, plus latent values when available). */
export interface LayerWeights {
  codes: ArrayLike<number>;
  scale: ArrayLike<number>;
  zeroPoint: ArrayLike<number>;
  bits: number;
  latent?: ArrayLike<number>;
}

/** Bins at most this many per histogram. */
export const MAX_BINS = 96;

/**
 * Integer limits of a weight grid of `bits`, as the quantizer builds it (src/quant/grid.ts
 * roleGrid: signed when symmetric, unsigned when asymmetric); 32 = float: no grid, [0, 0].
 */
export function gridLimits(bits: number, symmetric: boolean): { qmin: number; qmax: number } {
  if (bits >= FLOAT_BITS) return { qmin: 0, qmax: 0 };
  const { qmin, qmax } = roleGrid(bits, symmetric, 'weight');
  return { qmin, qmax };
}

/** Histogram of one layer: latent values in grid units when given, else the integer codes. */
export function layerHistogram(layer: string, w: LayerWeights, symmetric: boolean): WeightHistogram {
  const { qmin, qmax } = gridLimits(w.bits, symmetric);
  const n = w.codes.length;
  const values = new Float64Array(w.latent ? w.latent.length : n);
  const channels = Math.max(1, w.scale.length);
  if (w.latent) {
    for (let i = 0; i < values.length; i++) {
      const c = i % channels;
      const s = w.scale[c] || 1;
      values[i] = w.bits >= FLOAT_BITS ? w.latent[i] : w.latent[i] / s + (w.zeroPoint[c] ?? 0);
    }
  } else {
    for (let i = 0; i < n; i++) values[i] = w.codes[i];
  }
  let lo: number;
  let hi: number;
  if (w.bits >= FLOAT_BITS) {
    lo = Infinity;
    hi = -Infinity;
    for (const v of values) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!Number.isFinite(lo)) [lo, hi] = [-1, 1];
    if (hi === lo) hi = lo + 1;
  } else if (w.latent) {
    // One grid step of margin either side shows latent weights beyond the clip range.
    lo = qmin - 1;
    hi = qmax + 1;
  } else {
    // Codes only: one bin per integer level, centred on it.
    lo = qmin - 0.5;
    hi = qmax + 0.5;
  }
  const perStep = w.bits >= FLOAT_BITS ? 0 : w.latent ? Math.max(1, Math.floor(MAX_BINS / (hi - lo))) : 1;
  const bins = w.bits >= FLOAT_BITS ? MAX_BINS : Math.min(MAX_BINS, Math.round((hi - lo) * perStep));
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    const b = Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)));
    counts[b]++;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  return { layer, bits: w.bits, qmin, qmax, edges, counts, latent: w.latent !== undefined };
}
