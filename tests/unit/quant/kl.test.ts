/** The entropy (KL) range estimator (src/quant/range/kl.ts) on known distributions. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { actQuantizerSchema, weightQuantizerSchema } from '../../../src/experiment/schema';
import { RANGE_EPS, makeGrid } from '../../../src/quant/grid';
import { createQuantizer } from '../../../src/quant/quantizer';
import {
  KL_BINS,
  klDivergenceAt,
  klLevels,
  klRange,
  klRangeOf,
  klSearch,
  magnitudeHistogram,
  smoothCounts,
} from '../../../src/quant/range/kl';
import { createRng, normalArray } from '../../../src/tensor/rng';
import { expectClose, expectNoLeak, useCpuBackend } from '../../helpers/tf';

beforeAll(useCpuBackend);

const signed8 = makeGrid(8, { symmetric: true, signed: true });
const unsigned8 = makeGrid(8, { symmetric: true, signed: false });

/** 20,000 standard normal samples with 10 outliers at ±40. */
function gaussianWithOutliers(seed = 1): Float32Array {
  const x = normalArray(createRng(seed, 'kl-test'), 20_000);
  for (let k = 0; k < 10; k++) x[k * 1000] = k % 2 ? 40 : -40;
  return x;
}

describe('levels', () => {
  it('are the grid codes from 0 up: 128 signed and 256 unsigned at 8 bits, half when two-sided', () => {
    expect(klLevels(signed8, true)).toBe(128);
    expect(klLevels(unsigned8, false)).toBe(256);
    expect(klLevels(makeGrid(8, { symmetric: false, signed: false }), true)).toBe(128);
    expect(klLevels(makeGrid(4, { symmetric: true, signed: true }), true)).toBe(8);
    expect(klLevels(makeGrid(2, { symmetric: true, signed: true }), true)).toBe(2);
  });
});

describe('the search', () => {
  it('clips Gaussian outliers, where min-max keeps them', () => {
    const x = gaussianWithOutliers();
    const r = klRangeOf(x, signed8, true);
    expect(r.max).toBeGreaterThan(2);
    expect(r.max).toBeLessThan(0.5 * 40);
    expect(r.min).toBeCloseTo(-r.max, 6);
  });

  it('returns the candidate of least divergence among all scanned (brute force)', () => {
    const h = magnitudeHistogram(gaussianWithOutliers(2), true);
    const levels = klLevels(makeGrid(4, { symmetric: true, signed: true }), true);
    const { bins, divergences } = klSearch(h.counts, levels);
    let best = Infinity;
    let bestBins = -1;
    for (let i = levels; i <= KL_BINS; i++) {
      const kl = klDivergenceAt(h.counts, i, levels);
      expect(kl).toBeCloseTo(divergences[i - levels], 9);
      if (kl < best) [best, bestBins] = [kl, i];
    }
    expect(bins).toBe(bestBins);
    expect(Number.isFinite(best)).toBe(true);
  });

  it('matches the hand-worked truth table (two levels, four bins)', () => {
    const counts = Float64Array.from([4, 0, 0, 4]);
    expect(klDivergenceAt(counts, 4, 2)).toBeCloseTo(0, 6);
    expect(klDivergenceAt(counts, 2, 2)).toBeGreaterThan(1);
    expect(klSearch(counts, 2).bins).toBe(4);
  });

  it('is deterministic', () => {
    const x = gaussianWithOutliers(3);
    expect(klRangeOf(x, signed8, true)).toEqual(klRangeOf(Float32Array.from(x), signed8, true));
  });

  it('histograms max(x, 0) on an unsigned grid: the range starts at 0', () => {
    const x = gaussianWithOutliers(4).map(Math.abs);
    const r = klRangeOf(x, unsigned8, true);
    expect(r.min).toBe(Math.min(...x));
    expect(r.max).toBeLessThan(20);
  });
});

describe('degenerate inputs', () => {
  it('all zeros, a constant, a single value give a valid nonzero range', () => {
    expect(klRangeOf(new Float32Array(100), signed8, true)).toEqual({ min: 0, max: RANGE_EPS });
    expect(klRangeOf(new Float32Array(100).fill(3), signed8, true)).toEqual({ min: 3, max: 3 });
    expect(klRangeOf(new Float32Array(100).fill(-2), signed8, true)).toEqual({ min: -2, max: RANGE_EPS });
    expect(klRangeOf(Float32Array.of(0.5), unsigned8, true)).toEqual({ min: 0.5, max: 0.5 });
  });

  it('smoothing keeps every entry positive and the total unchanged', () => {
    const v = Float64Array.from([0, 0.001, 0, 5, 0]);
    expect(smoothCounts(v)).toBe(true);
    expect(Math.min(...v)).toBeGreaterThan(0);
    expect(v.reduce((a, b) => a + b, 0)).toBeCloseTo(5.001, 9);
    expect(smoothCounts(new Float64Array(3))).toBe(false);
  });
});

describe('as a quantizer range', () => {
  it('per-channel weights: each channel its own threshold, no leak', async () => {
    const x = gaussianWithOutliers(5);
    const w = tf.tensor2d(x.subarray(0, 4000), [1000, 4]);
    const r = klRange(w, 1, signed8, true);
    const cols = [0, 1, 2, 3].map((c) => Array.from({ length: 1000 }, (_, i) => x[i * 4 + c]!));
    expectClose(
      r.max,
      cols.map((c) => klRangeOf(c, signed8, true).max),
      1e-6,
    );
    tf.dispose([r.min, r.max]);
    await expectNoLeak(() => tf.dispose(Object.values(klRange(w, 1, signed8, true))));
    w.dispose();
  });

  it('a weight quantizer and an activation quantizer calibrate with it', () => {
    const x = tf.tensor2d(gaussianWithOutliers(6), [20_000, 1]);
    const wq = createQuantizer({
      config: weightQuantizerSchema.parse({ bits: 8, range: 'kl' }),
      estimator: { name: 'ste' },
      role: 'weight',
      shape: [20_000, 1],
    });
    wq.apply(x, true).dispose();
    const s = wq.scale().dataSync()[0]!;
    expect(s * 127).toBeLessThan(20);
    const aq = createQuantizer({
      config: actQuantizerSchema.parse({ bits: 8, range: 'kl' }),
      estimator: { name: 'ste' },
      role: 'act',
      shape: [1],
    });
    const relu = tf.relu(x);
    aq.apply(relu, true).dispose();
    expect(aq.scale().dataSync()[0]! * 255).toBeLessThan(20);
    expect(Math.abs(aq.zeroPoint().dataSync()[0]!)).toBe(0);
    tf.dispose([x, relu]);
    wq.dispose();
    aq.dispose();
  });
});
