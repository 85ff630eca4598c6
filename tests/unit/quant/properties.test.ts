/** fast-check properties of the fake-quant op and of min-max quantizers (docs/style.md rule 12). */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveEstimator } from '../../../src/estimators/registry';
import { weightQuantizerSchema } from '../../../src/experiment/schema';
import { fakeQuant } from '../../../src/quant/fakeQuant';
import { makeGrid } from '../../../src/quant/grid';
import { createQuantizer } from '../../../src/quant/quantizer';
import { useCpuBackend } from '../../helpers/tf';

beforeAll(useCpuBackend);

const RUNS = { numRuns: 60 };
const values = fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: 1, maxLength: 24 });
const bitsArb = fc.integer({ min: 2, max: 8 });
const ste = resolveEstimator({ name: 'ste' });

/** Fake-quant with a fixed scale s and zero point z on the grid; plain arrays in and out. */
function fq(xs: number[], s: number, z: number, bits: number, symmetric: boolean): number[] {
  const grid = makeGrid(bits, { symmetric, signed: symmetric });
  return tf.tidy(() => {
    const zp = symmetric ? null : tf.scalar(z);
    const p = { grid, estimator: ste, zeroPoint: zp, frozen: null, clipSink: null };
    return Array.from(fakeQuant(tf.tensor1d(xs), tf.scalar(s), p).dataSync());
  });
}

describe('fake-quant op properties (fixed scale)', () => {
  const scaleArb = fc.double({ min: 0.01, max: 3, noNaN: true });

  it('outputs lie on the grid and inside [qmin − z, qmax − z]·s', () => {
    fc.assert(
      fc.property(
        values,
        scaleArb,
        bitsArb,
        fc.boolean(),
        fc.integer({ min: 0, max: 3 }),
        (xs, s, bits, sym, z) => {
          const grid = makeGrid(bits, { symmetric: sym, signed: sym });
          const zp = sym ? 0 : z;
          return fq(xs, s, zp, bits, sym).every((y) => {
            const code = y / s + zp;
            return (
              Math.abs(code - Math.round(code)) < 1e-3 && code >= grid.qmin - 1e-3 && code <= grid.qmax + 1e-3
            );
          });
        },
      ),
      RUNS,
    );
  });

  it('is idempotent: q(q(x)) = q(x)', () => {
    fc.assert(
      fc.property(values, scaleArb, bitsArb, fc.boolean(), (xs, s, bits, sym) => {
        const once = fq(xs, s, 1, bits, sym);
        const twice = fq(once, s, 1, bits, sym);
        return once.every((y, i) => Math.abs(y - twice[i]) <= 1e-5 * Math.max(1, Math.abs(y)));
      }),
      RUNS,
    );
  });

  it('|x − q(x)| ≤ s/2 inside the clip range', () => {
    fc.assert(
      fc.property(values, scaleArb, bitsArb, (xs, s, bits) => {
        const grid = makeGrid(bits, { symmetric: true, signed: true });
        const ys = fq(xs, s, 0, bits, true);
        return xs.every(
          (x, i) => x / s < grid.qmin || x / s > grid.qmax || Math.abs(x - ys[i]) <= s / 2 + 1e-5,
        );
      }),
      RUNS,
    );
  });

  it('leaves on-grid values unchanged', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -8, max: 7 }), { minLength: 1 }), scaleArb, (codes, s) => {
        const xs = codes.map((c) => c * s);
        return fq(xs, s, 0, 4, true).every(
          (y, i) => Math.abs(y - xs[i]) <= 1e-5 * Math.max(1, Math.abs(xs[i])),
        );
      }),
      RUNS,
    );
  });
});

describe('min-max quantizer properties', () => {
  it('|x − q(x)| ≤ s/2 everywhere (min-max clips nothing), symmetric and asymmetric', () => {
    fc.assert(
      fc.property(values, bitsArb, fc.boolean(), (xs, bits, symmetric) => {
        const q = createQuantizer({
          config: weightQuantizerSchema.parse({ bits, symmetric }),
          estimator: { name: 'ste' },
          role: 'weight',
          shape: [xs.length],
        });
        const x = tf.tensor1d(xs);
        const y = q.apply(x, true).dataSync();
        const s = q.scale().dataSync()[0];
        q.dispose();
        return xs.every((v, i) => Math.abs(v - y[i]) <= s / 2 + 1e-5 * Math.max(1, Math.abs(v)));
      }),
      RUNS,
    );
  });

  it('per-channel scales match the per-channel maxima (dense [in, out] and depthwise [kh, kw, C, 1])', () => {
    const shapes: [number[], number][] = [
      [[3, 4], 1],
      [[2, 2, 3, 1], 2],
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1 }),
        fc.integer({ min: 1, max: 1e6 }),
        bitsArb,
        (which, seed, bits) => {
          const [shape, axis] = shapes[which];
          const q = createQuantizer({
            config: weightQuantizerSchema.parse({ bits, perChannel: true }),
            estimator: { name: 'ste' },
            role: 'weight',
            shape,
            channelAxis: axis,
          });
          const w = tf.randomNormal(shape, 0, 1, 'float32', seed);
          q.apply(w, true);
          const perm = [axis, ...shape.map((_, i) => i).filter((i) => i !== axis)];
          const maxAbs = tf.max(tf.abs(tf.transpose(w, perm).reshape([shape[axis], -1])), 1).dataSync();
          const s = q.scale().dataSync();
          q.dispose();
          const p = 2 ** (bits - 1) - 1;
          return (
            s.length === shape[axis] && Array.from(maxAbs).every((m, c) => Math.abs(s[c] - m / p) < 1e-6)
          );
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe('tensor bookkeeping', () => {
  it('the property helpers leave no tensors behind', () => {
    const before = tf.memory().numTensors;
    fq([0.1, 2, -3], 0.5, 0, 4, true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
