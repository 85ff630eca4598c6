/**
 * Dyadic requantization (docs/integer.md §2, HAWQ-V3): a real multiplier M > 0 becomes m·2^−s with
 * an integer mantissa m, so rescaling an int32 accumulator is an integer multiply and a shift:
 *
 *   requant(r) = ⌊(r·m + 2^(s−1)) / 2^s⌋        (round half up, an add before the shift)
 *
 * HAWQ-V3 takes frexp(M) = f·2^e with f ∈ [0.5, 1), m = round(f·2^31), s = 31 − e. The lab keeps
 * m below 2^p with p = min(31, 52 − ⌈log2 max|r|⌉), so that r·m is an exact integer in a float64
 * (JavaScript's integers); for the MNIST models p stays at 26 or more, far finer than a code.
 *
 * | M          | p  | m          | s  | M − m·2^−s       |
 * | ---------- | -- | ---------- | -- | ---------------- |
 * | 0.5        | 31 | 2^30       | 31 | 0                |
 * | 0.75       | 31 | 3·2^29     | 31 | 0                |
 * | 1/3        | 31 | 1431655765 | 32 | ≈ 7.8e−11 · M    |
 * | 1/3        | 4  | 11         | 5  | 1/3 − 11/32      |
 */

/** m·2^−s. */
export interface Dyadic {
  /** Integer mantissa, 2^(p−1) ≤ m ≤ 2^p (m = 2^p only when rounding carries). */
  m: number;
  /** Shift, s ≥ 0 for the multipliers requantization meets (M < 2^p). */
  s: number;
}

/** The mantissa bits HAWQ-V3 and gemmlowp use (int32 multipliers). */
export const MANTISSA_BITS = 31;

/** Largest integer a float64 holds exactly, plus one: 2^53. */
const EXACT = 2 ** 53;

/**
 * M as m·2^−s with a p-bit mantissa (frexp, then round half up, HAWQ-V3's `batch_frexp`).
 * @param multiplier M > 0, finite
 * @param bits p, 1–31
 */
export function toDyadic(multiplier: number, bits = MANTISSA_BITS): Dyadic {
  if (!(multiplier > 0) || !Number.isFinite(multiplier))
    throw new Error(`a requantization multiplier must be positive and finite, got ${multiplier}`);
  if (!Number.isInteger(bits) || bits < 1 || bits > MANTISSA_BITS)
    throw new Error(`mantissa bits must be 1–${MANTISSA_BITS}, got ${bits}`);
  // frexp: M = f·2^e, f ∈ [0.5, 1).
  let e = Math.floor(Math.log2(multiplier)) + 1;
  let f = multiplier / 2 ** e;
  if (f >= 1) {
    f /= 2;
    e += 1;
  } else if (f < 0.5) {
    f *= 2;
    e -= 1;
  }
  const m = Math.floor(f * 2 ** bits + 0.5);
  return { m, s: bits - e };
}

/** The value m·2^−s. */
export function dyadicValue(d: Dyadic): number {
  return d.m * 2 ** -d.s;
}

/**
 * Mantissa bits that keep r·m exact in a float64 for |r| ≤ `maxAbs` (at most 31).
 * @param maxAbs the largest |r| the multiplier will meet, ≥ 0
 */
export function mantissaBitsFor(maxAbs: number): number {
  const rBits = Math.ceil(Math.log2(Math.max(1, maxAbs) + 1));
  const bits = Math.min(MANTISSA_BITS, 52 - rBits);
  if (bits < 8) throw new Error(`accumulators up to ${maxAbs} leave fewer than 8 mantissa bits`);
  return bits;
}

/**
 * ⌊(r·m + 2^(s−1)) / 2^s⌋ for an integer r: the integer nearest r·m·2^−s, halves rounded up.
 * Throws when r·m leaves the exact integers of a float64 (a caller sized m with {@link mantissaBitsFor}).
 */
export function requantize(r: number, d: Dyadic): number {
  const product = r * d.m;
  if (Math.abs(product) >= EXACT) throw new Error(`r·m = ${r}·${d.m} is not exact in a float64`);
  if (d.s <= 0) return product * 2 ** -d.s;
  // Every step is exact in a float64: dividing by 2^s moves the exponent, q·2^s ≤ |product| < 2^53,
  // and the remainder is an integer in [0, 2^s). Adding 2^(s−1) first would not be, for s > 53.
  const q = Math.floor(product / 2 ** d.s);
  return product - q * 2 ** d.s >= 2 ** (d.s - 1) ? q + 1 : q;
}
