/**
 * maxPool2Fast (src/tensor/ops.ts) replaces wasm's MaxPoolGrad with elementwise ops: its value and
 * gradient must equal the stock tf.maxPool's as computed by the cpu backend — on cpu and on wasm,
 * including ties (the first max of a window, row-major, takes the gradient) and odd sizes (the last
 * row and column are dropped and get zero gradient). The reference is the cpu backend because
 * tfjs-wasm 4.22's own MaxPoolGrad is wrong for windows whose values are all negative (it routes
 * the gradient to the window's first entry; the `negative windows` case shows it).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend, selectOps } from '../../../src/tensor/backend';
import { maxPool2Fast } from '../../../src/tensor/ops';
import { createRng, normalArray } from '../../../src/tensor/rng';

type Pool = (x: tf.Tensor4D) => tf.Tensor4D;

/** Value and gradient of Σ(pool(x)·r), as plain arrays, on the active backend. */
function valueAndGrad(pool: Pool, x: number[], shape: [number, number, number, number], r: number[]) {
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, shape);
    const y = pool(xt);
    const rt = tf.tensor(r, y.shape);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(pool(t as tf.Tensor4D), rt)))(xt);
    // `+ 0` turns −0 (a zero gradient times a negative r) into 0: the sign of zero is not compared.
    return { value: Array.from(y.dataSync()), grad: Array.from(g.dataSync(), (v) => v + 0) };
  });
}

const rng = createRng(5, 'max-pool-test');
const normal = (n: number) => Array.from(normalArray(rng, n));
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

const CASES: [string, [number, number, number, number], () => number[]][] = [
  ['continuous values, even size', [3, 8, 6, 5], () => normal(size([3, 8, 6, 5]))],
  ['continuous values, odd size (7×5)', [2, 7, 5, 4], () => normal(size([2, 7, 5, 4]))],
  ['negative windows', [2, 4, 4, 3], () => normal(size([2, 4, 4, 3])).map((v) => -Math.abs(v) - 0.1)],
  // Values in {0, 1, 2}: most windows hold tied maxima (as ReLU zeros and quantized outputs do).
  ['heavy ties', [4, 6, 6, 3], () => normal(size([4, 6, 6, 3])).map((v) => Math.min(2, Math.floor(Math.abs(v) * 1.5)))],
  ['all equal', [1, 4, 4, 2], () => new Array<number>(32).fill(0.5)],
];

describe.each(['cpu', 'wasm'] as const)('maxPool2Fast (%s)', (backend) => {
  it.each(CASES)('%s: same value and gradient as tf.maxPool on cpu', async (_name, shape, make) => {
    const x = make();
    const outSize = shape[0] * Math.floor(shape[1] / 2) * Math.floor(shape[2] / 2) * shape[3];
    const r = normal(outSize);
    await initBackend('cpu');
    const reference = valueAndGrad((t) => tf.maxPool(t, 2, 2, 'valid'), x, shape, r);
    await initBackend(backend);
    const fast = valueAndGrad(maxPool2Fast, x, shape, r);
    expect(fast.value).toEqual(reference.value);
    expect(fast.grad).toEqual(reference.grad);
  });

  it('is the op set’s max pool on wasm', () => {
    expect(selectOps('wasm').maxPool2).toBe(maxPool2Fast);
  });
});
