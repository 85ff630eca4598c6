/**
 * The fused oscillation step (src/tensor/kernels/oscStep.ts) against the op-by-op path on wasm:
 * whole training runs with tracking and freezing must be bit-identical (weights, reports, samples),
 * for per-tensor and per-channel, symmetric and asymmetric grids, EMA and current-code freezing.
 * Also checks the committed kernel binaries are what the .wat sources compile to.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadMnistNode } from '../../../src/data/node';
import { experimentSchema, type ExperimentInput } from '../../../src/experiment/schema';
import { useWasmBackend } from './helpers';
import { oscStep, oscStepAvailable } from '../../../src/tensor/kernels/oscStep';
import { WASM_KERNELS } from '../../../src/tensor/kernels/wasmModules';
import { oscillationPlugin } from '../../../src/train/oscController';
import { QuantTrainer } from '../../../src/train/trainer';

function experiment(quant: ExperimentInput['quant'], useEma: boolean) {
  return experimentSchema.parse({
    seed: 5,
    data: { trainSize: 512, testSize: 64 },
    model: { arch: 'mlp', hidden: [32] },
    quant,
    train: { optimizer: 'adam', lr: 3e-3, steps: 60, batchSize: 32, reportEvery: 10, evalEvery: 60 },
    oscillation: {
      track: true,
      trackAll: true,
      momentum: 0.1,
      reportThreshold: 0.02,
      freezeThreshold: 0.03,
      freezeUseEma: useEma,
      sampleWeights: 16,
    },
  });
}

async function train(exp: ReturnType<typeof experiment>, fused: boolean) {
  {
    const trainer = new QuantTrainer(exp, loadMnistNode(), {
      plugins: [oscillationPlugin],
      kernels: { oscStep: fused },
    });
    let reports: Awaited<ReturnType<QuantTrainer['run']>> = [];
    // Profiled so the test knows which path really ran.
    const profile = await tf.profile(async () => {
      reports = await trainer.run(exp.train.steps);
    });
    const fusedCalls = profile.kernels.filter((k) => k.name === 'QuantLabOscStep').length;
    const fakeQuantCalls = profile.kernels.filter((k) => k.name === 'QuantLabFakeQuant').length;
    const weights = await Promise.all(
      trainer.model.parameters().map(async (w) => Array.from(await w.data())),
    );
    const oscillation = trainer.result().oscillation;
    trainer.dispose();
    return {
      reports: reports.map((r) => ({ layers: r.layers, samples: r.samples })),
      weights,
      oscillation,
      fusedCalls,
      fakeQuantCalls,
    };
  }
}

describe('fused oscillation step (wasm)', () => {
  useWasmBackend();

  it('is available on wasm for sizes and channel counts that are multiples of 4', () => {
    expect(oscStepAvailable(784 * 32, 1)).toBe(true);
    expect(oscStepAvailable(32 * 10, 10)).toBe(false);
    expect(oscStepAvailable(30, 1)).toBe(false);
  });

  const cases: [string, ExperimentInput['quant'], boolean][] = [
    ['3-bit symmetric per-tensor, EMA codes', { weight: { bits: 3 }, act: { bits: 8 } }, true],
    [
      '4-bit asymmetric per-channel, current codes',
      { weight: { bits: 4, symmetric: false, perChannel: true }, act: { bits: 4 } },
      false,
    ],
  ];
  it.each(cases)(
    '%s: training is bit-identical to the op-by-op path',
    async (_name, quant, useEma) => {
      const exp = experiment(quant, useEma);
      const ops = await train(exp, false);
      const fused = await train(exp, true);
      expect(ops.fusedCalls).toBe(0);
      // At least fc1 every step (per-channel, fc2’s 10 channels take the op-by-op path).
      expect(fused.fusedCalls).toBeGreaterThanOrEqual(exp.train.steps);
      // Once freezing is on, the forward pass reuses the fused step's x̂ of the weight on steps
      // that froze nothing instead of fake-quantizing it again.
      expect(fused.fakeQuantCalls).toBeLessThan(ops.fakeQuantCalls);
      expect(ops.oscillation!.frozenFraction).toBeGreaterThan(0);
      expect(ops.reports.some((r) => r.layers.some((l) => (l.flips ?? 0) > 0))).toBe(true);
      expect(fused.reports).toEqual(ops.reports);
      expect(fused.oscillation).toEqual(ops.oscillation);
      expect(fused.weights).toEqual(ops.weights);
    },
    60_000,
  );

  it('a step that freezes nothing hands keep, codes and pinned back; one that freezes writes them; both give x̂', () => {
    const n = 64;
    const weight = tf.linspace(-1, 1, n);
    const state = {
      weight,
      scale: tf.tensor1d([0.25]),
      zeroPoint: tf.tensor1d([0]),
      keep: tf.tensor1d(Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : 1))),
      codes: tf.tensor1d(Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 2 : 0))),
      pinned: tf.tensor1d(Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0.5 : 0))),
      codeEma: tf.zeros([n]),
      prevCodes: tf.zeros([n]),
      lastDir: tf.zeros([n]),
      freq: tf.tensor1d(Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0.5 : 0))),
      flipTotal: tf.scalar(0, 'int32'),
      reversalTotal: tf.scalar(0, 'int32'),
      samples: null,
    };
    const params = {
      qmin: -8,
      qmax: 7,
      momentum: 0.1,
      trackerPrimed: true,
      freezerPrimed: false,
      useEma: false,
      dequantize: true,
    };
    const none = oscStep(state, { ...params, threshold: 0.9 });
    expect(none.froze).toBe(false);
    expect([none.keep, none.codes, none.pinned].map((t) => t.dataId)).toEqual(
      [state.keep, state.codes, state.pinned].map((t) => t.dataId),
    );
    // x̂ = (x_int − z)·s with x_int the codes the forward pass uses (frozen entries: their code).
    const codesNow = none.prevCodes.arraySync() as number[];
    expect(none.dequantized!.arraySync()).toEqual(codesNow.map((c) => Math.fround(c * 0.25)));
    expect(codesNow.filter((_c, i) => i % 5 === 0).every((c) => c === 2)).toBe(true);
    const some = oscStep(state, { ...params, threshold: 0.3 });
    expect(some.froze).toBe(true);
    expect(some.keep.dataId).not.toBe(state.keep.dataId);
    // The op path's rule: newly = [freq' > th]·keep; codes' = codes + newly·x; pinned' = pinned + newly·w.
    const freq = some.freq.arraySync() as number[];
    const [keep, codes, pinned, w, x] = [state.keep, state.codes, state.pinned, weight, some.prevCodes].map(
      (t) => t.arraySync() as number[],
    );
    const newly = freq.map((f, i) => (f > 0.3 ? keep[i] : 0));
    expect(newly.filter((v) => v === 1).length).toBeGreaterThan(5);
    expect(some.keep.arraySync()).toEqual(keep.map((k, i) => k - newly[i]));
    expect(some.codes.arraySync()).toEqual(codes.map((c, i) => Math.fround(c + newly[i] * x[i])));
    expect(some.pinned.arraySync()).toEqual(pinned.map((p, i) => Math.fround(p + newly[i] * w[i])));
    // x̂ under the new set: a newly frozen entry's code is its frozen code.
    const codesAfter = some.codes.arraySync() as number[];
    expect(some.dequantized!.arraySync()).toEqual(
      x.map((xi, i) => Math.fround((newly[i] ? codesAfter[i] : xi) * 0.25)),
    );
    tf.dispose([...Object.values(state).filter((t): t is tf.Tensor => t instanceof tf.Tensor)]);
    tf.dispose(
      [...Object.values(none), ...Object.values(some)].filter((t): t is tf.Tensor => t instanceof tf.Tensor),
    );
  });

  it('committed kernel binaries match the .wat sources', async () => {
    // @ts-expect-error plain .mjs build script without type declarations
    const { compileKernels } = await import('../../../scripts/build-kernels.mjs');
    expect(await compileKernels()).toEqual(WASM_KERNELS);
  });
});
