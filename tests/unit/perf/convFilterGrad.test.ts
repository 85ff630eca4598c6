/**
 * The first-layer conv weight-gradient kernel (src/tensor/kernels/convFilterGrad.ts) on wasm
 * against the cpu backend's stock Conv2DBackpropFilter: same dW within float32 round-off (relative
 * to the gradient's size), at the CNN's shape and odd small ones; the kernel ran; no leak; the
 * Conv2D route of ops.ts is still used where the kernel does not apply.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/tensor/backend';
import { convFilterGradAvailable } from '../../../src/tensor/kernels/convFilterGrad';
import { CONV_KERNELS, conv2dFt2 } from '../../../src/tensor/ops';
import { randn, useWasmBackend } from './helpers';

/** dW of Σ(conv(x, w)·r) via conv2dFt2 on wasm, and via the stock op on cpu; plus the kernels run. */
async function weightGrads(xShape: number[], wShape: number[]) {
  const [x, w] = [randn(xShape), randn(wShape)];
  const r = randn([...xShape.slice(0, 3), wShape[3]]);
  const inputs = await Promise.all([x, w, r].map(async (t) => ({ values: await t.data(), shape: t.shape })));
  tf.dispose([x, w, r]);
  const grad = (f: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor4D) => {
    const [xa, wa, ra] = inputs.map((t) => tf.tensor(t.values, t.shape));
    const g = tf.grad((b: tf.Tensor) => tf.sum(tf.mul(f(xa as tf.Tensor4D, b as tf.Tensor4D), ra)))(wa);
    const out = g.dataSync().slice();
    tf.dispose([xa, wa, ra, g]);
    return out;
  };
  const profile = await tf.profile(() => {
    grad((a, b) => conv2dFt2(a, b, false));
  });
  const kernels = profile.kernels.map((k) => k.name);
  const fast = grad((a, b) => conv2dFt2(a, b, false));
  await initBackend('cpu');
  const stock = grad((a, b) => tf.conv2d(a, b, 1, 'same'));
  await initBackend('wasm');
  let diff = 0;
  let scale = 0;
  stock.forEach((v, i) => {
    diff = Math.max(diff, Math.abs(v - fast[i]));
    scale = Math.max(scale, Math.abs(v));
  });
  return { diff, scale, kernels };
}

describe('first-layer conv weight gradient kernel (wasm)', () => {
  useWasmBackend();

  it('applies to 3×3 convs of one input channel with Co a multiple of 4', () => {
    expect(convFilterGradAvailable([64, 28, 28, 1], [3, 3, 1, 16])).toBe(true);
    expect(convFilterGradAvailable([64, 14, 14, 16], [3, 3, 16, 32])).toBe(false);
    expect(convFilterGradAvailable([64, 28, 28, 1], [3, 3, 1, 6])).toBe(false);
    expect(convFilterGradAvailable([64, 28, 28, 1], [5, 5, 1, 16])).toBe(false);
  });

  it.each([
    [
      [64, 28, 28, 1],
      [3, 3, 1, 16],
    ],
    [
      [3, 5, 7, 1],
      [3, 3, 1, 8],
    ],
    [
      [1, 1, 2, 1],
      [3, 3, 1, 4],
    ],
  ])('x %j, w %j: dW matches the stock gradient', async (xShape, wShape) => {
    const { diff, scale, kernels } = await weightGrads(xShape, wShape);
    expect(kernels).toContain('QuantLabConv3x3FilterGradC1');
    // The forward pass is the one Conv2D left; the Conv2D route would add a second.
    expect(kernels.filter((k) => k === 'Conv2D')).toHaveLength(1);
    expect(diff).toBeLessThanOrEqual(1e-5 * Math.max(1, scale));
  });

  it('the switch restores the Conv2D route, and nothing leaks', async () => {
    const before = tf.memory().numTensors;
    CONV_KERNELS.enabled = false;
    try {
      const { kernels } = await weightGrads([2, 6, 6, 1], [3, 3, 1, 4]);
      expect(kernels).not.toContain('QuantLabConv3x3FilterGradC1');
      expect(kernels.filter((k) => k === 'Conv2D')).toHaveLength(2);
    } finally {
      CONV_KERNELS.enabled = true;
    }
    await weightGrads([2, 6, 6, 1], [3, 3, 1, 4]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
