/**
 * maxPool2Fast (src/tensor/ops.ts) replaces wasm's MaxPoolGrad with elementwise ops: its value and
 * gradient must equal the stock tf.maxPool's as computed by the cpu backend — on cpu and on wasm,
 * including ties (the first max of a window, row-major, takes the gradient) and odd sizes (the last
 * row and column are dropped and get zero gradient). The reference is the cpu backend because
 * tfjs-wasm 4.22's own MaxPoolGrad is wrong for windows whose values are all negative (it routes
 * the gradient to the window's first entry; the `negative windows` case shows it).
 *
 * On wasm, channel counts that are multiples of 4 take both passes through Quant Lab's own SIMD
 * kernels (src/tensor/kernels/maxPool2.ts); the others through the op path. Both must give exactly
 * the cpu value and gradient (it only routes dy). The kernels are also checked directly against the
 * cpu backend's MaxPool and MaxPoolGrad kernels on NaN, ±∞ and ±0 inputs and infinite or NaN dy,
 * for writing every element of dx, and for leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend, selectOps } from '../../../src/tensor/backend';
import {
  MAX_POOL2_GRAD_KERNEL,
  MAX_POOL2_KERNEL,
  maxPool2GradFromSel,
  maxPool2KernelAvailable,
  maxPool2WithSel,
} from '../../../src/tensor/kernels/maxPool2';
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
  [
    'heavy ties',
    [4, 6, 6, 3],
    () => normal(size([4, 6, 6, 3])).map((v) => Math.min(2, Math.floor(Math.abs(v) * 1.5))),
  ],
  ['all equal', [1, 4, 4, 2], () => new Array<number>(32).fill(0.5)],
  // C a multiple of 4: the wasm kernel's path.
  ['kernel: odd size (7×9), C = 4', [2, 7, 9, 4], () => normal(size([2, 7, 9, 4]))],
  ['kernel: odd height (5×6), C = 8', [2, 5, 6, 8], () => normal(size([2, 5, 6, 8]))],
  ['kernel: 3×3, C = 4', [3, 3, 3, 4], () => normal(size([3, 3, 3, 4]))],
  [
    'kernel: negative windows, C = 8',
    [2, 5, 4, 8],
    () => normal(size([2, 5, 4, 8])).map((v) => -Math.abs(v) - 0.1),
  ],
  [
    'kernel: heavy ties, C = 4',
    [4, 6, 7, 4],
    () => normal(size([4, 6, 7, 4])).map((v) => Math.min(2, Math.floor(Math.abs(v) * 1.5))),
  ],
  ['kernel: all equal, C = 4', [1, 4, 4, 4], () => new Array<number>(64).fill(-0.5)],
  // The CNN's pools: 28×28×16 → 14×14 and 14×14×32 → 7×7 (batch 3), ReLU-like inputs with ties at 0.
  [
    'kernel: CNN 28×28, C = 16',
    [3, 28, 28, 16],
    () => normal(size([3, 28, 28, 16])).map((v) => Math.max(0, v)),
  ],
  ['kernel: CNN 14×14, C = 32', [3, 14, 14, 32], () => normal(size([3, 14, 14, 32]))],
  [
    'kernel: CNN 14×14, C = 32, quantized ties',
    [3, 14, 14, 32],
    () => normal(size([3, 14, 14, 32])).map((v) => Math.max(0, Math.round(v * 2) / 2)),
  ],
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

/** y and dx of the cpu backend's stock MaxPool and MaxPoolGrad kernels (2×2, stride 2, 'valid'). */
function cpuMaxPool(x: number[], shape: [number, number, number, number], dy: number[]) {
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, shape);
    const y = tf.maxPool(xt, 2, 2, 'valid');
    const dyt = tf.tensor(dy, y.shape);
    const dx = tf.engine().runKernel(
      'MaxPoolGrad',
      { dy: dyt, input: xt, output: y },
      {
        filterSize: 2,
        strides: 2,
        pad: 'valid',
      },
    ) as tf.Tensor;
    return { y: Array.from(y.dataSync()), dx: Array.from(dx.dataSync()) };
  });
}

/** y and dx of the wasm kernels for given x and dy. */
function kernelMaxPool(x: number[], shape: [number, number, number, number], dy: number[]) {
  return tf.tidy(() => {
    const { y, sel } = maxPool2WithSel(tf.tensor4d(x, shape));
    const dx = maxPool2GradFromSel(sel, tf.tensor(dy, y.shape) as tf.Tensor4D, shape);
    return { y: Array.from(y.dataSync()), dx: Array.from(dx.dataSync()) };
  });
}

/** `+ 0` turns −0 into 0 (the sign of a zero is not compared); NaN stays NaN (toEqual matches it). */
const unsignZero = (a: ArrayLike<number>) => Array.from(a, (v) => v + 0);

