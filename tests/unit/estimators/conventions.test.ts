/**
 * The estimator conventions (src/estimators/conventions.ts, docs/conventions.md §2–§4) against
 * hand-computed gradients, through the fake-quant op on the 4-bit signed grid [−8, 7] with s = 1.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveEstimator } from '../../../src/estimators/registry';
import type { EstimatorSpec } from '../../../src/estimators/types';
import { estimatorSchema } from '../../../src/experiment/schema';
import { fakeQuant } from '../../../src/quant/fakeQuant';
import { expectClose, useCpuBackend } from '../../helpers/tf';

beforeAll(useCpuBackend);

const GRID = { bits: 4, qmin: -8, qmax: 7 };

/** dL/dx of Σ dy ⊙ fakeQuant(x), s = 1, z = 0 (so v = x). */
function gradAt(spec: EstimatorSpec, xs: number[], dy: number | number[] = 1, bits = 4): Float32Array {
  return tf.tidy(() => {
    const estimator = resolveEstimator(spec, bits);
    const dyT = typeof dy === 'number' ? tf.fill([xs.length], dy) : tf.tensor1d(dy);
    const grid = bits === 4 ? GRID : { bits, qmin: -(2 ** (bits - 1)), qmax: 2 ** (bits - 1) - 1 };
    const f = (x: tf.Tensor) =>
      fakeQuant(x, tf.scalar(1), { grid, estimator, zeroPoint: null, frozen: null, clipSink: null })
        .mul(dyT)
        .sum();
    return tf.grad(f)(tf.tensor1d(xs)).dataSync() as Float32Array;
  });
}

const EDGES = [-8.6, -8.5, -8, 0, 7, 7.2, 7.5, 7.6];

describe('clip mask: unrounded (lab) or rounded (PyTorch)', () => {
  it('clipped-ste on the unrounded v: 7.2 on [−8, 7] gets 0', () => {
    expectClose(gradAt({ name: 'clipped-ste' }, EDGES), [0, 0, 1, 1, 1, 0, 0, 0]);
  });

  it('clipped-ste on round(v): −8.5 and 7.2 pass, 7.5 does not (round half to even: 8)', () => {
    // round(−8.6) = −9 out; round(−8.5) = −8 in; round(7.2) = 7 in; round(7.5) = 8 out; round(7.6) = 8 out.
    expectClose(gradAt({ name: 'clipped-ste', maskOn: 'rounded' }, EDGES), [0, 1, 1, 1, 1, 1, 0, 0]);
  });

  it('schema defaults are the lab: unrounded mask, no clip mask, code units', () => {
    expect(estimatorSchema.parse({ name: 'tanh' })).toEqual({
      name: 'tanh',
      deltaUnits: 'code',
      clipMask: false,
      maskOn: 'unrounded',
    });
    // The lab's defaults hand back the registry's estimator itself (the STE still saves nothing).
    expect(resolveEstimator(estimatorSchema.parse({ name: 'ste' })).usesInput).toBe(false);
  });
});

describe('clipMask: zero the gradient beyond the clip range, like DSQ', () => {
  const outside = [-20, -8.2, 7.2, 20];
  const inside = [-8, -3.25, 0.4, 6.5, 7];
  for (const name of ['ste', 'tanh', 'sigmoid', 'pwl', 'cosine', 'ewgs'] as const) {
    it(`${name}: 0 outside [−8, 7], unchanged inside`, () => {
      const dy = [1, -1, 1, -1];
      expectClose(gradAt({ name, clipMask: true }, outside, dy), [0, 0, 0, 0]);
      expect(Array.from(gradAt({ name }, outside, dy)).every((g) => g !== 0)).toBe(true);
      expectClose(gradAt({ name, clipMask: true }, inside), gradAt({ name }, inside));
    });
  }

  it('ste with the clip mask is the clipped STE, for either mask', () => {
    expectClose(gradAt({ name: 'ste', clipMask: true }, EDGES), gradAt({ name: 'clipped-ste' }, EDGES));
    expectClose(
      gradAt({ name: 'ste', clipMask: true, maskOn: 'rounded' }, EDGES),
      gradAt({ name: 'clipped-ste', maskOn: 'rounded' }, EDGES),
    );
  });

  it('tanh with the rounded mask passes at 7.2 (×Q̂′(7.2)) and not at 7.6', () => {
    const g = gradAt({ name: 'tanh', clipMask: true, maskOn: 'rounded' }, [7.2, 7.6]);
    // Q̂′(0.2) for k = 4: 4·(1 − tanh²(−1.2))/(2·tanh 2) = 4·0.30502/1.92806 = 0.6328
    expectClose(g, [0.6328, 0], 1e-4);
  });
});

describe('EWGS δ units', () => {
  const xs = [0, 0.25, 0.4, -0.25, 2.1, -9.3];
  const dy = [1, 1, -1, 1, -1, 1];
  for (const bits of [2, 3, 4, 8]) {
    it(`${bits} bits: paper δ = code δ × (2^b − 1) gives the same gradients`, () => {
      const code = gradAt({ name: 'ewgs', param: 0.2 }, xs, dy, bits);
      const paper = gradAt(
        { name: 'ewgs', param: 0.2 * (2 ** bits - 1), deltaUnits: 'normalized' },
        xs,
        dy,
        bits,
      );
      expectClose(paper, code, 1e-6);
    });
  }

  it('the truth table at 4 bits: paper δ = 3 is code δ = 0.2 (v = 0.25, dy = 1 → 1.05)', () => {
    expectClose(gradAt({ name: 'ewgs', param: 3, deltaUnits: 'normalized' }, [0.25], 1), [1.05]);
  });

  it('the valid range applies after conversion: paper δ = 30 at 4 bits is code δ = 2 (refused)', () => {
    expect(() => resolveEstimator({ name: 'ewgs', param: 30, deltaUnits: 'normalized' }, 4)).toThrow(
      RangeError,
    );
    expect(() => resolveEstimator({ name: 'ewgs', param: 29, deltaUnits: 'normalized' }, 4)).not.toThrow();
  });

  it('an absent δ is the lab default in either unit', () => {
    const xs1 = [0.25, 0.4];
    expectClose(gradAt({ name: 'ewgs', deltaUnits: 'normalized' }, xs1), gradAt({ name: 'ewgs' }, xs1));
  });
});
