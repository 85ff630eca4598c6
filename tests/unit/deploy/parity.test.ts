/**
 * The parity table: the rounding recomputations on hand-made values (their truth tables), and the
 * whole table on lightly trained models, where onnxruntime must agree with fake quantization, the
 * int32 bias must be named as the cause of the depthwise CNN's moved codes, and 8 bias fraction
 * bits must remove them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnistNode } from '../../../src/data/node';
import {
  codeDiff,
  fakeQuantRounding,
  integerRounding,
  roundHalfEven,
  sqnrDb,
} from '../../../src/deploy/parityCauses';
import { measureParity } from '../../../src/deploy/parityNode';
import { experimentSchema } from '../../../src/experiment/schema';
import { initBackend } from '../../../src/tensor/backend';
import { createTrainer, type QuantTrainer } from '../../../src/train/trainer';
import { expectNoLeak } from '../../helpers/tf';

const data = loadMnistNode();

describe('rounding conventions recomputed', () => {
  it('half to even against half up', () => {
    expect([-2.5, -1.5, 0.5, 1.5, 2.5, 2.4, 2.6].map(roundHalfEven)).toEqual([-2, -2, 0, 2, 2, 2, 3]);
  });

  it('counts fake quantization ties where the conventions part, and the rounding order', () => {
    const grid = { scale: 1, zero: 0, qmin: 0, qmax: 255 };
    // 0.5 and 2.5 part (to 0 and 2 against 1 and 3); 1.5 goes to 2 either way.
    expect(fakeQuantRounding(Float32Array.from([0.5, 1.5, 2.5, 3]), grid)).toEqual({
      ties: 2,
      nearTies: 3,
      roundingOrder: 0,
    });
    // With z = 3: round(0.5 + 3) = 4 (even), round(0.5) + 3 = 3.
    expect(fakeQuantRounding(Float32Array.from([0.5]), { ...grid, zero: 3 }).roundingOrder).toBe(1);
  });

  it('counts the integer model’s exact halves and what clamping before z would move', () => {
    const half = [{ m: 1, s: 1 }]; // r·M = r/2
    const grid = { scale: 1, zero: 0, qmin: 0, qmax: 255 };
    // r = 1: 0.5 → 1 half up, 0 to even; r = 3: 1.5 → 2 both; r = 2: no tie.
    expect(integerRounding(Float64Array.from([1, 3, 2]), half, grid).ties).toBe(1);
    const shifted = { ...grid, zero: 10 };
    // q = 250: clamp then + z = 260, + z then clamp = 255.
    expect(integerRounding(Float64Array.from([500, 100]), half, shifted).clampBeforeZeroPoint).toBe(1);
  });

  it('code differences and SQNR', () => {
    expect(codeDiff([1, 2, 3], [1, 4, 2])).toEqual({ max: 2, moved: 2 });
    expect(sqnrDb([1, 2], [1, 2])).toBeNull();
    expect(sqnrDb([1.1, 0], [1, 0])).toBeCloseTo(20, 6);
  });
});

describe('the parity table on trained models', () => {
  beforeAll(() => initBackend('wasm'));
  const trainers: QuantTrainer[] = [];
  afterAll(() => trainers.forEach((t) => t.dispose()));

  async function trained(arch: 'mlp' | 'dscnn') {
    const exp = experimentSchema.parse({
      data: { trainSize: 1000, testSize: 200 },
      model: { arch, hidden: [48], widthMultiplier: arch === 'mlp' ? 1 : 0.25 },
      quant: { weight: { bits: 4 }, act: { bits: 8 } },
      train: { steps: 40, batchSize: 32, evalEvery: 40 },
    });
    const t = (await createTrainer(exp, data)) as QuantTrainer;
    trainers.push(t);
    await t.run(exp.train.steps);
    return { exp, t };
  }

  it('DS-CNN W4A8: onnxruntime agrees, the int32 bias moves codes and 8 fraction bits remove them', async () => {
    const { exp, t } = await trained('dscnn');
    const r = await measureParity(t.model, exp, data, { count: 128, calibSize: 128 });
    expect(r.images).toBe(128);
    expect(r.layers.map((l) => l.index).sort()).toEqual(t.model.layers.map((_, i) => i));
    expect(r.argmaxAgreement.onnx).toBeGreaterThanOrEqual(0.99);
    const moved = (l: (typeof r.layers)[number]) => Math.max(l.codesMoved.integer!, l.codesMoved.onnx!);
    r.layers.slice(1).forEach((l, i) => expect(moved(l)).toBeLessThanOrEqual(moved(r.layers[i]!)));
    const worst = r.layers[0]!;
    expect(worst.codesMoved.integer).toBeGreaterThan(0.01);
    expect(worst.cause).toBe('bias');
    expect(worst.causes.codesMovedBiasFrac8).toBeLessThan(worst.codesMoved.integer! / 2);
    // The pixels: every form quantizes them the same way.
    const pixels = r.layers.find((l) => l.index === 0)!;
    expect(pixels.codesMoved).toEqual({ integer: 0, onnx: 0 });
    expect(pixels.cause).toBe('none');

    const k8 = await measureParity(t.model, exp, data, { count: 128, calibSize: 128, biasFracBits: 8 });
    expect(k8.biasFracBits).toBe(8);
    for (const l of k8.layers) {
      expect(l.codesMoved.integer).toBe(l.causes.codesMovedBiasFrac8);
      expect(l.codesMoved.integer).toBeLessThan(0.01);
    }
  });

  it('MLP W4A8: every form within a code of fake quantization, SQNR finite against the float model, no tensor leaked', async () => {
    const { exp, t } = await trained('mlp');
    let r!: Awaited<ReturnType<typeof measureParity>>;
    await expectNoLeak(async () => {
      r = await measureParity(t.model, exp, data, { count: 128, calibSize: 128 });
    });
    expect(r.argmaxAgreement.integer).toBeGreaterThanOrEqual(0.99);
    expect(r.argmaxAgreement.onnx).toBeGreaterThanOrEqual(0.99);
    for (const l of r.layers) {
      expect(l.maxCodeDiff.integer).toBeLessThanOrEqual(1);
      expect(l.maxCodeDiff.onnx).toBeLessThanOrEqual(1);
      expect(l.sqnrDb.fakeQuant).toBeGreaterThan(0);
    }
    expect(r.logitsSqnrDb.fakeQuant).toBeGreaterThan(0);
  });
});
