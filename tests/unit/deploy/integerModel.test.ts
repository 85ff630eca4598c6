/**
 * The integer-only model against the fake-quant model it comes from (real tfjs, wasm backend):
 * the same codes up to a rounding, the same answers, BN folded into the requantization (negative
 * γ included), and a clear refusal for models that are not quantized everywhere.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageBatch } from '../../../src/data/batches';
import { loadMnistNode } from '../../../src/data/node';
import { evaluateInteger } from '../../../src/deploy/evaluate';
import { buildIntegerModel, integerBlocker } from '../../../src/deploy/integerModel';
import { type Experiment, experimentSchema } from '../../../src/experiment/schema';
import { createTrainer, type QuantTrainer } from '../../../src/train/trainer';
import { initBackend } from '../../../src/tensor/backend';
import { expectNoLeak } from '../../helpers/tf';

const data = loadMnistNode();
const calibration = () =>
  imageBatch(
    data.train,
    Array.from({ length: 128 }, (_, i) => i),
  );

function experiment(arch: 'mlp' | 'cnn' | 'dscnn', weightBits: number, extra: object = {}): Experiment {
  return experimentSchema.parse({
    data: { trainSize: 1000, testSize: 300 },
    model: { arch, hidden: [48], widthMultiplier: arch === 'mlp' ? 1 : 0.25 },
    quant: { weight: { bits: weightBits }, act: { bits: 8 }, ...extra },
    train: { steps: 40, batchSize: 32, evalEvery: 40 },
  });
}

async function trained(exp: Experiment): Promise<QuantTrainer> {
  const t = (await createTrainer(exp, data)) as QuantTrainer;
  await t.run(exp.train.steps);
  return t;
}

describe('integer-only inference', () => {
  // The runner's backend; the integer ops are exact on any backend whose float32 sums are IEEE.
  beforeAll(() => initBackend('wasm'));
  const trainers: QuantTrainer[] = [];
  afterAll(() => trainers.forEach((t) => t.dispose()));

  for (const arch of ['mlp', 'cnn', 'dscnn'] as const)
    for (const bits of [8, 4])
      it(`gives the fake-quant model's codes and answers: ${arch} W${bits}A8`, async () => {
        const exp = experiment(arch, bits);
        const t = await trained(exp);
        trainers.push(t);
        const calib = calibration();
        const evaluate = (biasFracBits: number) => {
          const integer = buildIntegerModel(t.model, exp, calib, { biasFracBits });
          const ev = evaluateInteger(t.model, integer, data.test, { count: 300, batchSize: 100 });
          integer.dispose();
          return ev;
        };
        // With the bias at 2^−8 of an accumulator unit the integer model computes what fake
        // quantization computes: a code moves only where float32 and exact arithmetic part at a half.
        const fine = evaluate(8);
        expect(fine.images).toBe(300);
        expect(fine.argmaxAgreement).toBeGreaterThanOrEqual(0.99);
        expect(fine.layers[0]!.maxCodeDiff).toBe(0); // the pixels: the same float op
        for (const l of fine.layers) {
          expect(l.codeMismatch).toBeLessThan(0.002);
          expect(l.maxCodeDiff).toBeLessThanOrEqual(2);
          expect(l.calibrated).toBe(false);
        }
        // The deployed convention, an int32 bias at the accumulator's scale, moves more codes
        // behind coarse accumulators (docs/integer.md §4), never the pixels'.
        const int32 = evaluate(0);
        expect(int32.layers[0]!.maxCodeDiff).toBe(0);
        expect(int32.argmaxAgreement).toBeGreaterThan(0.95);
        calib.dispose();
      });

  it('folds BN with negative γ into the requantization of a CNN', async () => {
    const exp = experiment('cnn', 8);
    const t = await trained(exp);
    trainers.push(t);
    const bn = t.model.layers[0]!.bn!;
    const C = bn.gamma.shape[0];
    bn.gamma.assign(
      tf.tidy(() => bn.gamma.mul(tf.tensor1d(Array.from({ length: C }, (_, c) => (c % 2 ? -1.5 : 0.7))))),
    );
    const calib = calibration();
    const integer = buildIntegerModel(t.model, exp, calib);
    calib.dispose();
    expect(Array.from(integer.layers[0]!.sign)).toContain(-1);
    const ev = evaluateInteger(t.model, integer, data.test, { count: 200 });
    integer.dispose();
    expect(ev.argmaxAgreement).toBeGreaterThanOrEqual(0.99);
    expect(ev.layers[1]!.maxCodeDiff).toBeLessThanOrEqual(1);
  });

  it('keeps a pruned channel (all weights zero, per-channel scales) at its bias', async () => {
    const exp = experimentSchema.parse({
      ...experiment('mlp', 8),
      quant: { ...experiment('mlp', 8).quant, weight: { bits: 8, perChannel: true } },
    });
    const t = await trained(exp);
    trainers.push(t);
    const w = t.model.layers[0]!.weight;
    const [inD, outD] = w.shape as [number, number];
    const mask = tf.tensor2d(
      Array.from({ length: inD * outD }, (_, i) => (i % outD < 4 ? 0 : 1)),
      [inD, outD],
    );
    w.assign(tf.tidy(() => w.mul(mask)));
    mask.dispose();
    const calib = calibration();
    const integer = buildIntegerModel(t.model, exp, calib);
    calib.dispose();
    // Its vanishing scale would make its bias, and so the layer's accumulator bound, astronomically
    // large, and the shared mantissas short; the live channels' unit keeps both ordinary.
    expect(integer.layers[0]!.accMaxAbs).toBeLessThan(2 ** 30);
    expect(Math.min(...integer.layers[0]!.requant!.map((d) => d.m))).toBeGreaterThan(2 ** 20);
    const ev = evaluateInteger(t.model, integer, data.test, { count: 200 });
    integer.dispose();
    expect(ev.argmaxAgreement).toBeGreaterThanOrEqual(0.99);
    expect(ev.layers[1]!.maxCodeDiff).toBeLessThanOrEqual(1);
  });

  it('fixes a per-batch (min–max) activation range from the calibration images and says so', async () => {
    const exp = experimentSchema.parse({
      ...experiment('mlp', 8),
      quant: { ...experiment('mlp', 8).quant, act: { bits: 8, range: 'minmax' } },
    });
    const t = await trained(exp);
    trainers.push(t);
    const calib = calibration();
    const integer = buildIntegerModel(t.model, exp, calib);
    calib.dispose();
    const ev = evaluateInteger(t.model, integer, data.test, { count: 200 });
    integer.dispose();
    expect(ev.layers.every((l) => l.calibrated)).toBe(true);
    expect(ev.argmaxAgreement).toBeGreaterThan(0.9);
  });

  it('refuses a model with a float layer, naming it', async () => {
    const exp = experiment('mlp', 8, { firstLastBits8: false, layers: { fc2: { weightBits: 32 } } });
    const t = await trained({ ...exp, train: { ...exp.train, steps: 2 } });
    trainers.push(t);
    expect(integerBlocker(t.model)).toMatch(/fc2 is float/);
    const calib = calibration();
    expect(() => buildIntegerModel(t.model, exp, calib)).toThrow(/fc2 is float/);
    calib.dispose();
  });

  it('leaves no tensors behind', async () => {
    const exp = experiment('mlp', 4);
    const t = await trained({ ...exp, train: { ...exp.train, steps: 5 } });
    trainers.push(t);
    const calib = calibration();
    await expectNoLeak(() => {
      const integer = buildIntegerModel(t.model, exp, calib);
      evaluateInteger(t.model, integer, data.test, { count: 20 });
      integer.dispose();
    });
    calib.dispose();
  });
});
