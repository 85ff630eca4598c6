/**
 * The first dense layer's matmul skips dA (its input is data): matMulFastNoInputGrad must give the
 * stock tf.matMul value and dB, on cpu and on wasm, and a zero dA.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend, selectOps } from '../../../src/tensor/backend';
import { matMulFastNoInputGrad } from '../../../src/tensor/ops';
import { BACKENDS, compareWithGrads, randn } from './helpers';

describe.each(BACKENDS)('matMul without input gradient (%s)', (backend) => {
  it('same value and weight gradient as tf.matMul; dA is zero', async () => {
    await initBackend(backend);
    const a = randn([12, 9]);
    const b = randn([9, 5]);
    const d = compareWithGrads(
      (x, w) => matMulFastNoInputGrad(x as tf.Tensor2D, w as tf.Tensor2D),
      (x, w) => tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
      [a, b],
    );
    expect(d.value).toBeLessThan(1e-5);
    expect(d.grads[1]).toBeLessThan(1e-5);
    const [da] = tf.grads((x: tf.Tensor, w: tf.Tensor) =>
      tf.sum(matMulFastNoInputGrad(x as tf.Tensor2D, w as tf.Tensor2D)),
    )([a, b]);
    expect(Array.from(da.dataSync()).every((v) => v === 0)).toBe(true);
    // The op set routes a first layer (inputGrad false) to it on wasm; other layers keep dA.
    const ops = selectOps(backend);
    const [daFirst] = tf.grads((x: tf.Tensor, w: tf.Tensor) =>
      tf.sum(ops.matMul(x as tf.Tensor2D, w as tf.Tensor2D, false)),
    )([a, b]);
    const [daOther] = tf.grads((x: tf.Tensor, w: tf.Tensor) =>
      tf.sum(ops.matMul(x as tf.Tensor2D, w as tf.Tensor2D, true)),
    )([a, b]);
    expect(tf.max(tf.abs(daOther)).dataSync()[0]).toBeGreaterThan(0);
    if (backend === 'wasm') expect(tf.max(tf.abs(daFirst)).dataSync()[0]).toBe(0);
    tf.dispose([a, b, da, daFirst, daOther]);
  });
});
