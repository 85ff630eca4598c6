/**
 * The recursive convolutions (src/hessian/recursiveConv.ts) against the tap-sum reference
 * (TAP_SECOND_ORDER_OPS), and the broadcasting max pool against the upsampling one, on random inputs, on the cpu and wasm backends: the values, the first
 * derivatives and the second (a Hessian-vector product through both inputs) of a scalar that is
 * quadratic in the conv's output, so every term of the second backward pass counts. Padded
 * convolutions that no layer uses (asymmetric, negative) are checked against the stock conv on cpu.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { convPadded, type Pads } from '../../../src/hessian/recursiveConv';
import { SECOND_ORDER_OPS, TAP_SECOND_ORDER_OPS } from '../../../src/hessian/secondOrderOps';
import type { OpSet } from '../../../src/tensor/backend';
import { initBackend } from '../../../src/tensor/backend';
import { createRng } from '../../../src/tensor/rng';

afterAll(async () => {
  await initBackend('cpu');
});

type Conv = (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;

function random(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed, 'conv');
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => 2 * rng() - 1),
    shape,
  );
}

/** f(x, w) = Σ r · conv(x, w)²: its value, gradient and Hessian-vector product for v = (vx, vw). */
function derivatives(
  conv: Conv,
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  r: tf.Tensor,
  v: tf.Tensor[],
): Float64Array[] {
  return read(
    tf.tidy(() => {
      const f = (a: tf.Tensor, b: tf.Tensor) => {
        const y = conv(a as tf.Tensor4D, b as tf.Tensor4D);
        return tf.sum(tf.mul(r, tf.mul(y, y))) as tf.Scalar;
      };
      const grad = tf.grads(f)([x, w]);
      const hv = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
        const g = tf.grads(f)([a, b]);
        return tf.add(tf.sum(tf.mul(g[0], v[0])), tf.sum(tf.mul(g[1], v[1]))) as tf.Scalar;
      })([x, w]);
      return [f(x, w), ...grad, ...hv];
    }),
  );
}

/** The tensors' values in float64, the tensors disposed. */
function read(tensors: tf.Tensor[]): Float64Array[] {
  const values = tensors.map((t) => Float64Array.from(t.dataSync()));
  tf.dispose(tensors);
  return values;
}

function relativeError(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  a.forEach((ai, i) => {
    num += (ai - b[i]) ** 2;
    den += b[i] ** 2;
  });
  return Math.sqrt(num / den);
}

const CASES: { name: string; conv: (ops: OpSet) => Conv; x: number[]; w: number[] }[] = [
  { name: 'conv 3×3', conv: (ops) => (x, w) => ops.conv2d(x, w, true), x: [3, 6, 5, 4], w: [3, 3, 4, 5] },
  { name: 'conv 5×5', conv: (ops) => (x, w) => ops.conv2d(x, w, true), x: [2, 7, 6, 2], w: [5, 5, 2, 3] },
  {
    name: 'depthwise 3×3',
    conv: (ops) => (x, w) => ops.depthwiseConv2d(x, w, true),
    x: [3, 6, 5, 4],
    w: [3, 3, 4, 1],
  },
  {
    name: 'conv 3×3 then 2×2 max pool (odd width)',
    conv: (ops) => (x, w) => ops.maxPool2(ops.conv2d(x, w, true)),
    x: [2, 6, 7, 3],
    w: [3, 3, 3, 4],
  },
];

describe.each(['cpu', 'wasm'] as const)('recursive convolutions on %s', (backend) => {
  it.each(CASES)('$name: value, gradient and Hv match the tap sums', async ({ conv, x: xs, w: ws }) => {
    expect(await initBackend(backend)).toBe(backend);
    const x = random(xs, 1) as tf.Tensor4D;
    const w = random(ws, 2) as tf.Tensor4D;
    const r = random(
      tf.tidy(() => conv(TAP_SECOND_ORDER_OPS)(x, w).shape),
      3,
    );
    const v = [random(xs, 4), random(ws, 5)];
    const start = tf.memory().numTensors;
    const fast = derivatives(conv(SECOND_ORDER_OPS), x, w, r, v);
    const taps = derivatives(conv(TAP_SECOND_ORDER_OPS), x, w, r, v);
    expect(tf.memory().numTensors).toBe(start);
    ['value', 'dx', 'dW', '(Hv)x', '(Hv)w'].forEach((what, i) => {
      expect(relativeError(fast[i], taps[i]), what).toBeLessThan(1e-5);
    });
    // Not trivially zero: the second derivative reaches both inputs.
    expect(Math.max(...fast[3].map(Math.abs), ...fast[4].map(Math.abs))).toBeGreaterThan(0.1);
    tf.dispose([x, w, r, ...v]);
  });

  it('the first layer (no input gradient) has the same filter gradient and Hv', async () => {
    expect(await initBackend(backend)).toBe(backend);
    const x = random([2, 6, 6, 1], 6) as tf.Tensor4D;
    const w = random([3, 3, 1, 4], 7) as tf.Tensor4D;
    const r = random([2, 6, 6, 4], 8);
    const v = [tf.zerosLike(x), random([3, 3, 1, 4], 9)];
    const data = derivatives((a, b) => SECOND_ORDER_OPS.conv2d(a, b, false), x, w, r, v);
    const full = derivatives((a, b) => SECOND_ORDER_OPS.conv2d(a, b, true), x, w, r, v);
    expect(Math.max(...data[1].map(Math.abs))).toBe(0);
    expect(relativeError(data[2], full[2])).toBeLessThan(1e-6);
    expect(relativeError(data[4], full[4])).toBeLessThan(1e-6);
    tf.dispose([x, w, r, ...v]);
  });
});

describe('padded convolutions no layer uses', () => {
  it.each([
    [[0, 2, 1, 0], 'asymmetric'],
    [[-1, 1, 2, -1], 'negative (a crop)'],
  ] as [Pads, string][])('%j (%s): value and gradients match the stock conv on cpu', async (pads) => {
    await initBackend('cpu');
    const x = random([2, 6, 7, 3], 10) as tf.Tensor4D;
    const w = random([3, 2, 3, 4], 11) as tf.Tensor4D;
    const [t, b, l, r] = pads;
    const stock: Conv = (a, k) => {
      const [n, h, wd, c] = a.shape;
      const crop = tf.slice(
        a,
        [0, Math.max(0, -t), Math.max(0, -l), 0],
        [n, h - Math.max(0, -t) - Math.max(0, -b), wd - Math.max(0, -l) - Math.max(0, -r), c],
      );
      const padded = tf.pad(crop, [
        [0, 0],
        [Math.max(0, t), Math.max(0, b)],
        [Math.max(0, l), Math.max(0, r)],
        [0, 0],
      ]);
      return tf.conv2d(padded as tf.Tensor4D, k, 1, 'valid');
    };
    const outShape = tf.tidy(() => stock(x, w).shape);
    const weights = random(outShape, 12);
    const firstOrder = (conv: Conv) =>
      read(
        tf.tidy(() => {
          const f = (a: tf.Tensor, k: tf.Tensor) =>
            tf.sum(tf.mul(weights, conv(a as tf.Tensor4D, k as tf.Tensor4D)));
          return [f(x, w), ...tf.grads(f)([x, w])];
        }),
      );
    const ours = firstOrder((a, k) => convPadded(a, k, pads));
    const ref = firstOrder(stock);
    ours.forEach((o, i) => expect(relativeError(o, ref[i])).toBeLessThan(1e-6));
    tf.dispose([x, w, weights]);
  });
});
