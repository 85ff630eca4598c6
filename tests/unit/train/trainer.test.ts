/**
 * The training loop on the cpu backend with small models: determinism, constant tensor count,
 * divergence stop, live updates, evaluation with BN re-estimation, weight export.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnistNode } from '../../../src/data/node';
import { experimentSchema, type Experiment, type ExperimentInput } from '../../../src/experiment/schema';
import { initBackend } from '../../../src/tensor/backend';
import { runExperiment } from '../../../src/train/run';
import { createTrainer } from '../../../src/train/trainer';

const data = loadMnistNode();

/** A small, fast experiment (tiny MLP, small batches and splits). */
function small(input: ExperimentInput = {}): Experiment {
  return experimentSchema.parse({
    ...input,
    data: { trainSize: 512, testSize: 128, ...input.data },
    model: { hidden: [32], ...input.model },
    train: { steps: 30, batchSize: 16, reportEvery: 5, evalEvery: 15, ...input.train },
  });
}

beforeAll(async () => {
  await initBackend('cpu');
});

describe('trainer', () => {
  it('is deterministic: the same experiment twice gives the identical history', async () => {
    const exp = small({
      model: { arch: 'cnn', widthMultiplier: 0.25 },
      train: { steps: 10, batchSize: 8, evalEvery: 10 },
    });
    const a = await runExperiment(exp, data);
    const b = await runExperiment(exp, data);
    expect(a.history.length).toBe(2);
    expect(b.history).toEqual(a.history);
    expect(a.status).toBe('completed');
    const other = await runExperiment({ ...exp, seed: 2 }, data);
    expect(other.history).not.toEqual(a.history);
  });

  it('learns: a small MLP beats chance within 60 steps', async () => {
    const result = await runExperiment(small({ train: { steps: 60, lr: 3e-3 } }), data);
    expect(result.testAccuracy).toBeGreaterThan(0.5);
    expect(result.history.at(-1)!.testAccuracy).toBe(result.testAccuracy);
    expect(result.backend).toBe('cpu');
    expect(result.stepsPerSec).toBeGreaterThan(0);
  });

  it('keeps tf.memory().numTensors constant over 200 steps (reports and evaluations included)', async () => {
    const before = tf.memory().numTensors;
    const trainer = await createTrainer(small({ train: { steps: 300, batchSize: 8, evalEvery: 50 } }), data);
    await trainer.run(10); // the optimizer creates its slot variables on the first step
    const warm = tf.memory().numTensors;
    const reports = await trainer.run(200);
    expect(reports.length).toBe(40);
    expect(tf.memory().numTensors).toBe(warm);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('does not leak with BN, QuantNorm, LSQ, momentum and BN re-estimation', async () => {
    const exp = small({
      model: { arch: 'dscnn', widthMultiplier: 0.25 },
      quant: { quantNorm: true, weight: { range: 'lsq', perChannel: true } },
      train: { optimizer: 'momentum', steps: 20, batchSize: 4, evalEvery: 10, weightDecay: 1e-4 },
      data: { testSize: 64 },
      bn: { reestimate: true, reestimateBatches: 2 },
    });
    const before = tf.memory().numTensors;
    const trainer = await createTrainer(exp, data);
    await trainer.run(10);
    const warm = tf.memory().numTensors;
    await trainer.run(10);
    expect(tf.memory().numTensors).toBe(warm);
    const point = await trainer.evaluate();
    expect(point.testAccuracyBnReestimated).toBeGreaterThanOrEqual(0);
    expect(tf.memory().numTensors).toBe(warm);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops a diverging run with a reason that names the step and the learning rate', async () => {
    const result = await runExperiment(
      small({ quant: { weight: { bits: 32 }, act: { bits: 32 } }, train: { lr: 100, steps: 50 } }),
      data,
    );
    expect(result.status).toBe('diverged');
    expect(result.reason).toMatch(
      /^loss (became NaN|became infinite|exploded to \S+) at step \d+( \(limit \d+\))?; lower the learning rate \(now 100\)$/,
    );
    expect(result.history.length).toBeLessThan(10);
  });

  it('applies live changes: lr, bits and steps; refuses model or seed changes', async () => {
    const exp = small({ train: { steps: 20, schedule: 'constant' } });
    const trainer = await createTrainer(exp, data);
    await trainer.run(5);
    expect(trainer.update({ ...exp, seed: 9 })).toBe(false);
    expect(trainer.update({ ...exp, model: { ...exp.model, hidden: [8] } })).toBe(false);
    const next = {
      ...exp,
      quant: { ...exp.quant, weight: { ...exp.quant.weight, bits: 2 } },
      train: { ...exp.train, lr: 0.01, steps: 10 },
    };
    expect(trainer.update(next)).toBe(true);
    expect(trainer.experiment.quant.weight.bits).toBe(2);
    const reports = await trainer.run(100);
    expect(reports.at(-1)!.point.lr).toBe(0.01);
    expect(trainer.stepsDone).toBe(10);
    expect(trainer.status).toBe('completed');
    trainer.dispose();
  });

  it('exports integer codes within the grid and matching scales', async () => {
    const trainer = await createTrainer(small({ quant: { weight: { bits: 3, perChannel: true } } }), data);
    await trainer.run(3);
    const weights = await trainer.weights();
    const fc1 = weights.fc1;
    expect(fc1.shape).toEqual([784, 32]);
    expect(fc1.codes.length).toBe(784 * 32);
    expect(fc1.scale.length).toBe(32);
    expect(Math.min(...fc1.codes)).toBeGreaterThanOrEqual(-4);
    expect(Math.max(...fc1.codes)).toBeLessThanOrEqual(3);
    trainer.dispose();
  });
});
