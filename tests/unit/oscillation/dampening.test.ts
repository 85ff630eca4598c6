import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  dampeningFromTargets,
  dampeningTargets,
  stopGradient,
  type DampeningTargets,
} from '../../../src/train/dampening';
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

/** Targets computed before the tape, as the trainer does (kept: the caller disposes them). */
function targetsFor(latent: tf.Tensor, scale: number[]): DampeningTargets {
  const codes = tf.tensor2d(CODES, [2, 2], 'int32');
  const s = tf.tensor1d(scale);
  const t = tf.tidy(() => {
    const r = dampeningTargets({ latent, codes, scale: s, qmin: -4, qmax: 3, channelAxis: 1 });
    return { target: r.target, inside: r.inside! };
  });
  tf.dispose([codes, s]);
  return t;
}

describe('dampening loss', () => {
  it('matches the hand-computed value and gradient', async () => {
    const w = tf.variable(tf.tensor2d(W));
    const targets = targetsFor(w, [0.25]);
    // The clipped entry (1.2 > .75) is outside the range: mask 0.
    expect(await values(tf.clone(targets.inside!))).toEqual([1, 1, 0, 1]);
    const { value, grads } = tf.tidy(() => tf.variableGrads(() => dampeningFromTargets(w, targets, 1), [w]));
    expect((await values(value))[0]).toBeCloseTo(0.00375, 7);
    const g = await values(grads[w.name]);
    [0.05, -0.05, 0, 0.05].forEach((want, i) => expect(g[i]).toBeCloseTo(want, 6));
    tf.dispose([w, targets.target, targets.inside!]);
  });

  it('equals (q − clip(w))² with clip by min/max, and broadcasts a per-channel scale', async () => {
    const w = tf.tensor2d(W);
    // Per-channel s = [.25, .25] must equal the per-tensor result.
    const targets = targetsFor(w, [0.25, 0.25]);
    const loss = tf.tidy(() => dampeningFromTargets(w, targets, 1));
    const direct = tf.tidy(() => {
      const clipped = tf.clipByValue(w, -1, 0.75);
      return tf.mean(tf.sum(tf.square(tf.sub(tf.mul(tf.tensor2d(CODES), 0.25), clipped)), 1));
    });
    expect((await values(loss))[0]).toBeCloseTo((await values(direct))[0], 7);
    tf.dispose([w, targets.target, targets.inside!]);
  });

  it('skips the mask when every weight is known to be inside the range', async () => {
    // Symmetric min-max: s = max|w|/p = .8/3 keeps every weight inside; with and without the mask agree.
    const w = tf.tensor2d([
      [0.3, -0.8],
      [0.6, 0.05],
    ]);
    const codes = tf.tidy(() => tf.round(tf.div(w, 0.8 / 3)));
    const base = { latent: w, codes, scale: tf.tensor1d([0.8 / 3]), qmin: -4, qmax: 3, channelAxis: 1 };
    const [masked, free] = tf.tidy(() => {
      const a = dampeningTargets(base);
      const b = dampeningTargets({ ...base, allInside: true });
      expect(b.inside).toBeNull();
      return [dampeningFromTargets(w, a, 1), dampeningFromTargets(w, b, 1)];
    });
    expect((await values(free))[0]).toBeCloseTo((await values(masked))[0], 9);
    tf.dispose([w, codes, base.scale]);
  });

  it('stopGradient is the identity forward and blocks the gradient', async () => {
    const x = tf.tensor1d([1, 2]);
    expect(await values(tf.tidy(() => stopGradient(x)))).toEqual([1, 2]);
    const g = tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(stopGradient(v), v)))(x));
    expect(await values(g)).toEqual([1, 2]);
    x.dispose();
  });
});
