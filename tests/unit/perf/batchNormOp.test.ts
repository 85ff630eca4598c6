/**
 * The fused training-mode BN (src/tensor/batchNormOp.ts) against the composition it replaces
 * (tf.moments + src/models/batchnorm.ts applyBatchNorm): value, batch statistics, and gradients
 * w.r.t. x, γ and β within 1e-5, on cpu and on wasm.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { applyBatchNorm, batchStats, BN_EPSILON, type BatchNormParams } from '../../../src/models/batchnorm';
import { batchNormTrain, type BatchMoments } from '../../../src/tensor/batchNormOp';
import { initBackend } from '../../../src/tensor/backend';
import { BACKENDS, compareWithGrads, maxAbs, randn } from './helpers';

/** The stock composition: batch moments, then (x − μ)·(rsqrt(σ² + ε)·γ) + β. */
function referenceBn(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const params = { gamma, beta } as unknown as BatchNormParams;
  return applyBatchNorm(x, params, batchStats(x), undefined, true);
}

describe.each(BACKENDS)('fused batch norm matches tf.moments BN (%s)', (backend) => {
  it.each([
    ['NHWC', [4, 5, 6, 3]],
    ['dense [N, C]', [9, 7]],
    ['CNN size', [64, 14, 14, 32]],
  ])('%s: value, moments and gradients', async (_, shape) => {
    await initBackend(backend);
    const c = shape[shape.length - 1];
    // Offset and scale the input so the statistics matter (mean ≠ 0, variance ≠ 1).
    const x = tf.add(tf.mul(randn(shape), 2.5), 1.5);
    const gamma = tf.add(randn([c]), 1);
    const beta = randn([c]);
    const fused = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      batchNormTrain(a, g as tf.Tensor1D, b as tf.Tensor1D, BN_EPSILON);
    const d = compareWithGrads(fused, referenceBn, [x, gamma, beta]);
    // 1e-5 absolute, or relative to the size of the quantity where a float32 sum over M = 12544
    // terms (batch mean; dγ, dβ ~ 10²) cannot resolve 1e-5: both sides then differ only in the
    // summation order (XNNPACK average pooling vs the Mean/Sum kernels).
    const yScale = tf.tidy(() => tf.max(tf.abs(referenceBn(x, gamma, beta))).dataSync()[0]);
    expect(d.value).toBeLessThan(1e-5 * Math.max(1, yScale));
    d.grads.forEach((g, i) => expect(g).toBeLessThan(1e-5 * Math.max(1, d.gradScale[i])));

    let moments: BatchMoments | undefined;
    tf.tidy(() => {
      batchNormTrain(x, gamma as tf.Tensor1D, beta as tf.Tensor1D, BN_EPSILON, (m) => {
        moments = { mean: tf.keep(m.mean), variance: tf.keep(m.variance) };
      });
    });
    // Statistics against a float64 reference: at M = 12544 the float32 tf.moments itself is off
    // by ~2e-5, the fused op (two-level means) by < 1e-6.
    const values = x.dataSync();
    const mean64 = new Float64Array(c);
    const var64 = new Float64Array(c);
    const m = values.length / c;
    values.forEach((v, i) => (mean64[i % c] += v / m));
    values.forEach((v, i) => (var64[i % c] += (v - mean64[i % c]) ** 2 / m));
    expect(moments!.mean.shape).toEqual([c]);
    expect(maxAbs(moments!.mean, tf.tensor1d(Array.from(mean64)))).toBeLessThan(1e-5);
    expect(maxAbs(moments!.variance, tf.tensor1d(Array.from(var64)))).toBeLessThan(1e-5 * Math.max(1, ...var64));
    tf.dispose([x, gamma, beta, moments!.mean, moments!.variance]);
  });
});
