/**
 * Integer grids and the scale / zero point that map a real range onto them (docs/science.md §5).
 *
 * Notation: x_int = clamp(round(x/s) + z, qmin, qmax), x̂ = s·(x_int − z).
 *
 * | grid                          | qmin         | qmax        | z               | symmetric s         |
 * |-------------------------------|--------------|-------------|-----------------|---------------------|
 * | signed symmetric, b bits      | −2^(b−1)     | 2^(b−1)−1   | 0               | max|x|/qmax         |
 * | signed symmetric, narrowRange | −(2^(b−1)−1) | 2^(b−1)−1   | 0               | max|x|/qmax         |
 * | signed symmetric, fullRange   | −2^(b−1)     | 2^(b−1)−1   | 0               | max|x|/(2^(b−1)−½)  |
 * | unsigned symmetric (post-ReLU)| 0            | 2^b−1       | 0               | max|x|/qmax         |
 * | asymmetric                    | 0            | 2^b−1       | round(−x_min/s) | —                   |
 *
 * Truth table (4 bits): signed → [−8, 7]; narrow → [−7, 7]; unsigned/asymmetric → [0, 15].
 * 2 bits, max|x| = 1.5: signed s = 1.5 (codes −1, 0, 1 reached); fullRange s = 1 (all of −2…1).
 * fullRange is PyTorch's symmetric observer: s = max|x|/((qmax − qmin)/2), so max|x| lands half a
 * step past qmax and the top of the range clips (docs/conventions.md §1).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Grid, QuantRole } from './types';

/** Smallest allowed range maximum (docs/science.md §5: x_max ← max(x_max, eps)), in input units. */
export const RANGE_EPS = 1e-8;

/** How a quantizer lays out its integer grid. */
export interface GridKind {
  /** Symmetric (z = 0) or asymmetric (z from the range, unsigned grid). */
  symmetric: boolean;
  /** Signed grid; only meaningful when symmetric (asymmetric grids are always [0, 2^b−1]). */
  signed: boolean;
  /** Drop the most negative code so the signed grid is symmetric around 0 (AQT style). */
  narrowRange?: boolean;
  /**
   * Map a symmetric range onto the whole signed grid: s = max|x|/((qmax − qmin)/2) instead of
   * max|x|/qmax (PyTorch). Ignored for narrow, unsigned and asymmetric grids.
   */
  fullRange?: boolean;
}

/**
 * The integer grid for `bits` bits. Asymmetric grids are unsigned with a zero point.
 * @param bits 2–8 (32 = float: returns the 8-bit grid shape, unused by an identity quantizer)
 */
export function makeGrid(bits: number, kind: GridKind): Grid {
  const b = Math.min(bits, 16);
  if (!kind.symmetric || !kind.signed) return { bits, qmin: 0, qmax: 2 ** b - 1 };
  const half = 2 ** (b - 1);
  if (kind.narrowRange) return { bits, qmin: -(half - 1), qmax: half - 1 };
  const grid: Grid = { bits, qmin: -half, qmax: half - 1 };
  return kind.fullRange ? { ...grid, rangeCode: half - 0.5 } : grid;
}

/** The code a symmetric range's end maps to: s = max(|x_min|, x_max)/rangeCode (qmax by default). */
export function symmetricRangeCode(grid: Grid): number {
  return grid.rangeCode ?? grid.qmax;
}

/**
 * The grid the lab gives a quantizer of `role` unless told otherwise: weights signed, activations
 * unsigned (pixels and ReLU outputs are non-negative); every asymmetric grid is [0, 2^b−1] and the
 * narrow range is never asked for. 4 bits: weight [−8, 7], act [0, 15].
 */
export function roleGrid(bits: number, symmetric: boolean, role: QuantRole): Grid {
  return makeGrid(bits, { symmetric, signed: isSignedRole(role) });
}

/** Whether a symmetric grid of `role` is signed by default (see {@link roleGrid}). */
export function isSignedRole(role: QuantRole): boolean {
  return role === 'weight';
}

/** Number of representable codes minus one (the denominator of the asymmetric scale). */
export function gridSpan(grid: Grid): number {
  return grid.qmax - grid.qmin;
}

/** Scale and zero point as plain numbers (one channel). */
export interface ScaleZero {
  /** Grid step in input units (> 0). */
  scale: number;
  /** Integer zero point (0 when symmetric). */
  zeroPoint: number;
}

/**
 * Scale and zero point from a real range (docs/science.md §5), plain-number version for tests and the UI.
 * Symmetric: s = max(|x_min|, x_max)/qmax (or the grid's {@link symmetricRangeCode}). Asymmetric: s = (x_max − x_min)/(2^b − 1),
 * z = round(−x_min/s).
 */
export function rangeToScale(xMin: number, xMax: number, grid: Grid, symmetric: boolean): ScaleZero {
  const lo = Math.min(xMin, 0);
  const hi = Math.max(xMax, RANGE_EPS);
  if (symmetric) return { scale: Math.max(-lo, hi) / symmetricRangeCode(grid), zeroPoint: 0 };
  const scale = (hi - lo) / gridSpan(grid);
  const z = Math.round(-lo / scale);
  return { scale, zeroPoint: Math.min(Math.max(z, grid.qmin), grid.qmax) };
}

/**
 * Tensor version of {@link rangeToScale}: per-channel ranges in, per-channel scale / zero point out.
 * @param xMin shape [C] (or [1]), input units
 * @param xMax same shape as xMin
 * @returns scale with xMin's shape; zeroPoint null when symmetric (z = 0 everywhere)
 */
export function rangeToScaleTensor(
  xMin: tf.Tensor,
  xMax: tf.Tensor,
  grid: Grid,
  symmetric: boolean,
): { scale: tf.Tensor; zeroPoint: tf.Tensor | null } {
  if (symmetric) {
    const scale = tf.tidy(() =>
      tf.maximum(tf.neg(tf.minimum(xMin, 0)), tf.maximum(xMax, RANGE_EPS)).div(symmetricRangeCode(grid)),
    );
    return { scale, zeroPoint: null };
  }
  return tf.tidy(() => {
    const lo = tf.minimum(xMin, 0);
    const scale = tf.maximum(xMax, RANGE_EPS).sub(lo).div(gridSpan(grid));
    // −lo/s ∈ [0, 2^b−1] already; the clip only guards against float round-off at the ends.
    const zeroPoint = tf.clipByValue(tf.round(tf.neg(lo).div(scale)), grid.qmin, grid.qmax);
    return { scale, zeroPoint };
  });
}
