import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { weightQuantizerSchema, actQuantizerSchema } from '../../../src/experiment/schema';
import { createQuantizer } from '../../../src/quant/quantizer';
import type { QuantizerOptions } from '../../../src/quant/types';
import { expectClose, expectNoLeak, useCpuBackend } from '../../helpers/tf';

beforeAll(useCpuBackend);

function weightOpts(over: Partial<QuantizerOptions> & { cfg?: object } = {}): QuantizerOptions {
  const { cfg, ...rest } = over;
  return {
    config: weightQuantizerSchema.parse({ bits: 4, ...cfg }),
    estimator: { name: 'ste' },
    role: 'weight',
    shape: [2, 3],
    ...rest,
  };
}

describe('createQuantizer (min-max, STE)', () => {
  it('quantizes on the signed 4-bit grid with s = max|w|/7 (truth table)', () => {
    const q = createQuantizer(weightOpts({ shape: [8] }));
    const x = tf.tensor1d([-3.5, -0.3, 0.25, 0.3, 0.75, 1.4, 3.4, 3.5]);
    // s = 3.5/7 = 0.5: v = [−7, −0.6, 0.5, 0.6, 1.5, 2.8, 6.8, 7] → [−7, −1, 0, 1, 2, 3, 7, 7] (half to even)
    expectClose(q.apply(x, true), [-3.5, -0.5, 0, 0.5, 1, 1.5, 3.5, 3.5]);
    expectClose(q.toInt(x), [-7, -1, 0, 1, 2, 3, 7, 7]);
    expect(q.toInt(x).dtype).toBe('int32');
    expectClose(q.scale(), [0.5]);
    expectClose(q.zeroPoint(), [0]);
    expectClose(q.clipFraction(), 0);
    expect(q.grid).toEqual({ bits: 4, qmin: -8, qmax: 7 });
    q.dispose();
  });

  it('passes the STE gradient everywhere', () => {
    const q = createQuantizer(weightOpts({ shape: [4] }));
    const g = tf.grad((x: tf.Tensor) =>
      q
        .apply(x, true)
        .mul(tf.tensor1d([1, 2, 3, 4]))
        .sum(),
    );
    expectClose(g(tf.tensor1d([-1, 0.2, 0.7, 1])), [1, 2, 3, 4]);
    q.dispose();
  });

  it('is the identity at 32 bits', () => {
    const q = createQuantizer(weightOpts({ cfg: { bits: 32 } }));
    const x = tf.tensor2d([[0.123, -4.56, 7, 8, 9, 1e-3]], [1, 6]).reshape([2, 3]);
    expect(q.apply(x, true)).toBe(x);
    q.dispose();
  });

  it('per-channel scales follow each channel maximum', () => {
    const q = createQuantizer(weightOpts({ cfg: { perChannel: true } }));
    const w = tf.tensor2d([
      [0.7, -1.4, 0.1],
      [-0.35, 0.2, 0.05],
    ]);
    q.apply(w, true);
    expectClose(q.scale(), [0.1, 0.2, 0.1 / 7]);
    q.dispose();
  });

  it('asymmetric activations use a zero point', () => {
    const q = createQuantizer({
      config: actQuantizerSchema.parse({ bits: 2, range: 'minmax' }),
      estimator: { name: 'ste' },
      role: 'act',
      shape: [2],
    });
    // min −1, max 2: s = 3/3 = 1, z = 1; grid [0, 3] covers [−1, 2].
    const y = q.apply(
      tf.tensor2d([
        [-1, 2],
        [0.4, 1.6],
      ]),
      true,
    );
    expectClose(y, [-1, 2, 0, 2]);
    expectClose(q.zeroPoint(), [1]);
    q.dispose();
  });

  it('does not leak across repeated apply calls', async () => {
    const q = createQuantizer(weightOpts());
    const x = tf.randomNormal([2, 3]);
    await expectNoLeak(() => tf.tidy(() => q.apply(x, true)).dispose());
    await expectNoLeak(() =>
      tf
        .grad((v: tf.Tensor) => q.apply(v, true).sum())(x)
        .dispose(),
    );
    q.dispose();
    x.dispose();
  });
});

