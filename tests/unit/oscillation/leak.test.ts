import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dampeningFromTargets, dampeningTargets, stopGradient } from '../../../src/train/dampening';
import { WeightFreezer } from '../../../src/train/freezing';
import { OscillationTracker, frequencyEdges, gatherSamples } from '../../../src/train/oscillation';
import { twinMetricsTensor } from '../../../src/train/twin';
import { useCpu } from './setup';

beforeAll(useCpu);

describe('oscillation machinery keeps the tensor count constant', () => {
  it('over many training steps with dampening, tracking, freezing and reports', async () => {
    const shape = [3, 3, 2, 4];
    const s = 0.1;
    const w = tf.variable(tf.randomNormal(shape, 0, 0.2, 'float32', 7));
    const twin = tf.variable(tf.randomNormal(shape, 0, 0.2, 'float32', 7));
    const target = tf.randomNormal(shape, 0, 0.2, 'float32', 8);
    const scale = tf.tensor1d([s]);
    const idx = tf.tensor1d([0, 5, 17], 'int32');
    const tracker = new OscillationTracker(shape, 0.05, [0, 5, 17]);
    const freezer = new WeightFreezer(shape, { momentum: 0.05, useEma: true });
    const opt = tf.train.adam(0.05);
    const codesOf = (x: tf.Tensor) => tf.clipByValue(tf.round(tf.div(x, s)), -4, 3);

    const step = async (i: number) => {
      tf.tidy(() => {
        // As the trainer does: dampening targets before the tape, the loss inside it.
        const codes = freezer.effectiveCodes(codesOf(w));
        const targets = dampeningTargets({ latent: w, codes, scale, qmin: -4, qmax: 3, channelAxis: 3 });
        const cost = opt.minimize(
          () => {
            const q = tf.add(w, stopGradient(tf.sub(tf.mul(codesOf(w), s), w)));
            const task = tf.sum(tf.square(tf.sub(q, target)));
            return tf.add(task, tf.mul(dampeningFromTargets(w, targets, 3), 0.1)) as tf.Scalar;
          },
          true,
          [w],
        );
        cost?.dispose();
      });
      freezer.restore(w);
      tf.tidy(() => {
        const eff = freezer.effectiveCodes(codesOf(w));
        tracker.update(eff);
        freezer.update(tracker.frequency, eff, w, i > 5 ? 0.05 : null);
      });
      if (i % 10 === 0) {
        const report = tf.tidy(() =>
          tf.concat([
            tracker.statsTensor(0.02),
            tf.reshape(freezer.frozenFractionTensor(), [1]),
            tracker.histogramTensor(frequencyEdges(0.2)),
            tf.reshape(gatherSamples(idx, [w, freezer.effectiveCodes(codesOf(w))]), [-1]),
            tracker.sampleFlips!,
            twinMetricsTensor(
              { latents: [w], codes: [codesOf(w)] },
              { latents: [twin], codes: [codesOf(twin)] },
            ),
          ]),
        );
        await report.data();
        report.dispose();
      }
    };

    for (let i = 0; i < 3; i++) await step(i);
    const before = tf.memory().numTensors;
    for (let i = 3; i < 60; i++) await step(i);
    expect(tf.memory().numTensors).toBe(before);

    for (const t of [w, twin, target, scale, idx]) t.dispose();
    tracker.dispose();
    freezer.dispose();
    opt.dispose();
  });
});
