/**
 * Native integer training (src/models/nativeInt.ts) against fake quantization, real tfjs: each
 * layer's output on the integer codes equals the fake-quant layer's up to float rounding, its
 * gradients are the fake-quant gradients (up to the same rounding, which BN's backward sees), and a
 * short native-int run learns. Checked on the cpu backend and on wasm (the runner's, whose op set
 * routes around missing kernels).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageBatch } from '../../../src/data/batches';
import { loadMnistNode } from '../../../src/data/node';
import { type Experiment, experimentSchema, parseExperiment } from '../../../src/experiment/schema';
import { QuantModel } from '../../../src/models/build';
import { layerForward } from '../../../src/models/forward';
import { nativeIntOp } from '../../../src/models/nativeInt';
import { createQuantizer } from '../../../src/quant/quantizer';
import { initBackend } from '../../../src/tensor/backend';
import { runExperiment } from '../../../src/train/run';
import { expectNoLeak } from '../../helpers/tf';

const data = loadMnistNode();
const images = () =>
  imageBatch(
    data.train,
    Array.from({ length: 16 }, (_, i) => i),
  );

function experiment(arch: 'mlp' | 'cnn' | 'dscnn', weightBits: number, extra: object = {}): Experiment {
  return experimentSchema.parse({
    data: { trainSize: 512, testSize: 128 },
    model: { arch, hidden: [48], widthMultiplier: arch === 'mlp' ? 1 : 0.25 },
    quant: { weight: { bits: weightBits, perChannel: true }, act: { bits: 8 }, ...extra },
    train: { nativeInt: true },
  });
}

/** Largest |a − b| over the largest |b| (or 1 where b is 0): float rounding gives ~1e-7. */
function relDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => {
    const diff = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
    return diff / Math.max(tf.max(tf.abs(b)).dataSync()[0]!, 1e-30) || diff;
  });
}

interface LayerDiff {
  /** The layer's output (op, bias, BN, ReLU, pool), relative. */
  value: number;
  /** Its input and weight gradients (of Σ y·r), relative. */
  grad: number;
  /** The op's own gradients: the largest absolute difference. */
  opGrad: number;
  pooled: boolean;
}

/** d/dx and d/dw of `f(x)` (w = the layer's weight variable). */
function gradsOf(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, w: tf.Variable): tf.Tensor[] {
  return [tf.grad(f)(x), tf.variableGrads(() => f(x), [w]).grads[w.name]!];
}

/**
 * Per layer, on the fake-quant model's own input to it: the layer's output and gradients, and the
 * op's alone, with the native-int op against the fake-quant op.
 */
function compareLayers(model: QuantModel, x0: tf.Tensor2D): LayerDiff[] {
  const first = model.layers[0]!.spec;
  let h: tf.Tensor = first.inShape.length === 1 ? x0 : tf.reshape(x0, [x0.shape[0], ...first.inShape]);
  return model.layers.map((layer, i) => {
    const opts = { training: false };
    const { act, weight } = layer.quantizers;
    const opOf = (native: boolean) => (x: tf.Tensor) => {
      const xq = act.apply(x, false, false);
      const wq = weight.apply(layer.weight, false, false);
      return native
        ? nativeIntOp(layer, x, xq, wq, i > 0, model.ops)
        : layer.def.op(xq, wq, i > 0, model.ops, tf);
    };
    const run = (native: boolean) => {
      model.nativeInt = native;
      const y = layerForward(model, layer, h, opts, i === 0);
      const r = tf.randomNormal(y.shape, 0, 1, 'float32', 7);
      const loss = (x: tf.Tensor) =>
        tf.sum(tf.mul(layerForward(model, layer, x, opts, i === 0), r)) as tf.Scalar;
      const rOp = tf.randomNormal(opOf(false)(h).shape, 0, 1, 'float32', 8);
      const opLoss = (x: tf.Tensor) => tf.sum(tf.mul(opOf(native)(x), rOp)) as tf.Scalar;
      return { y, grads: gradsOf(loss, h, layer.weight), opGrads: gradsOf(opLoss, h, layer.weight) };
    };
    const fake = run(false);
    const native = run(true);
    const diff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
    const result = {
      value: relDiff(native.y, fake.y),
      grad: Math.max(...native.grads.map((g, k) => relDiff(g, fake.grads[k]!))),
      opGrad: Math.max(...native.opGrads.map((g, k) => diff(g, fake.opGrads[k]!))),
      pooled: layer.spec.pool === 'max2',
    };
    h = fake.y;
    return result;
  });
}

