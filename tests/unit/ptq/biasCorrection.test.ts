/** Bias correction: the measured shift is removed; the analytic shift matches the measured one. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyticShift, empiricalShift, reluMean } from '../../../src/ptq/biasCorrection';
import { createRng, normalArray } from '../../../src/tensor/rng';
import { expectClose, useCpuBackend } from '../../helpers/tf';

beforeAll(useCpuBackend);

describe('bias correction', () => {
  it('E[ReLU(N(μ, σ²))] matches a Monte Carlo estimate', () => {
    const rng = createRng(7, 'relu-mean');
    const mu = [-1, 0, 0.5, 2];
    const sigma = [1, 0.5, 2, 0.1];
    const n = 200_000;
    const mc = mu.map((m, c) => {
      const z = normalArray(rng, n, 1);
      let s = 0;
      for (const v of z) s += Math.max(0, m + sigma[c]! * v);
      return s / n;
    });
    expectClose(reluMean(tf.tensor1d(mu), tf.tensor1d(sigma)), mc, 5e-3);
    expectClose(reluMean(tf.tensor1d([-1, 2]), tf.tensor1d([0, 0])), [0, 2]);
  });

  it('subtracting the empirical shift zeroes the mean output error per channel', () => {
    const rng = createRng(8, 'bc');
    const x = tf.relu(tf.tensor2d(normalArray(rng, 500 * 16, 1), [500, 16]).add(0.5));
    const w = tf.tensor2d(normalArray(rng, 16 * 4, 0.3), [16, 4]);
    const wq = w.div(0.1).round().mul(0.1).add(0.02); // a biased quantization error
    const b = tf.zeros([4]);
    const shift = empiricalShift(tf.matMul(x, wq), tf.matMul(x, w));
    const corrected = b.sub(shift);
    const after = empiricalShift(tf.matMul(x, wq).add(corrected), tf.matMul(x, w).add(b));
    expectClose(after, 0, 1e-5);
    expect(shift.abs().max().dataSync()[0]!).toBeGreaterThan(0.01);
  });

  it('the analytic shift ε·E[x] from BN statistics matches the measured shift', () => {
    const rng = createRng(9, 'bc-analytic');
    const mu = tf.tensor1d([0.5, -0.2, 1, 0.1, 0.3, -1]);
    const sd = tf.tensor1d([1, 0.5, 0.3, 2, 1, 1]);
    const x = tf.relu(
      tf
        .tensor2d(normalArray(rng, 20_000 * 6, 1), [20_000, 6])
        .mul(sd)
        .add(mu),
    );
    const w = tf.tensor2d(normalArray(rng, 6 * 3, 0.5), [6, 3]);
    const wq = w.div(0.25).round().mul(0.25);
    const measured = empiricalShift(tf.matMul(x, wq), tf.matMul(x, w));
    expectClose(analyticShift(wq, w, 'dense', reluMean(mu, sd)), measured, 1e-2);
  });
});
