import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  OscillationTracker,
  frequencyEdges,
  gatherSamples,
  pickSampleIndices,
} from '../../../src/train/oscillation';
import { useCpu, values } from './setup';

beforeAll(useCpu);

/**
 * Three weights, seven steps of integer codes (columns = weights A, B, C):
 * A oscillates 0,1,0,1 then pauses and steps on; B never moves; C climbs, then reverses twice,
 * the last time by a jump of 4 (a jump keeps its sign).
 */
const CODES = [
  [0, 2, 0],
  [1, 2, 1],
  [0, 2, 2],
  [1, 2, 3],
  [1, 2, 2],
  [2, 2, 3],
  [1, 2, -1],
];

/**
 * Expected f after each step with m = 0.5 (f = 0.5·osc + 0.5·f):
 * A: −, 0 (first change), .5 (reversal), .75 (reversal), .375 (no change), .1875 (same direction), .59375 (reversal)
 * B: always 0
 * C: −, 0, 0, 0 (same direction), .5, .75, .875
 */
const EXPECTED_F = [
  [0, 0, 0],
  [0, 0, 0],
  [0.5, 0, 0],
  [0.75, 0, 0],
  [0.375, 0, 0.5],
  [0.1875, 0, 0.75],
  [0.59375, 0, 0.875],
];

describe('OscillationTracker', () => {
  it('follows the EMA of reversals on a hand-written code sequence', async () => {
    const tracker = new OscillationTracker([3], 0.5, [0, 1, 2]);
    for (let step = 0; step < CODES.length; step++) {
      tf.tidy(() => tracker.update(tf.tensor1d(CODES[step], 'int32')));
      const f = await tracker.frequency.data();
      EXPECTED_F[step].forEach((want, i) => expect(f[i]).toBeCloseTo(want, 6));
    }
    // A: flips at steps 1,2,3,5,6 (5), reversals at 2,3,6 (3); C: 6 flips, 3 reversals.
    expect(Array.from(await tracker.sampleFlips!.data())).toEqual([5, 0, 6]);

    const stats = await tracker.readStats(0.5);
    expect(stats.oscillatingFraction).toBeCloseTo(2 / 3, 6);
    expect(stats.meanFrequency).toBeCloseTo((0.59375 + 0.875) / 3, 6);
    expect(stats.flips).toBe(11);
    expect(stats.reversals).toBe(6);

    // Edges 0, .25, .5, .75, 1: A (.59) → bin 2, B (0) → bin 0, C (.875) → bin 3.
    expect(await values(tracker.histogramTensor(frequencyEdges(1, 4)))).toEqual([1, 0, 1, 1]);
    tracker.dispose();
  });

  it('counts nothing on the first update and after reset', async () => {
    const tracker = new OscillationTracker([2], 0.1, [1, 0]);
    tf.tidy(() => tracker.update(tf.tensor1d([3, -2])));
    expect(Array.from(await tracker.sampleFlips!.data())).toEqual([0, 0]);
    tf.tidy(() => tracker.update(tf.tensor1d([2, -2])));
    // Sample order follows the indices given: [entry 1, entry 0].
    expect(Array.from(await tracker.sampleFlips!.data())).toEqual([0, 1]);
    expect((await tracker.readStats(0.5)).flips).toBe(1);
    tracker.reset();
    tf.tidy(() => tracker.update(tf.tensor1d([0, 0])));
    expect(Array.from(await tracker.sampleFlips!.data())).toEqual([0, 0]);
    tracker.dispose();
  });

  it('picks seeded, distinct, sorted sample indices and gathers them', async () => {
    const a = pickSampleIndices(1000, 8, 'seed-1/conv1');
    expect(a).toEqual(pickSampleIndices(1000, 8, 'seed-1/conv1'));
    expect(new Set(a).size).toBe(8);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(a.every((i) => i >= 0 && i < 1000)).toBe(true);
    expect(pickSampleIndices(3, 8, 1)).toEqual([0, 1, 2]);

    const idx = tf.tensor1d([0, 3], 'int32');
    const g = gatherSamples(idx, [
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      tf.tensor1d([5, 6, 7, 8], 'int32'),
    ]);
    expect(g.shape).toEqual([2, 2]);
    expect(await values(g)).toEqual([1, 4, 5, 8]);
    idx.dispose();
  });
});
