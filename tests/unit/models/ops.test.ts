/**
 * Gradient checks of the wasm workaround ops (src/tensor/ops.ts) against the stock tfjs ops, on
 * the cpu backend where every stock gradient kernel exists.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { conv2dFt2, depthwiseConv2dFt, matMulFast, pointwiseConv } from '../../../src/tensor/ops';
import { initBackend } from '../../../src/tensor/backend';
import { createRng, normalArray } from '../../../src/tensor/rng';

const rng = createRng(7, 'ops-test');
function randn(shape: number[]): tf.Tensor {
  return tf.tensor(
    normalArray(
      rng,
      shape.reduce((a, b) => a * b, 1),
    ),
    shape,
  );
}

/** Max |a − b| over the gradients of Σ(op(x, w)·r) w.r.t. both inputs. */
function gradDiff(
  custom: (x: tf.Tensor, w: tf.Tensor) => tf.Tensor,
  stock: (x: tf.Tensor, w: tf.Tensor) => tf.Tensor,
  xShape: number[],
  wShape: number[],
): { value: number; dx: number; dw: number } {
  return tf.tidy(() => {
    const x = randn(xShape);
    const w = randn(wShape);
    const r = randn(stock(x, w).shape);
    const loss = (f: typeof custom) => (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(f(a, b), r)) as tf.Scalar;
    const [cx, cw] = tf.grads(loss(custom))([x, w]);
    const [sx, sw] = tf.grads(loss(stock))([x, w]);
    const maxAbs = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
    return { value: maxAbs(custom(x, w), stock(x, w)), dx: maxAbs(cx, sx), dw: maxAbs(cw, sw) };
  });
}

describe('wasm workaround ops match stock gradients (cpu backend)', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('matMulFast', () => {
    const d = gradDiff(
      (a, b) => matMulFast(a as tf.Tensor2D, b as tf.Tensor2D),
      (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
      [6, 5],
      [5, 4],
    );
    expect(Math.max(d.value, d.dx, d.dw)).toBeLessThan(1e-5);
  });

  it('ft2 conv (3×3, same) with and without input gradient', () => {
    const stock = (x: tf.Tensor, w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same');
    const d = gradDiff(
      (x, w) => conv2dFt2(x as tf.Tensor4D, w as tf.Tensor4D),
      stock,
      [2, 7, 6, 3],
      [3, 3, 3, 4],
    );
    expect(Math.max(d.value, d.dx, d.dw)).toBeLessThan(1e-5);
    const first = gradDiff(
      (x, w) => conv2dFt2(x as tf.Tensor4D, w as tf.Tensor4D, false),
      stock,
      [2, 6, 6, 1],
      [3, 3, 1, 4],
    );
    expect(Math.max(first.value, first.dw)).toBeLessThan(1e-5);
  });

  it('depthwise conv (3×3, same)', () => {
    const stock = (x: tf.Tensor, w: tf.Tensor) =>
      tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same');
    const d = gradDiff(
      (x, w) => depthwiseConv2dFt(x as tf.Tensor4D, w as tf.Tensor4D),
      stock,
      [3, 5, 7, 4],
      [3, 3, 4, 1],
    );
    expect(Math.max(d.value, d.dx, d.dw)).toBeLessThan(1e-5);
  });

  it('pointwise conv as matmul', () => {
    const stock = (x: tf.Tensor, w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same');
    const d = gradDiff(
      (x, w) => pointwiseConv(x as tf.Tensor4D, w as tf.Tensor4D, matMulFast),
      stock,
      [2, 4, 5, 3],
      [1, 1, 3, 6],
    );
    expect(Math.max(d.value, d.dx, d.dw)).toBeLessThan(1e-5);
  });

  it('leaks no tensors', () => {
    const before = tf.memory().numTensors;
    gradDiff(
      (x, w) => conv2dFt2(x as tf.Tensor4D, w as tf.Tensor4D),
      (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'),
      [1, 4, 4, 2],
      [3, 3, 2, 2],
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
