/**
 * Dyadic requantization against exact rational arithmetic (BigInt), exhaustively over small
 * ranges of accumulators and multipliers.
 */
import { describe, expect, it } from 'vitest';
import {
  dyadicValue,
  mantissaBitsFor,
  MANTISSA_BITS,
  requantize,
  toDyadic,
} from '../../../src/deploy/dyadic';

/** ⌊(r·m + 2^(s−1)) / 2^s⌋ in exact integer arithmetic. */
function exactShift(r: number, m: number, s: number): number {
  const num = BigInt(r) * BigInt(m);
  if (s <= 0) return Number(num << BigInt(-s));
  const den = 1n << BigInt(s);
  const shifted = num + (den >> 1n);
  // BigInt division truncates toward zero: floor for negatives needs a correction.
  const q = shifted / den;
  return Number(shifted < 0n && q * den !== shifted ? q - 1n : q);
}

/** The integer nearest r·p/q, halves up, in exact rational arithmetic. */
function exactRound(r: number, p: number, q: number): number {
  const num = 2n * BigInt(r) * BigInt(p) + BigInt(q);
  const den = 2n * BigInt(q);
  const t = num / den;
  return Number(num < 0n && t * den !== num ? t - 1n : t);
}

describe('toDyadic', () => {
  it('represents powers of two and their small multiples exactly', () => {
    expect(toDyadic(0.5)).toEqual({ m: 2 ** 30, s: 31 });
    expect(toDyadic(0.75)).toEqual({ m: 3 * 2 ** 29, s: 31 });
    expect(dyadicValue(toDyadic(2 ** -20))).toBe(2 ** -20);
    expect(dyadicValue(toDyadic(3))).toBe(3);
  });

  it('keeps a p-bit mantissa within half a unit of its last place', () => {
    for (const bits of [4, 8, 16, 24, 31])
      for (let k = 1; k < 400; k++) {
        const M = k / 397 + 1e-4 * k ** 2;
        const d = toDyadic(M, bits);
        expect(d.m).toBeGreaterThanOrEqual(2 ** (bits - 1));
        expect(d.m).toBeLessThanOrEqual(2 ** bits);
        expect(Math.abs(dyadicValue(d) - M)).toBeLessThanOrEqual(2 ** -d.s / 2);
      }
  });

  it('rejects multipliers and mantissas it cannot represent', () => {
    expect(() => toDyadic(0)).toThrow(/positive/);
    expect(() => toDyadic(Number.NaN)).toThrow(/positive/);
    expect(() => toDyadic(1, 32)).toThrow(/mantissa bits/);
  });
});

describe('requantize', () => {
  it('equals the exact shift of r·m for every small accumulator and multiplier', () => {
    for (const M of [1 / 3, 0.001, 0.0123, 0.5, 0.999, 1.5, 7.25, 1e-7])
      for (const bits of [8, 20, MANTISSA_BITS]) {
        const d = toDyadic(M, bits);
        for (let r = -3000; r <= 3000; r++) expect(requantize(r, d)).toBe(exactShift(r, d.m, d.s));
      }
  });

  it('rounds r·M to the nearest integer, halves up, when M is itself dyadic', () => {
    // M = p/2^k: m·2^−s = M exactly, so the result is the exact rational rounding of r·M.
    for (const [p, k] of [
      [1, 1],
      [3, 2],
      [5, 4],
      [77, 8],
    ] as const) {
      const d = toDyadic(p / 2 ** k);
      for (let r = -2048; r <= 2048; r++) expect(requantize(r, d)).toBe(exactRound(r, p, 2 ** k));
    }
  });

  it('lands within one code of r·M for any rational M at the bits the integer model uses', () => {
    for (const [p, q] of [
      [1, 3],
      [2, 7],
      [10, 997],
      [1, 1000],
    ] as const) {
      const d = toDyadic(p / q, mantissaBitsFor(4096));
      for (let r = -4096; r <= 4096; r++) {
        const exact = exactRound(r, p, q);
        expect(Math.abs(requantize(r, d) - exact)).toBeLessThanOrEqual(1);
        // Off by one only where r·M sits within the mantissa's error of a half.
        if (requantize(r, d) !== exact) {
          const frac = Math.abs(((r * p) / q) % 1);
          expect(Math.abs(frac - 0.5)).toBeLessThan(1e-6);
        }
      }
    }
  });

  it('sizes mantissas so products stay exact, and refuses products that would not be', () => {
    expect(mantissaBitsFor(2 ** 24)).toBe(MANTISSA_BITS - 4);
    expect(mantissaBitsFor(100)).toBe(MANTISSA_BITS);
    const d = toDyadic(0.3, mantissaBitsFor(2 ** 30));
    expect(requantize(2 ** 30, d)).toBe(exactShift(2 ** 30, d.m, d.s));
    expect(() => requantize(2 ** 30, toDyadic(0.3))).toThrow(/exact/);
    expect(() => mantissaBitsFor(2 ** 50)).toThrow(/mantissa/);
  });
});
