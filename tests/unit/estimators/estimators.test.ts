import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ESTIMATOR_NAMES, type EstimatorName } from '../../../src/experiment/schema';
import {
  ESTIMATORS,
  estimatorDerivative,
  resolveEstimator,
  sampleDerivative,
} from '../../../src/estimators/registry';
import { fakeQuant } from '../../../src/quant/fakeQuant';
import { expectClose, useCpuBackend } from '../../helpers/tf';

beforeAll(useCpuBackend);

const GRID = { bits: 4, qmin: -8, qmax: 7 };

/** dL/dx of sum(dy ⊙ fakeQuant(x)) with s = 1, z = 0, so v = x (grid units). */
function gradAt(name: EstimatorName, xs: number[], dy: number | number[] = 1, param?: number): Float32Array {
  return tf.tidy(() => {
    const estimator = resolveEstimator({ name, param });
    const dyT = typeof dy === 'number' ? tf.fill([xs.length], dy) : tf.tensor1d(dy);
    const f = (x: tf.Tensor) =>
      fakeQuant(x, tf.scalar(1), { grid: GRID, estimator, zeroPoint: null, frozen: null, clipSink: null })
        .mul(dyT)
        .sum();
    return tf.grad(f)(tf.tensor1d(xs)).dataSync() as Float32Array;
  });
}

describe('gradient estimators against their truth tables (tf.grad through the fake-quant op)', () => {
  it('ste: 1 everywhere, the clamp included', () => {
    expectClose(gradAt('ste', [-20, -8.4, 0, 0.5, 3.3, 7.6, 20]), 1);
  });

  it('clipped-ste: 1 inside [qmin, qmax], 0 outside', () => {
    expectClose(gradAt('clipped-ste', [-8.01, -8, 0, 0.5, 7, 7.2, 7.5]), [0, 1, 1, 1, 1, 0, 0]);
  });

  it('tanh (k = 4)', () => {
    expectClose(
      gradAt('tanh', [0, 0.25, 0.5, 0.75, 1, -3.5]),
      [0.1466, 0.8713, 2.0746, 0.8713, 0.1466, 2.0746],
      1e-4,
    );
  });

  it('sigmoid (k = 4)', () => {
    expectClose(gradAt('sigmoid', [0, 0.25, 0.5, 0.75, 1]), [0.5514, 1.0326, 1.313, 1.0326, 0.5514], 1e-4);
  });

  it('pwl (c = 0.25)', () => {
    expectClose(
      gradAt('pwl', [0, 0.2, 0.25, 0.3, 0.5, 0.7, 0.75, 0.9]),
      [0.25, 0.25, 0.25, 1.75, 1.75, 1.75, 0.25, 0.25],
    );
  });

  it('cosine (a = 0.5) peaks at grid points', () => {
    expectClose(gradAt('cosine', [0, 0.25, 0.5, 0.75, 1, -2]), [1.5, 1, 0.5, 1, 1.5, 1.5], 1e-5);
  });

  it('ewgs (δ = 0.2) depends on the sign of the gradient', () => {
    const xs = [0, 0.25, 0.4, -0.25, 2.1];
    expectClose(gradAt('ewgs', xs, 1), [1, 1.05, 1.08, 0.95, 1.02], 1e-5);
    expectClose(gradAt('ewgs', xs, -1), [-1, -0.95, -0.92, -1.05, -0.98], 1e-5);
  });

  it('a non-default parameter is used (tanh k = 1 at a threshold: 1/(2·tanh ½))', () => {
    expectClose(gradAt('tanh', [0.5], 1, 1), [1 / (2 * Math.tanh(0.5))], 1e-5);
  });

  it('the forward pass always rounds', () => {
    for (const name of ESTIMATOR_NAMES) {
      const estimator = resolveEstimator({ name });
      const y = tf.tidy(() =>
        fakeQuant(tf.tensor1d([0.4, 0.6, -1.3, 9]), tf.scalar(1), {
          grid: GRID,
          estimator,
          zeroPoint: null,
          frozen: null,
          clipSink: null,
        }),
      );
      expectClose(y, [0, 1, -1, 7]);
      y.dispose();
    }
  });
});

describe('plain-JS derivatives (registry)', () => {
  const us = Array.from({ length: 41 }, (_, i) => -2 + i * 0.1 + 0.013);

  it('match the tensor backward pass for every estimator', () => {
    for (const name of ESTIMATOR_NAMES) {
      if (name === 'clipped-ste') continue; // JS derivative is the inside branch; points here are inside anyway
      expectClose(gradAt(name, us), sampleDerivative({ name }, us), 1e-4);
    }
  });

  it('integrate to 1 over one bin for the cyclical estimators', () => {
    for (const name of ['tanh', 'sigmoid', 'pwl', 'cosine'] as const) {
      const n = 20000;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += estimatorDerivative({ name }, (i + 0.5) / n);
      expect(sum / n, name).toBeCloseTo(1, 4);
    }
  });

  it('are cyclical with period 1', () => {
    for (const name of ['tanh', 'sigmoid', 'pwl', 'cosine', 'ewgs'] as const) {
      expect(estimatorDerivative({ name }, 0.37)).toBeCloseTo(estimatorDerivative({ name }, 5.37), 6);
      expect(estimatorDerivative({ name }, 0.37)).toBeCloseTo(estimatorDerivative({ name }, -3.63), 6);
    }
  });

  it('reject parameters outside their range', () => {
    expect(() => resolveEstimator({ name: 'cosine', param: 1 })).toThrow(RangeError);
    expect(() => resolveEstimator({ name: 'tanh', param: 0 })).toThrow(RangeError);
    expect(() => resolveEstimator({ name: 'pwl', param: 2 })).toThrow(RangeError);
    expect(() => resolveEstimator({ name: 'ewgs', param: 0 })).not.toThrow();
  });

  it('registry covers every schema name with the documented defaults', () => {
    expect(Object.keys(ESTIMATORS).sort()).toEqual([...ESTIMATOR_NAMES].sort());
    const defaults = Object.fromEntries(ESTIMATOR_NAMES.map((n) => [n, ESTIMATORS[n].defaultParam]));
    expect(defaults).toEqual({
      ste: NaN,
      'clipped-ste': NaN,
      tanh: 4,
      sigmoid: 4,
      pwl: 0.25,
      cosine: 0.5,
      ewgs: 0.2,
    });
  });
});
