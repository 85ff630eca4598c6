/**
 * The copy-free Identity of src/tensor/kernels/identity.ts on wasm: a clone shares its input's
 * data, outlives it, and counts as a tensor of its own; MLP and CNN training (whose saved tensors
 * go through it) are bit-identical to the stock copying kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadMnistNode } from '../../../src/data/node';
import { experimentSchema } from '../../../src/experiment/schema';
import { useWasmBackend } from './helpers';
import { IDENTITY_SHARING } from '../../../src/tensor/kernels/identity';
import { QuantTrainer } from '../../../src/train/trainer';

async function train(arch: 'mlp' | 'cnn', sharing: boolean) {
  IDENTITY_SHARING.enabled = sharing;
  try {
    const exp = experimentSchema.parse({
      seed: 2,
      data: { trainSize: 256, testSize: 64 },
      model: { arch, hidden: [32] },
      quant: { weight: { bits: 4 }, act: { bits: 4 } },
      train: { optimizer: 'adam', lr: 3e-3, steps: 6, batchSize: 16, reportEvery: 3, evalEvery: 6 },
    });
    const trainer = new QuantTrainer(exp, loadMnistNode());
    const reports = await trainer.run(exp.train.steps);
    const weights = await Promise.all(
      trainer.model.parameters().map(async (w) => Array.from(await w.data())),
    );
    trainer.dispose();
    return { points: reports.map((r) => r.point), weights };
  } finally {
    IDENTITY_SHARING.enabled = true;
  }
}

describe('copy-free Identity (wasm)', () => {
  useWasmBackend();

  it('a clone shares the data, survives its input and is counted', async () => {
    const x = tf.tensor([1, 2, 3, 4]);
    const n = tf.memory().numTensors;
    const y = tf.clone(x);
    expect(tf.memory().numTensors).toBe(n + 1);
    expect(y.dataId).toBe(x.dataId);
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(n - 1);
  });

  it.each(['mlp', 'cnn'] as const)(
    '%s training is bit-identical to the copying Identity',
    async (arch) => {
      const copying = await train(arch, false);
      const sharing = await train(arch, true);
      expect(sharing.points).toEqual(copying.points);
      expect(sharing.weights).toEqual(copying.weights);
    },
    60_000,
  );
});
