import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnistNode } from '../../../src/data/node';
import { experimentSchema, type ExperimentInput } from '../../../src/experiment/schema';
import { createQuantizer } from '../../../src/quant/quantizer';
import { oscillationPlugin } from '../../../src/train/oscController';
import { QuantTrainer, createTrainer } from '../../../src/train/trainer';
import type { Trainer } from '../../../src/train/types';
import { useCpu } from './setup';

beforeAll(useCpu);

/** A tiny 3-bit MLP run with every oscillation feature on: fast on the cpu backend. */
function tinyExperiment(extra: ExperimentInput = {}) {
  return experimentSchema.parse({
    seed: 3,
    data: { trainSize: 256, testSize: 64 },
    model: { arch: 'mlp', hidden: [16] },
    quant: { weight: { bits: 3 }, act: { bits: 8 } },
    train: { optimizer: 'sgd', lr: 0.1, steps: 40, batchSize: 16, reportEvery: 5, evalEvery: 20 },
    oscillation: {
      momentum: 0.2,
      reportThreshold: 0.05,
      dampening: 0.5,
      freezeThreshold: 0.05,
      sampleWeights: 32,
    },
    ...extra,
  });
}

/**
 * Runs `trainer` in chunks and checks the tensor count stays put after a warm-up past 25% of
 * training (freezing starts there, and the quantizer creates its freeze variables on first use).
 */
async function runWithoutLeak(trainer: Trainer, chunk: number) {
  const reports = [...(await trainer.run(15))];
  const before = tf.memory().numTensors;
  while (!trainer.done) reports.push(...(await trainer.run(chunk)));
  expect(tf.memory().numTensors, 'tensors leaked').toBe(before);
  return reports;
}

describe('oscillation plugin in the trainer', () => {
  it('tracks, dampens, freezes and reports without leaking', async () => {
    const data = loadMnistNode();
    const trainer = new QuantTrainer(tinyExperiment(), data, { plugins: [oscillationPlugin] });
    const reports = await runWithoutLeak(trainer, 5);
    const last = reports[reports.length - 1];
    const fc1 = last.layers.find((l) => l.name === 'fc1')!;
    expect(fc1.oscillatingFraction).toBeGreaterThanOrEqual(0);
    expect(fc1.flips).toBeGreaterThan(0);
    expect(last.samples.length).toBe(64); // 32 per tracked layer, fc1 and fc2
    expect(last.frequencyHistogram!.counts.reduce((a, b) => a + b, 0)).toBe(784 * 16 + 16 * 10);
    // A sampled weight, once frozen, keeps its latent value and code in every later report.
    const key = (x: { layer: string; index: number }) => `${x.layer}/${x.index}`;
    const firstFrozen = new Map<string, { latent: number; code: number }>();
    for (const r of reports) {
      for (const smp of r.samples) {
        const seen = firstFrozen.get(key(smp));
        if (seen)
          expect({ frozen: smp.frozen, latent: smp.latent, code: smp.code }).toEqual({
            frozen: true,
            ...seen,
          });
        else if (smp.frozen) firstFrozen.set(key(smp), { latent: smp.latent, code: smp.code });
      }
    }
    expect(firstFrozen.size).toBeGreaterThan(0);
    const result = trainer.result();
    expect(result.oscillation!.history.length).toBe(reports.length);
    expect(Object.keys(result.oscillation!.layers)).toEqual(['fc1', 'fc2']);
    expect(result.oscillation!.frozenFraction).toBeGreaterThan(0);
    trainer.dispose();
  });

  it('sharing the frozen set by reference trains exactly like copying it every step', async () => {
    const data = loadMnistNode();
    const copying = new QuantTrainer(tinyExperiment(), data, {
      plugins: [oscillationPlugin],
      // Without shareFrozen the hooks fall back to freeze(), a copy per step.
      createQuantizer: (opts) => ({ ...createQuantizer(opts), shareFrozen: undefined }),
    });
    const sharing = new QuantTrainer(tinyExperiment(), data, { plugins: [oscillationPlugin] });
    const [a, b] = [await copying.run(40), await sharing.run(40)];
    expect(b.map((r) => r.samples)).toEqual(a.map((r) => r.samples));
    expect(sharing.result().oscillation!.frozenFraction).toBeGreaterThan(0);
    for (const [i, w] of sharing.model.parameters().entries()) {
      expect(Array.from(await w.data())).toEqual(Array.from(await copying.model.parameters()[i].data()));
    }
    copying.dispose();
    sharing.dispose();
  });

  it('runs SGD twins with the mapping in lockstep without leaking', async () => {
    const data = loadMnistNode();
    const exp = tinyExperiment({
      twin: { estimator: { name: 'cosine', param: 0.5 }, map: true, compareEvery: 5 },
    });
    // Through the public entry point: createTrainer builds the twin pair with the default plugins.
    const trainer = await createTrainer(exp, data);
    const reports = await runWithoutLeak(trainer, 7);
    expect(reports.filter((r) => r.twin).length).toBe(8);
    const result = trainer.result();
    expect(result.twin!.alpha).toBeCloseTo(Math.sqrt(0.75), 3);
    expect(result.twin!.history.map((p) => p.step)).toEqual([5, 10, 15, 20, 25, 30, 35, 40]);
    expect(result.twin!.agreement).toBeGreaterThan(0.5);
    expect(result.twin!.history.find((p) => p.step === 20)!.accuracyGap).toBeDefined();
    trainer.dispose();
  });
});
