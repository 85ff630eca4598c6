/** LSQ learned scale: initialisation, scale gradient (docs/science.md §5) and training through an optimizer. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { actQuantizerSchema, weightQuantizerSchema } from '../../../src/experiment/schema';
import { createQuantizer } from '../../../src/quant/quantizer';
import type { QuantizerOptions } from '../../../src/quant/types';
import { expectClose, expectNoLeak, useCpuBackend } from '../../helpers/tf';

beforeAll(useCpuBackend);

function lsq(over: Partial<QuantizerOptions> & { cfg?: object } = {}) {
  const { cfg, ...rest } = over;
  return createQuantizer({
    config: weightQuantizerSchema.parse({ bits: 4, range: 'lsq', ...cfg }),
    estimator: { name: 'clipped-ste' },
    role: 'weight',
    shape: [4],
    ...rest,
  });
}

/** Gradients of sum(q(x)) with respect to x and to the LSQ scale variable. */
function grads(q: ReturnType<typeof lsq>, x: tf.Tensor) {
  const { grads: g } = tf.variableGrads(() => q.apply(x, true).sum() as tf.Scalar, q.trainable);
  const gx = tf.grad((v: tf.Tensor) => q.apply(v, true).sum())(x);
  return { ds: g[q.trainable[0].name], gx };
}

describe('LSQ', () => {
  it('initialises s = 2·mean|x|/√p on the first call', () => {
    const q = lsq();
    q.apply(tf.tensor1d([1, -1, 2, -2]), true);
    expectClose(q.scale(), [3 / Math.sqrt(7)], 1e-6);
    expect(q.trainable).toHaveLength(1);
    q.dispose();
  });

  it('scale gradient: Σ dy·(round(v) − v) inside, qmin/qmax outside, times g = 1/√(p·N)', () => {
    const x = tf.tensor1d([0.3, -0.2, 4.0, -5.0]);
    for (const [useGradScale, g] of [
      [true, 1 / Math.sqrt(7 * 4)],
      [false, 1],
    ] as const) {
      const q = lsq({ lsqGradScale: useGradScale });
      q.apply(x, true);
      q.trainable[0].assign(tf.tensor1d([0.5]));
      // v = [0.6, −0.4, 8, −10] → codes [1, 0, 7, −8]; per element [0.4, 0.4, 7, −8], sum −0.2.
      const { ds, gx } = grads(q, x);
      expectClose(ds, [-0.2 * g], 1e-6);
      expectClose(gx, [1, 1, 0, 0]); // clipped STE
      q.dispose();
    }
  });

  it('per-channel: one gradient per channel with N = elements per channel', () => {
    const q = lsq({ cfg: { perChannel: true }, shape: [2, 2] });
    const x = tf.tensor2d([
      [0.3, 0.3],
      [4.0, -0.2],
    ]);
    q.apply(x, true);
    q.trainable[0].assign(tf.tensor1d([0.5, 0.5]));
    // channel 0: v = [0.6, 8] → [0.4, 7]; channel 1: v = [0.6, −0.4] → [0.4, 0.4].
    const { ds } = grads(q, x);
    expectClose(ds, [7.4 / Math.sqrt(14), 0.8 / Math.sqrt(14)], 1e-5);
    q.dispose();
  });

  it('asymmetric: the zero point is fixed at initialisation and scales the outside gradient', () => {
    const q = createQuantizer({
      config: actQuantizerSchema.parse({ bits: 2, range: 'lsq' }),
      estimator: { name: 'clipped-ste' },
      role: 'act',
      shape: [1],
      lsqGradScale: false,
    });
    const x = tf.tensor2d([[-1], [1], [5]]);
    q.apply(x, true); // s₀ = 2·(7/3)/√3, z = round(1/s₀) = 0 … set explicit values below
    q.trainable[0].assign(tf.tensor1d([1]));
    // z stays round(1/s₀) = round(0.371) = 0: grid [0, 3] in code units.
    expectClose(q.zeroPoint(), [0]);
    // v = [−1, 1, 5] → codes [0, 1, 3]: below (qmin − z = 0), inside (round(1) − 1 = 0), above (3).
    const { ds } = grads(q as ReturnType<typeof lsq>, x);
    expectClose(ds, [3], 1e-6);
    q.dispose();
  });

  it('trains through an optimizer toward a better scale, without leaking', async () => {
    const q = lsq({ shape: [64] });
    const x = tf.randomNormal([64], 0, 1, 'float32', 3);
    const opt = tf.train.adam(0.01);
    const step = () =>
      opt
        .minimize(() => tf.losses.meanSquaredError(x, q.apply(x, true)) as tf.Scalar, true, q.trainable)
        ?.dispose();
    step();
    const s0 = q.scale().dataSync()[0];
    await expectNoLeak(step, { warmup: 1, repeats: 5 });
    expect(q.scale().dataSync()[0]).not.toBe(s0);
    q.dispose();
    opt.dispose();
    x.dispose();
  });
});
