/**
 * Which path a non-default convention takes on wasm (src/quant/quantizer.ts): the full-range
 * signed grid goes to the op path at construction (the fused kernels compute s = max|x|/qmax);
 * the estimator conventions stay on the fused kernel (their backward pass is the shared JS one)
 * and give the op path's gradients there.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { estimatorSchema, weightQuantizerSchema } from '../../../src/experiment/schema';
import { createQuantizer, fusedKernelServes } from '../../../src/quant/quantizer';
import { FAKE_QUANT_KERNEL } from '../../../src/tensor/kernels/fakeQuant';
import { maxAbs, randn, useWasmBackend } from './helpers';

function make(cfg: object, estimator: object = { name: 'ste' }, fusedKernels = true) {
  return createQuantizer({
    fusedKernels,
    config: weightQuantizerSchema.parse({ bits: 2, ...cfg }),
    estimator: estimatorSchema.parse(estimator),
    role: 'weight',
    shape: [64],
  });
}

async function kernelRan(cfg: object): Promise<boolean> {
  const q = make(cfg);
  const x = randn([64]);
  const info = await tf.profile(() => tf.tidy(() => q.apply(x, true)));
  q.dispose();
  x.dispose();
  return info.kernels.some((k) => k.name === FAKE_QUANT_KERNEL);
}

describe('convention routing on wasm', () => {
  useWasmBackend();

  it('the full grid takes the op path; qmax and narrow keep the fused kernel', async () => {
    expect(fusedKernelServes({ bits: 2, qmin: -2, qmax: 1, rangeCode: 1.5 })).toBe(false);
    expect(fusedKernelServes({ bits: 2, qmin: -1, qmax: 1 })).toBe(true);
    expect(await kernelRan({})).toBe(true);
    expect(await kernelRan({ signedGrid: 'narrow' })).toBe(true);
    expect(await kernelRan({ signedGrid: 'full' })).toBe(false);
  });

  it('full grid on wasm: 4 levels at 2 bits, codeParams from the op path (s = max|x|/1.5)', () => {
    const q = make({ signedGrid: 'full' });
    const x = randn([64]);
    const codes = new Set(q.toInt(x).dataSync());
    expect(codes.size).toBe(4);
    const { scale } = q.codeParams!(x);
    const maxAbsX = tf.max(tf.abs(x)).dataSync()[0];
    expect(scale.dataSync()[0]).toBeCloseTo(maxAbsX / 1.5, 6);
    q.dispose();
    tf.dispose([x, scale]);
  });

  it('clip masks on the fused kernel give the op path’s gradients', () => {
    for (const estimator of [
      { name: 'tanh', clipMask: true, maskOn: 'rounded' },
      { name: 'clipped-ste', maskOn: 'rounded' },
      { name: 'ewgs', param: 1.5, deltaUnits: 'normalized', clipMask: true },
    ]) {
      const x = randn([64]);
      const grads = [true, false].map((fused) => {
        // An EMA range that lags the data clips, so the masks matter.
        const q = make({ range: 'ema', rangeMomentum: 0.1 }, estimator, fused);
        q.apply(tf.mul(x, 0.2), true).dispose();
        const g = tf.grad((xi: tf.Tensor) => tf.sum(q.apply(xi, true)))(x);
        q.dispose();
        return g;
      });
      expect(maxAbs(grads[0], grads[1]), estimator.name).toBe(0);
      expect(tf.sum(tf.equal(grads[1], 0)).dataSync()[0], estimator.name).toBeGreaterThan(0);
      tf.dispose([x, ...grads]);
    }
  });
});
