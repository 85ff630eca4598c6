/** Learning-rate schedules, optimizers (live learning rate), divergence wording and history capping. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/tensor/backend';
import { appendHistory, divergenceReason, MAX_HISTORY } from '../../../src/train/metrics';
import { createOptimizer } from '../../../src/train/optimizer';
import { learningRateAt } from '../../../src/train/schedule';
import type { HistoryPoint } from '../../../src/train/types';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('learningRateAt', () => {
  it('constant stays; cosine goes lr → lr/2 → 0', () => {
    const train = { lr: 0.1, steps: 100, schedule: 'cosine' as const };
    expect(learningRateAt({ ...train, schedule: 'constant' }, 50)).toBe(0.1);
    expect(learningRateAt(train, 0)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(train, 50)).toBeCloseTo(0.05, 12);
    expect(learningRateAt(train, 100)).toBeCloseTo(0, 12);
  });
});

describe('createOptimizer', () => {
  it.each(['sgd', 'momentum', 'adam'] as const)(
    '%s: a changed learning rate changes the next update',
    (name) => {
      const v = tf.variable(tf.scalar(1));
      const opt = createOptimizer(name, 0.1);
      const step = () => {
        const before = v.dataSync()[0];
        tf.tidy(() => {
          opt.optimizer.minimize(() => tf.mul(v, 1) as tf.Scalar, false, [v]);
        });
        return before - v.dataSync()[0];
      };
      const first = step();
      opt.setLearningRate(0);
      expect(step()).toBe(0);
      expect(first).toBeGreaterThan(0);
      opt.dispose();
      v.dispose();
    },
  );
});

describe('divergence and history', () => {
  it('words the reason with the step and the learning rate', () => {
    expect(divergenceReason(NaN, 140, 5)).toBe(
      'loss became NaN at step 140; lower the learning rate (now 5)',
    );
    expect(divergenceReason(Infinity, 3, 1)).toMatch(/infinite at step 3/);
    expect(divergenceReason(5e4, 3, 1)).toMatch(/exploded to 5.00e\+4 at step 3/);
    expect(divergenceReason(2.3, 3, 1)).toBeUndefined();
  });

  it('caps the history, keeping evaluations and the last point', () => {
    const history: HistoryPoint[] = [];
    for (let step = 1; step <= 3 * MAX_HISTORY; step += 1) {
      appendHistory(history, {
        step,
        loss: 1,
        trainAccuracy: 0,
        lr: 1,
        ...(step % 1000 === 0 ? { testAccuracy: 0.5 } : {}),
      });
    }
    expect(history.length).toBeLessThanOrEqual(MAX_HISTORY);
    expect(history.filter((p) => p.testAccuracy !== undefined).length).toBe(6);
    expect(history.at(-1)!.step).toBe(3 * MAX_HISTORY);
  });
});
