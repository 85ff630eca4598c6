/** Range estimators against small hand-computed cases (docs/science.md §5, §6). */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  actQuantizerSchema,
  weightQuantizerSchema,
  type RangeEstimatorName,
} from '../../../src/experiment/schema';
import { makeGrid } from '../../../src/quant/grid';
import { createQuantizer } from '../../../src/quant/quantizer';
import { mseRange } from '../../../src/quant/range/mse';
import { percentileIndex } from '../../../src/quant/range/reduce';
import type { Quantizer } from '../../../src/quant/types';
import { expectClose, useCpuBackend } from '../../helpers/tf';

beforeAll(useCpuBackend);

/** An 8-bit asymmetric activation quantizer over samples of shape [1]. */
function act(range: RangeEstimatorName, over: object = {}): Quantizer {
  return createQuantizer({
    config: actQuantizerSchema.parse({ bits: 8, range, rangeMomentum: 0.1, ...over }),
    estimator: { name: 'ste' },
    role: 'act',
    shape: [1],
  });
}

const batch = (xs: number[]) => tf.tensor2d(xs, [xs.length, 1]);

describe('minmax', () => {
  it('uses the current batch every call', () => {
    const q = act('minmax');
    q.apply(batch([0, 2]), true);
    expectClose(q.scale(), [2 / 255], 1e-7);
    q.apply(batch([-1, 4]), true);
    expectClose(q.scale(), [5 / 255], 1e-7);
    expectClose(q.zeroPoint(), [51]); // round(1/(5/255)) = 51
    q.dispose();
  });
});

describe('ema', () => {
  it('first batch initialises, then r ← 0.9·r + 0.1·batch', () => {
    const q = act('ema');
    q.apply(batch([0, 2]), true);
    expectClose(q.scale(), [2 / 255], 1e-7);
    q.apply(batch([-1, 4]), true);
    // lo = 0.9·0 + 0.1·(−1) = −0.1, hi = 0.9·2 + 0.1·4 = 2.2: s = 2.3/255, z = round(0.1·255/2.3) = 11
    expectClose(q.scale(), [2.3 / 255], 1e-7);
    expectClose(q.zeroPoint(), [11]);
    // Eval calls use the stored range: 10 is clipped to the top of [−0.1, 2.2].
    const y = q.apply(batch([10]), false);
    expectClose(y, [(255 - 11) * (2.3 / 255)], 1e-5);
    expectClose(q.scale(), [2.3 / 255], 1e-7);
    q.dispose();
  });
});

describe('hindsight', () => {
  it('quantizes with the previous range, then folds this batch in', () => {
    const q = act('hindsight');
    expectClose(q.apply(batch([0, 2]), true), [0, 2], 1e-6); // first call initialises from the batch
    // Second call: range still [0, 2], so 4 is clipped to 2; afterwards hi = 0.9·2 + 0.1·4 = 2.2.
    expectClose(q.apply(batch([0, 4]), true), [0, 2], 1e-6);
    expectClose(q.clipFraction(), 0.5);
    expectClose(q.scale(), [2.2 / 255], 1e-7);
    q.dispose();
  });
});

describe('percentile', () => {
  it('nearest-rank index', () => {
    expect(percentileIndex(99, 100)).toBe(98);
    expect(percentileIndex(99.9, 100)).toBe(99);
    expect(percentileIndex(100, 7)).toBe(6);
    expect(percentileIndex(50, 100)).toBe(49);
  });

  it('symmetric: the q-th percentile of |x|', () => {
    const q = createQuantizer({
      config: weightQuantizerSchema.parse({ bits: 4, range: 'percentile', percentile: 99 }),
      estimator: { name: 'ste' },
      role: 'weight',
      shape: [100],
    });
    // |x| = 1..100 (signs alternate): the 99th percentile is 99, so s = 99/7.
    q.apply(tf.tensor1d(Array.from({ length: 100 }, (_, i) => (i % 2 ? -1 : 1) * (i + 1))), true);
    expectClose(q.scale(), [99 / 7], 1e-5);
    q.dispose();
  });

  it('asymmetric: one percentile per side', () => {
    const q = act('percentile', { percentile: 99 });
    // −100..−1 and 1..100 (m = 200): index 197 → the 3rd largest, 98; the mirror side is −98.
    const xs = [
      ...Array.from({ length: 100 }, (_, i) => -(i + 1)),
      ...Array.from({ length: 100 }, (_, i) => i + 1),
    ];
    q.apply(batch(xs), true);
    expectClose(q.scale(), [196 / 255], 1e-6);
    expectClose(q.zeroPoint(), [128]); // round(98/(196/255)) = round(127.5) = 128 (half to even)
    q.dispose();
  });
});