for (const backend of ['cpu', 'wasm'] as const)
  describe(`native-int layers (${backend})`, () => {
    beforeAll(() => initBackend(backend));

    for (const arch of ['mlp', 'cnn', 'dscnn'] as const)
      for (const bits of [8, 4])
        it(`equal the fake-quant layer up to float rounding, with its gradient: ${arch} W${bits}A8`, () => {
          const model = QuantModel.build(experiment(arch, bits), createQuantizer);
          try {
            const x = images();
            // One training-mode pass calibrates the activation ranges (EMA).
            tf.tidy(() => {
              let h: tf.Tensor = model.layers[0]!.spec.inShape.length === 1 ? x : x.reshape([-1, 28, 28, 1]);
              model.layers.forEach((l, i) => (h = layerForward(model, l, h, { training: true }, i === 0)));
            });
            const diffs: LayerDiff[] = [];
            tf.tidy(() => {
              diffs.push(...compareLayers(model, x));
            });
            x.dispose();
            for (const d of diffs) {
              expect(d.value).toBeLessThan(1e-6);
              // The op's backward is fake quantization's, bit for bit.
              expect(d.opGrad).toBe(0);
              // After the op, only a max pool can part them: a window whose top two values the
              // two forwards round into a different order routes its gradient elsewhere.
              if (!d.pooled) expect(d.grad).toBeLessThan(1e-5);
            }
          } finally {
            model.dispose();
          }
        });
  });

describe('native-int training', () => {
  beforeAll(() => initBackend('cpu'));
  afterAll(() => undefined);

  it('is what a model built with train.nativeInt runs, and leaks nothing', async () => {
    const model = QuantModel.build(experiment('cnn', 4), createQuantizer);
    expect(model.nativeInt).toBe(true);
    const x = images();
    await expectNoLeak(() =>
      tf.tidy(() => {
        const h = x.reshape([-1, 28, 28, 1]);
        const f = () =>
          tf.sum(
            layerForward(
              model,
              model.layers[1]!,
              layerForward(model, model.layers[0]!, h, { training: true }, true),
              { training: true },
              false,
            ),
          ) as tf.Scalar;
        tf.variableGrads(f);
      }),
    );
    x.dispose();
    model.dispose();
  });

  it('reduces the loss on a short MLP run', async () => {
    const exp = experimentSchema.parse({
      data: { trainSize: 512, testSize: 128 },
      model: { hidden: [32] },
      quant: { weight: { bits: 4 }, act: { bits: 8 } },
      train: { nativeInt: true, steps: 60, batchSize: 16, reportEvery: 5, evalEvery: 60, lr: 3e-3 },
    });
    const result = await runExperiment(exp, data);
    const losses = result.history.map((p) => p.loss);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-3))).toBeLessThan(0.6 * mean(losses.slice(0, 2)));
    expect(result.testAccuracy).toBeGreaterThan(0.5);
  });

  it('is refused with in-hindsight ranges, whose scale it cannot read after the call', () => {
    const r = parseExperiment({ quant: { act: { range: 'hindsight' } }, train: { nativeInt: true } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/quant\.act\.range: train\.nativeInt needs/);
    expect(parseExperiment({ quant: { act: { range: 'hindsight' } } }).ok).toBe(true);
  });
});
