import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeMapping, mapValue } from '../../../src/estimators/mapping';
import { compareTwins, mapLatent, tensorCodeMap, twinMetricsTensor } from '../../../src/train/twin';
import { useCpu, values } from './setup';

beforeAll(useCpu);

describe('twin comparison', () => {
  it('computes agreement, alignment error and sign agreement over all layers', async () => {
    // Layer 1: codes agree in 2 of 3; layer 2: 1 of 1 → agreement 3/4.
    // Latents: STE [3, 0, −4 | 0], GE [3, 0, 4 | 0] → ‖diff‖ = 8, ‖w_STE‖ = 5 → 1.6.
    // Signs: equal at 3 of 4 (0 vs 0 counts as equal).
    const ste = {
      latents: [tf.tensor1d([3, 0, -4]), tf.tensor1d([0])],
      codes: [tf.tensor1d([1, 0, -1], 'int32'), tf.tensor1d([2], 'int32')],
    };
    const ge = {
      latents: [tf.tensor1d([3, 0, 4]), tf.tensor1d([0])],
      codes: [tf.tensor1d([1, 0, 1], 'int32'), tf.tensor1d([2], 'int32')],
    };
    const point = await compareTwins(40, ste, ge);
    expect(point.step).toBe(40);
    expect(point.agreement).toBeCloseTo(0.75, 6);
    expect(point.alignmentError).toBeCloseTo(1.6, 6);
    expect(point.signAgreement).toBeCloseTo(0.75, 6);

    // With M(w_GE) given, the alignment uses it (here M(w_GE) = w_STE → 0); signs still use w_GE.
    const v = await values(twinMetricsTensor(ste, ge, ste.latents));
    expect(v[1]).toBeCloseTo(0, 6);
    expect(v[2]).toBeCloseTo(0.75, 6);
    for (const t of [...ste.latents, ...ste.codes, ...ge.latents, ...ge.codes]) t.dispose();
  });

  it('maps latent weights in units of the (per-channel) scale', async () => {
    // M_u(u) = floor(u) + (u − floor(u))² keeps every integer fixed; with s = [1, 2] on axis 1:
    // w = [[0.5, 1]] → u = [[.5, .5]] → M_u = [[.25, .25]] → M(w) = [[.25, .5]].
    const w = tf.tensor2d([[0.5, 1]]);
    const s = tf.tensor1d([1, 2]);
    const mapped = tf.tidy(() =>
      mapLatent(w, s, 1, (u) => tf.add(tf.floor(u), tf.square(tf.sub(u, tf.floor(u))))),
    );
    expect(await values(mapped)).toEqual([0.25, 0.5]);
    w.dispose();
    s.dispose();
  });
});

describe('tensor mapping M', () => {
  it('matches mapping.ts mapValue, keeps every bin and has α = √(1−a²) for cosine', async () => {
    const mapping = computeMapping({ name: 'cosine', param: 0.5 });
    expect(mapping.alpha).toBeCloseTo(Math.sqrt(0.75), 3);
    // −1.5000001 (float32) is the rounding trap: u − ½ rounds to −2 and u lands below its ub.
    const us = [-3.7, -1.5, Math.fround(-1.5000001), -0.49, 0, 0.2, 0.5, 0.51, 1.26, 2.999, 3.5];
    const m = tensorCodeMap(mapping);
    const x = tf.tensor1d(us);
    const got = await values(tf.tidy(() => m(x)));
    us.forEach((u, i) => {
      expect(got[i]).toBeCloseTo(mapValue(mapping, u), 5);
      // M maps each bin onto itself: same rounding (thresholds k + ½ are fixed points).
      if (Math.abs(u - Math.round(u)) !== 0.5) expect(Math.round(got[i]) - Math.round(u)).toBeCloseTo(0, 9);
    });
    x.dispose();
    m.dispose();
  });
});