describe('max pool wasm kernels', () => {
  it('run on wasm for C % 4 = 0 (tf.profile lists them), the op path otherwise', async () => {
    await initBackend('wasm');
    const kernelsOf = async (shape: [number, number, number, number]) => {
      const x = tf.tensor4d(normal(size(shape)), shape);
      const profile = await tf.profile(() => {
        const g = tf.grad((t: tf.Tensor) => tf.sum(maxPool2Fast(t as tf.Tensor4D)))(x);
        g.dispose();
      });
      x.dispose();
      return profile.kernels.map((k) => k.name);
    };
    const withKernel = await kernelsOf([2, 28, 28, 16]);
    expect(withKernel).toContain(MAX_POOL2_KERNEL);
    expect(withKernel).toContain(MAX_POOL2_GRAD_KERNEL);
    expect(withKernel).not.toContain('MaxPool');
    expect(withKernel).not.toContain('Step');
    const fallback = await kernelsOf([2, 6, 6, 3]);
    expect(fallback).not.toContain(MAX_POOL2_KERNEL);
    expect(fallback).not.toContain(MAX_POOL2_GRAD_KERNEL);
    expect(fallback).toContain('Step');
    expect(maxPool2KernelAvailable([64, 28, 28, 16])).toBe(true);
    expect(maxPool2KernelAvailable([64, 28, 28, 6])).toBe(false);
    expect(maxPool2KernelAvailable([64, 1, 28, 16])).toBe(false);
  });

  it('are not used off wasm', async () => {
    await initBackend('cpu');
    expect(maxPool2KernelAvailable([64, 28, 28, 16])).toBe(false);
  });

  it('give the cpu MaxPool value and MaxPoolGrad dx with NaN, ±∞, ±0 in x and ±∞/NaN in dy', async () => {
    const shape: [number, number, number, number] = [2, 7, 5, 8];
    const specials = [NaN, Infinity, -Infinity, 0, -0, 1, -1];
    const x = normal(size(shape)).map((v) => {
      const u = Math.abs(v * 7919) % 1;
      return u < 0.35 ? specials[Math.floor(u * 20)] : v;
    });
    // Whole windows of −∞, of NaN, of mixed NaN/−∞, and a −0/+0 tie, in the first image.
    const at = (b: number, r: number, c: number, ch: number) =>
      ((b * shape[1] + r) * shape[2] + c) * shape[3] + ch;
    for (const [r, c] of [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]) {
      x[at(0, r, c, 0)] = -Infinity;
      x[at(0, r, c, 1)] = NaN;
      x[at(0, r, c, 2)] = (r + c) % 2 ? NaN : -Infinity;
      x[at(0, r, c, 3)] = r === 1 && c === 1 ? 0 : r === 0 && c === 1 ? -0 : -2;
    }
    const dySize = shape[0] * 3 * 2 * shape[3];
    const dy = normal(dySize).map((v, i) =>
      i % 11 === 0 ? Infinity : i % 13 === 0 ? NaN : i % 17 === 0 ? -0 : i % 19 === 0 ? -Infinity : v,
    );
    await initBackend('cpu');
    const reference = cpuMaxPool(x, shape, dy);
    await initBackend('wasm');
    expect(maxPool2KernelAvailable(shape)).toBe(true);
    const fast = kernelMaxPool(x, shape, dy);
    // Guards against vacuous equality: most windows route their dy somewhere.
    expect(fast.dx.filter((v) => v !== 0).length).toBeGreaterThan(dySize / 2);
    expect(reference.y.filter((v) => Number.isNaN(v)).length).toBe(0);
    expect(fast.y.map((v) => Object.is(v, -0))).toEqual(reference.y.map((v) => Object.is(v, -0)));
    expect(fast.y).toEqual(reference.y);
    expect(unsignZero(fast.dx)).toEqual(unsignZero(reference.dx));
  });

  it('write every element of dx (stale heap memory does not leak into the odd row/column)', async () => {
    await initBackend('wasm');
    const shape: [number, number, number, number] = [3, 9, 7, 4];
    for (let k = 0; k < 3; k++) {
      // Fill and free a same-sized buffer first, so the output may reuse dirty memory.
      tf.fill(shape, 12345).dispose();
      const dx = tf.tidy(() => {
        const { sel } = maxPool2WithSel(tf.ones(shape) as tf.Tensor4D);
        return Array.from(maxPool2GradFromSel(sel, tf.ones([3, 4, 3, 4]) as tf.Tensor4D, shape).dataSync());
      });
      expect(dx.filter((v) => v === 1).length).toBe(3 * 4 * 3 * 4);
      expect(dx.filter((v) => v !== 0 && v !== 1).length).toBe(0);
    }
  });

  it('leak no tensors (forward and backward)', async () => {
    await initBackend('wasm');
    const x = tf.tensor4d(normal(size([2, 14, 14, 32])), [2, 14, 14, 32]);
    const before = tf.memory().numTensors;
    maxPool2Fast(x).dispose();
    const { value, grad } = tf.valueAndGrad((t: tf.Tensor) => tf.sum(maxPool2Fast(t as tf.Tensor4D)))(x);
    value.dispose();
    grad.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