describe('mse', () => {
  it('finds the hand-computed optimum of a tiny vector', () => {
    // Unsigned 2-bit grid {0, s, 2s, 3s}, x = [1, 1, 1, 3.3]. For clip c = 3s ∈ (2, 3.3]:
    // err(s) = 3(1 − s)² + (3.3 − 3s)², minimal at s = 1.075 (c = 3.225). Candidates are
    // c_k = 3.3·k/100: k = 97 → 0.02327, k = 98 → 0.02261 (best), k = 99 → 0.02363.
    const grid = makeGrid(2, { symmetric: true, signed: false });
    const r = mseRange(tf.tensor1d([1, 1, 1, 3.3]), null, grid, true);
    expectClose(r.max, [3.234], 1e-5);
    expectClose(r.min, [-3.234], 1e-5);
  });

  it('per-channel: agrees with a brute-force search in plain JS', () => {
    const grid = makeGrid(3, { symmetric: true, signed: true });
    const w = tf.randomNormal([16, 3], 0, 1, 'float32', 7);
    const r = mseRange(w, 1, grid, true);
    const cols = [0, 1, 2].map((c) => (w.arraySync() as number[][]).map((row) => row[c]));
    const expected = cols.map((col) => {
      const maxAbs = Math.max(...col.map(Math.abs));
      let best = { err: Infinity, c: 0 };
      for (let k = 1; k <= 100; k++) {
        const c = (maxAbs * k) / 100;
        const s = c / grid.qmax;
        const err = col.reduce((acc, x) => {
          const code = Math.min(Math.max(Math.round(x / s), grid.qmin), grid.qmax);
          return acc + (x - code * s) ** 2;
        }, 0);
        if (err < best.err - 1e-9) best = { err, c };
      }
      return best.c;
    });
    expectClose(r.max, expected, 1e-4);
  });

  it('the quantizer searches on the first training call and keeps the range in between', () => {
    const q = createQuantizer({
      config: actQuantizerSchema.parse({ bits: 2, symmetric: true, range: 'mse' }),
      estimator: { name: 'ste' },
      role: 'act',
      shape: [1],
      recalibrateEvery: 2,
    });
    q.apply(batch([1, 1, 1, 3.3]), true);
    expectClose(q.scale(), [1.078], 1e-5);
    q.apply(batch([10, 10]), true); // call 2: not due, keeps s
    expectClose(q.scale(), [1.078], 1e-5);
    q.apply(batch([0.3, 0.3, 0.3, 3]), true); // call 3: due again
    expect(q.scale().dataSync()[0]).not.toBeCloseTo(1.078, 3);
    q.dispose();
  });
});

describe('per-channel activations', () => {
  it('keep one range per feature (channel axis of one sample)', () => {
    const q = createQuantizer({
      config: actQuantizerSchema.parse({ bits: 8, range: 'minmax', perChannel: true }),
      estimator: { name: 'ste' },
      role: 'act',
      shape: [3],
    });
    q.apply(
      tf.tensor2d([
        [0, 1, 2],
        [0.5, 2.55, 5.1],
      ]),
      true,
    );
    expectClose(q.scale(), [0.5 / 255, 2.55 / 255, 5.1 / 255], 1e-7);
    q.dispose();
  });
});
