/** Post-training quantization of a model trained here (a small MLP on the cpu backend). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnistNode } from '../../../src/data/node';
import { experimentSchema, type Experiment } from '../../../src/experiment/schema';
import { NoBatchNormError } from '../../../src/ptq/distill';
import { runPtq } from '../../../src/ptq/run';
import { initBackend } from '../../../src/tensor/backend';
import { createTrainer, type QuantTrainer } from '../../../src/train/trainer';

const data = loadMnistNode();
const base = {
  data: { trainSize: 2000, testSize: 500 },
  model: { hidden: [64] },
  train: { steps: 200, batchSize: 32, evalEvery: 200 },
};
const at = (w: number, a: number, perChannel = false): Experiment =>
  experimentSchema.parse({
    ...base,
    quant: { weight: { bits: w, perChannel }, act: { bits: a, range: 'minmax' } },
  });

let trainer: QuantTrainer;

beforeAll(async () => {
  await initBackend('cpu');
  trainer = (await createTrainer(at(32, 32), data)) as QuantTrainer;
  await trainer.run(200);
});
afterAll(() => trainer.dispose());

describe('runPtq', () => {
  it('W8A8 keeps the float accuracy; 2-bit weights lose it', async () => {
    const w8 = await runPtq(trainer.model, at(8, 8), data);
    const w2 = await runPtq(trainer.model, at(2, 8), data);
    expect(w8.ptq.floatTestAccuracy).toBeGreaterThan(0.8);
    expect(Math.abs(w8.testAccuracy - w8.ptq.floatTestAccuracy)).toBeLessThan(0.015);
    expect(w2.testAccuracy).toBeLessThan(w8.testAccuracy);
    expect(w8.ptq.layers.map((l) => l.name)).toEqual(['fc1', 'fc2']);
    expect(w8.ptq.options.calibSize).toBe(256);
  });

  it('refuses distilled calibration on a model without batch norm', async () => {
    await expect(runPtq(trainer.model, at(8, 8), data, { calibData: 'distilled' })).rejects.toThrow(
      NoBatchNormError,
    );
  });
});
