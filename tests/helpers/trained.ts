/**
 * A small float MLP trained for a suite (cpu backend, real tfjs): `useTrainedFloatMlp` registers
 * the `beforeAll` that trains it and the `afterAll` that frees it, and returns its experiment, the
 * data and the trainer (valid inside the suite's tests).
 */
import { afterAll, beforeAll } from 'vitest';
import type { MnistData } from '../../src/data/mnist';
import { loadMnistNode } from '../../src/data/node';
import { type Experiment, experimentSchema } from '../../src/experiment/schema';
import { initBackend } from '../../src/tensor/backend';
import { createTrainer, type QuantTrainer } from '../../src/train/trainer';

export interface TrainedMlp {
  exp: Experiment;
  data: MnistData;
  trainer: () => QuantTrainer;
}

export function useTrainedFloatMlp(o: {
  hidden: number[];
  trainSize: number;
  testSize: number;
  steps: number;
}): TrainedMlp {
  const data = loadMnistNode();
  const exp = experimentSchema.parse({
    data: { trainSize: o.trainSize, testSize: o.testSize },
    model: { hidden: o.hidden },
    quant: { weight: { bits: 32 }, act: { bits: 32 } },
    train: { steps: o.steps, batchSize: 32, evalEvery: o.steps },
  });
  let trainer: QuantTrainer | undefined;
  beforeAll(async () => {
    await initBackend('cpu');
    trainer = (await createTrainer(exp, data)) as QuantTrainer;
    await trainer.run(o.steps);
  }, 60_000);
  afterAll(() => trainer?.dispose());
  return {
    exp,
    data,
    trainer: () => {
      if (!trainer) throw new Error('the trained MLP is only there inside the suite');
      return trainer;
    },
  };
}
