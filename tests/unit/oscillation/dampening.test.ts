import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dampeningLoss, layerDampeningLoss, stopGradient, withDampening } from '../../../src/train/dampening';
import { useCpu, values } from './setup';

beforeAll(useCpu);

/**
 * Dense weight [in = 2, out = 2], s = 0.25, 3-bit signed grid n = −4, p = 3 (clip range [−1, .75]).
 *   w      = [[ .3, −.8], [1.2, .05]]
 *   w/s    = [[1.2, −3.2], [4.8, .2]] → codes [[1, −3], [3 (clamped), 0]]
 *   q(w)   = [[.25, −.75], [.75, 0]]
 *   clip w = [[ .3, −.8], [.75, .05]]
 *   err²   = [[.0025, .0025], [0, .0025]]
 * kernel_mean: sum over the output-channel axis (1) → [.005, .0025], mean → .00375.
 * Gradient: −2(q − w)/2 (the mean over 2 rows) inside the clip range, 0 for the clipped entry:
 *   [[.05, −.05], [0, .05]].
 */
const W = [
  [0.3, -0.8],
  [1.2, 0.05],
];
const CODES = [
  [1, -3],
  [3, 0],
];

function input(latent: tf.Tensor, scale = tf.tensor1d([0.25])) {
  return { latent, codes: tf.tensor2d(CODES, [2, 2], 'int32'), scale, qmin: -4, qmax: 3, channelAxis: 1 };
}

describe('dampening loss', () => {
  it('matches the hand-computed value and gradient', async () => {
    const w = tf.variable(tf.tensor2d(W));
    const loss = tf.tidy(() => layerDampeningLoss(input(w)));
    expect((await values(loss))[0]).toBeCloseTo(0.00375, 7);
    const grad = tf.tidy(() => tf.grad((x: tf.Tensor) => layerDampeningLoss(input(x)))(w));
    const g = await values(grad);
    [0.05, -0.05, 0, 0.05].forEach((want, i) => expect(g[i]).toBeCloseTo(want, 6));
    w.dispose();
  });

  it('broadcasts a per-channel scale along the channel axis', async () => {
    // Per-channel s = [.25, .25] must equal the per-tensor result.
    const w = tf.tensor2d(W);
    const loss = tf.tidy(() => layerDampeningLoss(input(w, tf.tensor1d([0.25, 0.25]))));
    expect((await values(loss))[0]).toBeCloseTo(0.00375, 7);
    // Two layers add up; λ scales; λ = 0 returns the task loss untouched.
    const total = tf.tidy(() => withDampening(tf.scalar(1), 2, () => [input(w), input(w)]));
    expect((await values(total))[0]).toBeCloseTo(1 + 2 * 2 * 0.00375, 6);
    const task = tf.scalar(1);
    expect(withDampening(task, 0, () => [])).toBe(task);
    expect(await values(tf.tidy(() => dampeningLoss([])))).toEqual([0]);
    task.dispose();
    w.dispose();
  });

  it('stopGradient is the identity forward and blocks the gradient', async () => {
    const x = tf.tensor1d([1, 2]);
    expect(await values(tf.tidy(() => stopGradient(x)))).toEqual([1, 2]);
    const g = tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(stopGradient(v), v)))(x));
    expect(await values(g)).toEqual([1, 2]);
    x.dispose();
  });
});
