import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { stopGradient } from '../../../src/train/dampening';
import { WeightFreezer } from '../../../src/train/freezing';
import { useCpu, values } from './setup';

beforeAll(useCpu);

const SCALE = 0.25;

/** Forward pass of a 1-D toy with the freeze hook: frozen entries use their code, others round(w/s). */
function quantized(w: tf.Tensor, freezer: WeightFreezer): tf.Tensor {
  const ste = tf.add(w, stopGradient(tf.sub(tf.mul(tf.round(tf.div(w, SCALE)), SCALE), w)));
  const { keep, codes } = freezer.state;
  // Frozen entries: a constant (no gradient), like the quantizer's freeze hook.
  return tf.add(tf.mul(ste, keep), tf.mul(codes, SCALE));
}

/** Trains w toward `target` with `optimizer`; freezes entries 0 and 2 after `freezeAt` steps. */
async function trainWithFreezing(
  optimizer: tf.Optimizer,
): Promise<{ before: number[]; after: number[]; history: number[][] }> {
  const w = tf.variable(tf.tensor1d([0.1, -0.3, 0.6, 0.2]));
  const target = tf.tensor1d([1, -1, -1, 1]);
  const freezer = new WeightFreezer([4], { momentum: 0.1, useEma: false });
  const freq = tf.tensor1d([0.5, 0, 0.5, 0]);
  const step = () => {
    const cost = optimizer.minimize(
      () => tf.sum(tf.square(tf.sub(quantized(w, freezer), target))) as tf.Scalar,
      true,
      [w],
    );
    cost?.dispose();
    freezer.restore(w);
  };
  // Build up optimizer momentum first, so frozen entries would keep moving without restore().
  for (let i = 0; i < 5; i++) step();
  tf.tidy(() => freezer.update(freq, tf.round(tf.div(w, SCALE)), w, 0.1));
  const before = Array.from(await w.data());
  const history: number[][] = [];
  for (let i = 0; i < 20; i++) {
    step();
    history.push(Array.from(await w.data()));
  }
  const after = Array.from(await w.data());
  for (const t of [w, target, freq]) t.dispose();
  freezer.dispose();
  optimizer.dispose();
  return { before, after, history };
}

describe('WeightFreezer', () => {
  for (const [name, make] of [
    ['sgd', () => tf.train.sgd(0.05)],
    ['momentum', () => tf.train.momentum(0.05, 0.9)],
    ['adam', () => tf.train.adam(0.05)],
  ] as const) {
    it(`keeps frozen latent weights exactly constant under ${name}`, async () => {
      const { before, after, history } = await trainWithFreezing(make());
      for (const row of history) {
        expect(row[0]).toBe(before[0]);
        expect(row[2]).toBe(before[2]);
      }
      // The unfrozen entries keep training (momentum may overshoot, so only movement is checked).
      expect(after[1]).not.toBe(before[1]);
      expect(after[3]).not.toBe(before[3]);
    });
  }

  it('restore() is needed: Adam moves an entry whose gradient became zero', async () => {
    // Why the freezer pins latent weights instead of relying on the hook's zero gradient alone.
    const w = tf.variable(tf.tensor1d([0.5]));
    const opt = tf.train.adam(0.1);
    const gradOn = tf.variable(tf.scalar(1));
    const step = () =>
      opt.minimize(() => tf.sum(tf.mul(tf.mul(w, gradOn), 3)) as tf.Scalar, true, [w])?.dispose();
    for (let i = 0; i < 3; i++) step();
    tf.tidy(() => gradOn.assign(tf.scalar(0)));
    const before = (await w.data())[0];
    step();
    expect((await w.data())[0]).not.toBe(before);
    for (const t of [w, gradOn]) t.dispose();
    opt.dispose();
  });

  it('freezes to round(EMA of past codes), or to the current code without EMA', async () => {
    // Codes 0,0,1,0 then freeze while the code is 1. With m = 0.5 the EMA before the freezing
    // step is 0, 0, .5, .25 → round(.25) = 0; without EMA the frozen code is the current 1.
    const run = async (useEma: boolean) => {
      const freezer = new WeightFreezer([1], { momentum: 0.5, useEma });
      const f = tf.tensor1d([1]);
      const latent = tf.tensor1d([0.3]);
      for (const c of [0, 0, 1, 0]) tf.tidy(() => freezer.update(f, tf.tensor1d([c]), latent, null));
      tf.tidy(() => freezer.update(f, tf.tensor1d([1]), latent, 0.5));
      const code = (await freezer.state.codes.data())[0];
      const mask = 1 - (await freezer.state.keep.data())[0];
      const eff = await values(tf.tidy(() => freezer.effectiveCodes(tf.tensor1d([3]))));
      const frozen = await values(freezer.frozenFractionTensor());
      freezer.dispose();
      f.dispose();
      latent.dispose();
      return { code, mask, eff: eff[0], frozen: frozen[0] };
    };
    expect(await run(true)).toEqual({ code: 0, mask: 1, eff: 0, frozen: 1 });
    expect(await run(false)).toEqual({ code: 1, mask: 1, eff: 1, frozen: 1 });
  });

  it('never freezes while the threshold is null, and a frozen code stays put', async () => {
    const freezer = new WeightFreezer([2], { momentum: 0.5, useEma: false });
    const latent = tf.tensor1d([0, 0]);
    tf.tidy(() => freezer.update(tf.tensor1d([1, 1]), tf.tensor1d([4, 4]), latent, null));
    expect(await values(freezer.frozenFractionTensor())).toEqual([0]);
    tf.tidy(() => freezer.update(tf.tensor1d([1, 0]), tf.tensor1d([2, 2]), latent, 0.5));
    tf.tidy(() => freezer.update(tf.tensor1d([1, 0]), tf.tensor1d([3, 3]), latent, 0.5));
    expect(await values(tf.tidy(() => freezer.effectiveCodes(tf.tensor1d([-1, -1]))))).toEqual([2, -1]);
    expect(await values(freezer.frozenFractionTensor())).toEqual([0.5]);
    freezer.dispose();
    latent.dispose();
  });
});
