/**
 * Checkpoints round-trip bit-exactly: every variable, every quantizer's state and the oscillation
 * controller's, the forward output, and training continued from a checkpoint.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeCheckpointTensors,
  modelFromCheckpoint,
  modelState,
  parseCheckpointText,
  serializeCheckpoint,
  type Checkpoint,
} from '../../../src/checkpoint';
import { imageBatch } from '../../../src/data/batches';
import { loadMnistNode } from '../../../src/data/node';
import type { Experiment } from '../../../src/experiment/schema';
import { forward } from '../../../src/models/forward';
import { ptqLayersOf, disposePtqLayers } from '../../../src/ptq/extract';
import { initBackend } from '../../../src/tensor/backend';
import { createTrainer, type QuantTrainer } from '../../../src/train/trainer';
import { expectNoLeak } from '../../helpers/tf';
import { expectSameTensors, tinyCnn, tinyMlp } from './setup';

const data = loadMnistNode();

beforeAll(async () => {
  await initBackend('cpu');
});

/** A trainer of `exp` after `steps` steps, and its checkpoint through the file text. */
async function trained(exp: Experiment, steps: number): Promise<{ trainer: QuantTrainer; ckpt: Checkpoint }> {
  const trainer = (await createTrainer(exp, data)) as QuantTrainer;
  await trainer.run(steps);
  const parsed = parseCheckpointText(serializeCheckpoint(await trainer.checkpoint()));
  if (!parsed.ok) throw new Error(parsed.error);
  return { trainer, ckpt: parsed.value };
}

/** The losses of the next `n` steps. */
async function losses(trainer: { run(n: number): Promise<{ point: { loss: number } }[]> }, n: number) {
  return (await trainer.run(n)).map((r) => r.point.loss);
}

describe.each([
  ['MLP (min-max weights, EMA activations)', tinyMlp()],
  ['CNN (BN, QuantNorm, per-channel LSQ weights)', tinyCnn()],
])('a checkpoint of a %s', (_label, exp) => {
  it('holds every tensor bit for bit and gives the same forward output', async () => {
    const { trainer, ckpt } = await trained(exp, 12);
    expect(ckpt.stepsDone).toBe(12);
    expect(ckpt.experiment).toEqual(exp);
    const loaded = modelFromCheckpoint(ckpt);
    if (!loaded.ok) throw new Error(loaded.error);
    expect(loaded.fresh).toEqual([]);
    const [was, now] = [modelState(trainer.model), modelState(loaded.model)];
    expectSameTensors(now, was);
    // The run froze weights and tracked them: the checkpoint holds that state too.
    const saved = decodeCheckpointTensors(ckpt);
    const keeps = Object.keys(saved).filter((name) => name.endsWith('/osc/freezer/keep'));
    expect(keeps.length).toBeGreaterThan(0);
    expect(keeps.flatMap((name) => Array.from(saved[name].dataSync()))).toContain(0);
    const first = trainer.model.layers[0].spec.name;
    expect(saved[`${first}/osc/tracker/primed`].dataSync()[0]).toBe(1);
    const x = imageBatch(
      data.test,
      Int32Array.from({ length: 16 }, (_, i) => i),
    );
    const [a, b] = [trainer.model, loaded.model].map((m) => forward(m, x, { training: false }));
    expectSameTensors({ y: b }, { y: a });
    tf.dispose([x, a, b, ...Object.values(was), ...Object.values(now), ...Object.values(saved)]);
    loaded.model.dispose();
    trainer.dispose();
  });

  it('continues training as the original trainer does (SGD keeps no optimizer state)', async () => {
    const sgd = { ...exp, train: { ...exp.train, optimizer: 'sgd' as const } };
    const { trainer, ckpt } = await trained(sgd, 10);
    const resumed = (await createTrainer(sgd, data, { from: { checkpoint: ckpt } })) as QuantTrainer;
    expect(resumed.stepsDone).toBe(10);
    // Saving the resumed trainer gives back the same tensors, oscillation state included.
    const again = parseCheckpointText(serializeCheckpoint(await resumed.checkpoint()));
    expect(again.ok && again.value.weightSpecs).toEqual(ckpt.weightSpecs);
    expect(again.ok && new Uint8Array(again.value.weightData)).toEqual(new Uint8Array(ckpt.weightData));
    const next = await losses(trainer, 6);
    expect(await losses(resumed, 6)).toEqual(next);
    const [a, b] = [modelState(trainer.model), modelState(resumed.model)];
    expectSameTensors(b, a);
    tf.dispose([...Object.values(a), ...Object.values(b)]);
    trainer.dispose();
    resumed.dispose();
  });
});

describe('resuming and fine-tuning', () => {
  it('with Adam, the next step’s loss is the original’s (its moments restart at zero after)', async () => {
    const { trainer, ckpt } = await trained(tinyMlp(), 8);
    const resumed = await createTrainer(ckpt.experiment, data, { from: { checkpoint: ckpt } });
    expect(await losses(resumed, 1)).toEqual(await losses(trainer, 1));
    trainer.dispose();
    resumed.dispose();
  });

  it('fine-tunes a float model at 4 bits: its weights, steps from 0, fresh quantizers', async () => {
    const float = tinyMlp({ quant: { weight: { bits: 32 }, act: { bits: 32 } } });
    const { trainer, ckpt } = await trained(float, 6);
    const w4 = tinyMlp({ quant: { weight: { bits: 4 }, act: { bits: 4 } } });
    const loaded = modelFromCheckpoint(ckpt, { experiment: w4 });
    if (!loaded.ok) throw new Error(loaded.error);
    expect(loaded.fresh).toEqual(['fc1/quant/weight', 'fc1/quant/act', 'fc2/quant/weight', 'fc2/quant/act']);
    loaded.model.dispose();
    const tuned = (await createTrainer(w4, data, {
      from: { checkpoint: ckpt, finetune: true },
    })) as QuantTrainer;
    expect(tuned.stepsDone).toBe(0);
    expect(tuned.model.layers[0].quantizers.weight.grid.bits).toBe(4);
    const [a, b] = [trainer.model, tuned.model].map((m) => m.layers[0].weight);
    expectSameTensors({ w: b }, { w: a });
    await tuned.run(3);
    expect(tuned.stepsDone).toBe(3);
    trainer.dispose();
    tuned.dispose();
  });

  it('gives the post-training code the trained model', async () => {
    const { trainer, ckpt } = await trained(tinyCnn(), 4);
    const loaded = modelFromCheckpoint(ckpt);
    if (!loaded.ok) throw new Error(loaded.error);
    const [a, b] = [ptqLayersOf(trainer.model), ptqLayersOf(loaded.model)];
    a.forEach((l, i) => expectSameTensors({ w: b[i].weight, b: b[i].bias }, { w: l.weight, b: l.bias }));
    disposePtqLayers(a);
    disposePtqLayers(b);
    loaded.model.dispose();
    trainer.dispose();
  });

  it('leaks no tensors when writing and loading', async () => {
    const { trainer, ckpt } = await trained(tinyCnn(), 2);
    await expectNoLeak(async () => {
      await trainer.checkpoint();
      const loaded = modelFromCheckpoint(ckpt);
      if (loaded.ok) loaded.model.dispose();
      const resumed = await createTrainer(ckpt.experiment, data, { from: { checkpoint: ckpt } });
      resumed.dispose();
    });
    trainer.dispose();
  });
});
