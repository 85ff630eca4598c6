/** The range estimators side by side (src/quant/range/compare.ts) and the calibration view over a trained MLP. */
import { beforeAll, describe, expect, it } from 'vitest';
import { calibrationView, STABILITY_BATCH_SIZES, STABILITY_SEEDS } from '../../../src/ptq/calibrationView';
import { makeGrid } from '../../../src/quant/grid';
import {
  COMPARED_RANGES,
  compareRanges,
  quantizationErrors,
  valueHistogram,
  type CompareSettings,
} from '../../../src/quant/range/compare';
import { initBackend } from '../../../src/tensor/backend';
import { createRng, normalArray } from '../../../src/tensor/rng';
import { useTrainedFloatMlp } from '../../helpers/trained';
import { expectNoLeak } from '../../helpers/tf';

const W8: CompareSettings = { bits: 8, symmetric: true, signed: true, percentile: 99.9, mseSearch: '1d' };

function outlierGaussian(): Float32Array {
  const x = normalArray(createRng(7, 'compare'), 10_000);
  x[0] = 30;
  x[1] = -30;
  return x;
}

describe('compareRanges', () => {
  beforeAll(() => initBackend('cpu'));

  it('min-max covers the outliers and clips nothing; the others clip them and round finer', () => {
    const rows = compareRanges(outlierGaussian(), { ...W8, bits: 4 });
    expect(rows.map((r) => r.name)).toEqual([...COMPARED_RANGES]);
    const [mm, ...clipping] = rows;
    expect(mm).toMatchObject({ lo: -30, hi: 30, clipError: 0, clippedFraction: 0 });
    for (const r of clipping) {
      expect(r.hi, r.name).toBeLessThan(15);
      expect(r.clipError, r.name).toBeGreaterThan(0);
      expect(r.roundError, r.name).toBeLessThan(mm!.roundError);
    }
    // MSE minimises the total error over its candidates: nothing here beats it by much.
    const total = (r: (typeof rows)[number]) => r.clipError + r.roundError;
    for (const r of rows) expect(total(rows[2]!)).toBeLessThanOrEqual(total(r) * 1.05);
  });

  it('splits the error by hand: 2 bits signed, range [−1, 1]', () => {
    // s = 1, codes −2…1: 0.4 → 0 (round 0.16), 1.2 → 1 (round 0.04), 3 → clipped to 1 (4), −2.6 → −2 (clip 0.36).
    const e = quantizationErrors(
      [0.4, 1.2, 3, -2.6],
      -1,
      1,
      makeGrid(2, { symmetric: true, signed: true }),
      true,
    );
    expect(e.roundError).toBeCloseTo((0.16 + 0.04) / 4, 9);
    expect(e.clipError).toBeCloseTo((4 + 0.36) / 4, 6);
    expect(e.clippedFraction).toBe(0.5);
  });

  it('histograms every value; a constant gets one unit-wide span', () => {
    const h = valueHistogram([1, 2, 2, 3], 4);
    expect(h.counts).toEqual([1, 0, 2, 1]);
    expect(h.edges).toEqual([1, 1.5, 2, 2.5, 3]);
    expect(valueHistogram([5, 5], 2).edges).toEqual([4.5, 5, 5.5]);
  });

  it('is deterministic and frees its tensors', async () => {
    const x = outlierGaussian();
    expect(compareRanges(x, W8)).toEqual(compareRanges(x, W8));
    await expectNoLeak(() => compareRanges(x.subarray(0, 500), W8));
  });
});

describe('calibrationView', () => {
  const { exp, data, trainer } = useTrainedFloatMlp({
    hidden: [32],
    trainSize: 1000,
    testSize: 200,
    steps: 60,
  });

  it('weights: the layer’s float weights, no stability table', () => {
    const v = calibrationView(trainer().model, exp, data, {
      layer: 1,
      tensor: 'weights',
      bits: 4,
      calibSize: 64,
    });
    expect(v.layerNames).toEqual(['fc1', 'fc2']);
    expect(v.count).toBe(32 * 10);
    expect(v.rows).toHaveLength(4);
    expect(v.histogram.counts.reduce((a, b) => a + b, 0)).toBe(320);
    expect(v.stability).toBeNull();
    expect(v.settings).toMatchObject({ bits: 4, symmetric: true, signed: true });
  });

  it('inputs: calibration images through the float path, ranges per batch size and seed', async () => {
    const v = calibrationView(trainer().model, exp, data, {
      layer: 1,
      tensor: 'inputs',
      bits: 8,
      calibSize: 64,
    });
    expect(v.count).toBe(64 * 32);
    // Post-ReLU inputs: every estimator's range starts at 0.
    for (const r of v.rows) expect(r.lo, r.name).toBe(0);
    expect(v.stability).toHaveLength(STABILITY_BATCH_SIZES.length * STABILITY_SEEDS);
    const big = v.stability!.filter((p) => p.batchSize === 256).map((p) => p.ranges.minmax.hi);
    const small = v.stability!.filter((p) => p.batchSize === 16).map((p) => p.ranges.minmax.hi);
    // Min-max only grows with the batch: the largest batches see the largest values.
    expect(Math.min(...big)).toBeGreaterThanOrEqual(Math.min(...small));
    await expectNoLeak(
      () =>
        calibrationView(trainer().model, exp, data, { layer: 0, tensor: 'weights', bits: 8, calibSize: 16 }),
      { warmup: 1, repeats: 1 },
    );
  });

  it('refuses a layer the model does not have', () => {
    expect(() =>
      calibrationView(trainer().model, exp, data, { layer: 5, tensor: 'weights', bits: 8, calibSize: 16 }),
    ).toThrow(/no layer 5/);
  });
});
