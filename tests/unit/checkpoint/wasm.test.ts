/**
 * On wasm (the runner's default), with the lab's fused kernels — fake quant, Adam with pins, the
 * oscillation step that hands x̂ to the quantizer — a checkpoint still round-trips bit-exactly.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelFromCheckpoint, parseCheckpointText, serializeCheckpoint } from '../../../src/checkpoint';
import { imageBatch } from '../../../src/data/batches';
import { loadMnistNode } from '../../../src/data/node';
import { forward } from '../../../src/models/forward';
import { initBackend } from '../../../src/tensor/backend';
import { createTrainer, type QuantTrainer } from '../../../src/train/trainer';
import { expectSameTensors, tinyMlp } from './setup';

const data = loadMnistNode();

beforeAll(async () => {
  expect(await initBackend('wasm')).toBe('wasm');
});

describe('checkpoints on wasm', () => {
  it('resume with the same losses (SGD) and load the same forward output', async () => {
    const exp = tinyMlp({ quant: { weight: { bits: 3, perChannel: true }, act: { bits: 4, range: 'ema' } } });
    const sgd = { ...exp, train: { ...exp.train, optimizer: 'sgd' as const } };
    const trainer = (await createTrainer(sgd, data)) as QuantTrainer;
    await trainer.run(10);
    const parsed = parseCheckpointText(serializeCheckpoint(await trainer.checkpoint()));
    if (!parsed.ok) throw new Error(parsed.error);
    const loaded = modelFromCheckpoint(parsed.value);
    if (!loaded.ok) throw new Error(loaded.error);
    const x = imageBatch(
      data.test,
      Int32Array.from({ length: 16 }, (_, i) => i),
    );
    const [a, b] = [trainer.model, loaded.model].map((m) => forward(m, x, { training: false }));
    expectSameTensors({ y: b }, { y: a });
    tf.dispose([x, a, b]);
    loaded.model.dispose();
    const resumed = await createTrainer(sgd, data, { from: { checkpoint: parsed.value } });
    const losses = async (t: { run(n: number): Promise<{ point: { loss: number } }[]> }) =>
      (await t.run(6)).map((r) => r.point.loss);
    expect(await losses(resumed)).toEqual(await losses(trainer));
    trainer.dispose();
    resumed.dispose();
  });
});
