/**
 * The wasm backend (the lab's default) trains every architecture: stock tfjs-wasm 4.22 cannot
 * (no Conv2DBackpropFilter, no depthwise backprop), so this guards the op workarounds end to end.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnistNode } from '../../../src/data/node';
import { experimentSchema } from '../../../src/experiment/schema';
import { initBackend, selectOps } from '../../../src/tensor/backend';
import { createTrainer } from '../../../src/train/trainer';

const data = loadMnistNode();

beforeAll(async () => {
  expect(await initBackend('wasm')).toBe('wasm');
});

describe('training on wasm', () => {
  it('uses the workaround ops', () => {
    expect(selectOps().kind).toBe('fast');
  });

  it.each(['cnn', 'dscnn'] as const)('trains the %s: finite loss, weights move, no leaks', async (arch) => {
    const exp = experimentSchema.parse({
      model: { arch },
      data: { testSize: 64 },
      train: { steps: 6, batchSize: 16, reportEvery: 3, evalEvery: 6, lr: 3e-3 },
      bn: { reestimate: true, reestimateBatches: 2 },
    });
    const before = tf.memory().numTensors;
    const trainer = await createTrainer(exp, data);
    const model = (trainer as unknown as { model: { layers: { weight: tf.Variable }[] } }).model;
    const w0 = model.layers.map((l) => l.weight.dataSync().slice());
    const reports = await trainer.run(6);
    expect(trainer.status).toBe('completed');
    expect(reports.map((r) => Number.isFinite(r.point.loss))).toEqual([true, true]);
    // Every layer (the first conv's dW and the depthwise dW included) received a gradient.
    model.layers.forEach((l, i) => expect(l.weight.dataSync()).not.toEqual(w0[i]));
    expect(reports[1].point.testAccuracyBnReestimated).toBeGreaterThanOrEqual(0);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
