/**
 * Why the integer model's codes part from fake quantization (docs/integer.md §8): the same codes
 * recomputed under other rounding conventions and orders, counted per layer input.
 *
 * | convention                      | fake quantization        | integer model            | QuantizeLinear           |
 * | ------------------------------- | ------------------------ | ------------------------ | ------------------------ |
 * | halves                          | to even (tf.round)       | up (add 2^(s−1), shift)  | to even                  |
 * | zero point                      | added before rounding    | added after rounding     | added after rounding     |
 * | clamp                           | after adding z           | after adding z           | after adding z           |
 *
 * Truth table of the rounding conventions (v in code units):
 * | v                 | −2.5 | −1.5 | 0.5 | 1.5 | 2.5 |
 * | half to even      | −2   | −2   | 0   | 2   | 2   |
 * | half up ⌊v + ½⌋   | −2   | −1   | 1   | 2   | 3   |
 */
import type { Dyadic } from './dyadic';
import { requantize } from './dyadic';

/** Half to even, as tf.round and QuantizeLinear round. */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

const clamp = (q: number, lo: number, hi: number) => (q < lo ? lo : q > hi ? hi : q);

/** A layer input's grid as the recomputations need it. */
export interface CodeGrid {
  scale: number;
  zero: number;
  qmin: number;
  qmax: number;
}

/** Counts on the fake quantizer's side: v = x/s + z in float32, as tfjs computes it. */
export interface FakeQuantRounding {
  /** Values exactly at a half where half to even and half up give different codes. */
  ties: number;
  /** Values within 2^−10 of a half: a float sum in another order may round them the other way. */
  nearTies: number;
  /** Codes that rounding x/s first and adding z after (the integer model's and QuantizeLinear's order) changes. */
  roundingOrder: number;
}

/**
 * Recomputes the fake quantizer's codes of x (the layer input before quantization, float32) under
 * the other conventions. Per-tensor grid (the integer model refuses per-channel activations).
 */
export function fakeQuantRounding(x: Float32Array, grid: CodeGrid): FakeQuantRounding {
  const f = Math.fround;
  const s = f(grid.scale);
  const { zero, qmin, qmax } = grid;
  let [ties, nearTies, roundingOrder] = [0, 0, 0];
  for (let i = 0; i < x.length; i++) {
    const u = f(x[i]! / s);
    const v = f(u + zero);
    const frac = v - Math.floor(v);
    if (frac === 0.5 && roundHalfEven(v) !== Math.floor(v + 0.5)) ties++;
    if (Math.abs(frac - 0.5) <= 2 ** -10) nearTies++;
    const own = clamp(roundHalfEven(v), qmin, qmax);
    if (clamp(roundHalfEven(u) + zero, qmin, qmax) !== own) roundingOrder++;
  }
  return { ties, nearTies, roundingOrder };
}

/** Counts on the integer model's side, from r (the integers before requantization). */
export interface IntegerRounding {
  /** r·M exactly at a half where the datapath's half up and fake quantization's half to even part. */
  ties: number;
  /** Codes that clamping to [qmin, qmax] before adding z (instead of after) would move. */
  clampBeforeZeroPoint: number;
}

/**
 * Recomputes the integer model's requantization of r (channels last, `requant` per channel) into
 * `grid` with half-to-even rounding and with the clamp before the zero point.
 */
export function integerRounding(r: Float64Array, requant: Dyadic[], grid: CodeGrid): IntegerRounding {
  const C = requant.length;
  const { zero, qmin, qmax } = grid;
  let [ties, clampBeforeZeroPoint] = [0, 0];
  for (let i = 0; i < r.length; i++) {
    const d = requant[i % C]!;
    const q = requantize(r[i]!, d);
    if (d.s > 0) {
      const product = r[i]! * d.m;
      const rem = product - Math.floor(product / 2 ** d.s) * 2 ** d.s;
      // At an exact half ⌊·⌋ + 1 = q is odd exactly when half to even would have rounded down.
      if (rem === 2 ** (d.s - 1) && q % 2 !== 0) ties++;
    }
    if (clamp(q, qmin, qmax) + zero !== clamp(q + zero, qmin, qmax)) clampBeforeZeroPoint++;
  }
  return { ties, clampBeforeZeroPoint };
}

/** Largest |a − b| and how many entries differ. */
export function codeDiff(a: ArrayLike<number>, b: ArrayLike<number>): { max: number; moved: number } {
  let [max, moved] = [0, 0];
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d > max) max = d;
    if (d !== 0) moved++;
  }
  return { max, moved };
}

/** 10·log10(Σ ref² / Σ (x − ref)²) in dB; null when x equals ref (infinite) or ref is all zero. */
export function sqnrDb(x: ArrayLike<number>, ref: ArrayLike<number>): number | null {
  let [signal, noise] = [0, 0];
  for (let i = 0; i < ref.length; i++) {
    signal += ref[i]! * ref[i]!;
    noise += (x[i]! - ref[i]!) ** 2;
  }
  return noise === 0 || signal === 0 ? null : 10 * Math.log10(signal / noise);
}