describe('freezing hook (docs/science.md §2)', () => {
  it('frozen entries use their codes and get zero gradient', () => {
    const q = createQuantizer(weightOpts({ shape: [4] }));
    const w = tf.tensor1d([0.7, 0.3, -0.2, 0.1]); // s = 0.1, codes [7, 3, −2, 1]
    q.freeze?.(tf.tensor1d([0, 1, 0, 1]), tf.tensor1d([0, 5, 0, -4], 'int32'));
    expectClose(q.apply(w, true), [0.7, 0.5, -0.2, -0.4], 1e-6);
    expectClose(q.toInt(w), [7, 5, -2, -4]);
    expectClose(tf.grad((x: tf.Tensor) => q.apply(x, true).sum())(w), [1, 0, 1, 0]);
    q.unfreeze?.();
    expectClose(q.toInt(w), [7, 3, -2, 1]);
    q.dispose();
  });

  it('a shared set is read by reference: assigns show through, unfreeze does not dispose it', () => {
    const q = createQuantizer(weightOpts({ shape: [4] }));
    const w = tf.tensor1d([0.7, 0.3, -0.2, 0.1]); // s = 0.1, codes [7, 3, −2, 1]
    const state = { keep: tf.variable(tf.ones([4])), codes: tf.variable(tf.zeros([4])) };
    q.shareFrozen?.(state);
    expectClose(q.toInt(w), [7, 3, -2, 1]);
    state.keep.assign(tf.tensor1d([1, 0, 1, 0]));
    state.codes.assign(tf.tensor1d([0, 5, 0, -4]));
    expectClose(q.apply(w, true), [0.7, 0.5, -0.2, -0.4], 1e-6);
    expectClose(tf.grad((x: tf.Tensor) => q.apply(x, true).sum())(w), [1, 0, 1, 0]);
    q.unfreeze?.();
    expectClose(q.toInt(w), [7, 3, -2, 1]);
    expect(state.keep.isDisposed).toBe(false);
    q.dispose();
    expect(state.codes.isDisposed).toBe(false);
    tf.dispose([state.keep, state.codes, w]);
  });

  it('re-freezing replaces the set without leaking', async () => {
    const q = createQuantizer(weightOpts({ shape: [4] }));
    const mask = tf.tensor1d([1, 0, 0, 0]);
    const codes = tf.tensor1d([2, 0, 0, 0]);
    await expectNoLeak(() => q.freeze?.(mask, codes));
    q.dispose();
  });
});

describe('double quantization', () => {
  it('quantizes per-channel scales to 8 bits with ss = max(s)/255 (truth table of doubleQuant.ts)', () => {
    const q = createQuantizer(weightOpts({ cfg: { perChannel: true }, shape: [1, 3], doubleQuant: true }));
    // per-channel max |w| / 7 = [0.1, 0.05, 0.0003]
    q.apply(tf.tensor2d([[0.7, 0.35, 0.0021]]), true);
    expectClose(q.scale(), [0.1, (128 * 0.1) / 255, 0.1 / 255], 1e-7);
    q.dispose();
  });
});

describe('every range × estimator combination', () => {
  const ranges = ['minmax', 'ema', 'mse', 'percentile', 'hindsight', 'lsq', 'kl'] as const;
  const estimators = ['ste', 'clipped-ste', 'tanh', 'sigmoid', 'pwl', 'cosine', 'ewgs'] as const;

  it('runs forward + backward per-channel without leaking tensors', async () => {
    const w = tf.randomNormal([5, 4], 0, 1, 'float32', 11);
    for (const range of ranges) {
      for (const name of estimators) {
        const q = createQuantizer(
          weightOpts({
            cfg: { range, perChannel: true },
            estimator: { name },
            shape: [5, 4],
            doubleQuant: range === 'lsq',
          }),
        );
        const step = () => {
          const { value, grads } = tf.variableGrads(
            () => q.apply(w, true).square().sum() as tf.Scalar,
            [...q.trainable],
          );
          value.dispose();
          tf.dispose(grads);
          tf.grad((x: tf.Tensor) => q.apply(x, true).sum())(w).dispose();
        };
        if (q.trainable.length) await expectNoLeak(step);
        else
          await expectNoLeak(() =>
            tf.tidy(() => tf.grad((x: tf.Tensor) => q.apply(x, true).sum())(w)).dispose(),
          );
        expect(q.scale().shape, `${range}/${name}`).toEqual([4]);
        q.dispose();
      }
    }
    w.dispose();
  });

  it('dispose frees every tensor the quantizer created', () => {
    const before = tf.memory().numTensors;
    const q = createQuantizer(weightOpts({ cfg: { range: 'lsq', perChannel: true }, doubleQuant: true }));
    const x = tf.randomNormal([2, 3]);
    q.apply(x, true).dispose();
    q.freeze?.(tf.zeros([2, 3]), tf.zeros([2, 3]));
    x.dispose();
    q.dispose();
    expect(tf.memory().numTensors).toBe(before + 2); // the two tf.zeros passed to freeze (caller-owned)
  });
});
