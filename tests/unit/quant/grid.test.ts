import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { RANGE_EPS, makeGrid, rangeToScale, rangeToScaleTensor } from '../../../src/quant/grid';
import { expectClose, useCpuBackend } from '../../helpers/tf';

beforeAll(useCpuBackend);

describe('makeGrid', () => {
  it('follows the table of grid.ts', () => {
    expect(makeGrid(4, { symmetric: true, signed: true })).toEqual({ bits: 4, qmin: -8, qmax: 7 });
    expect(makeGrid(4, { symmetric: true, signed: true, narrowRange: true })).toEqual({
      bits: 4,
      qmin: -7,
      qmax: 7,
    });
    expect(makeGrid(4, { symmetric: true, signed: false })).toEqual({ bits: 4, qmin: 0, qmax: 15 });
    expect(makeGrid(8, { symmetric: false, signed: true })).toEqual({ bits: 8, qmin: 0, qmax: 255 });
    expect(makeGrid(2, { symmetric: true, signed: true })).toEqual({ bits: 2, qmin: -2, qmax: 1 });
  });
});

describe('rangeToScale (docs/science.md §5)', () => {
  const signed4 = makeGrid(4, { symmetric: true, signed: true });
  const asym2 = makeGrid(2, { symmetric: false, signed: false });

  it('symmetric: s = max(|x_min|, x_max)/p', () => {
    expect(rangeToScale(-1, 2, signed4, true)).toEqual({ scale: 2 / 7, zeroPoint: 0 });
    expect(rangeToScale(-3.5, 2, signed4, true)).toEqual({ scale: 0.5, zeroPoint: 0 });
  });

  it('asymmetric: s = (x_max − x_min)/(2^b − 1), z = round(−x_min/s); the range always holds 0', () => {
    expect(rangeToScale(-1, 2, asym2, false)).toEqual({ scale: 1, zeroPoint: 1 });
    // x_min ← min(x_min, 0): a range [0.5, 3] becomes [0, 3].
    expect(rangeToScale(0.5, 3, asym2, false)).toEqual({ scale: 1, zeroPoint: 0 });
    // x_max ← max(x_max, eps): an all-zero tensor gets a tiny positive scale, not 0.
    expect(rangeToScale(0, 0, asym2, false).scale).toBeCloseTo(RANGE_EPS / 3, 20);
  });

  it('the tensor version agrees with the number version per channel', () => {
    const lo = tf.tensor1d([-1, 0.5, -0.2]);
    const hi = tf.tensor1d([2, 3, -0.1]);
    for (const symmetric of [true, false]) {
      const grid = symmetric ? signed4 : asym2;
      const { scale, zeroPoint } = rangeToScaleTensor(lo, hi, grid, symmetric);
      const expected = [0, 1, 2].map((c) =>
        rangeToScale(lo.arraySync()[c], hi.arraySync()[c], grid, symmetric),
      );
      expectClose(
        scale,
        expected.map((e) => e.scale),
        1e-6,
      );
      if (zeroPoint)
        expectClose(
          zeroPoint,
          expected.map((e) => e.zeroPoint),
        );
      else expect(symmetric).toBe(true);
    }
  });
});
