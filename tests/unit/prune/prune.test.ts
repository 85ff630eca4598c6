/**
 * Structured pruning (cpu, real tfjs): the per-channel Hutchinson traces against the exact
 * per-channel Hessian traces of a tiny MLP (its Hessian built column by column from Hv of basis
 * vectors), masks held through fine-tuning, masking a model whose pruned units already contribute
 * nothing, the magnitude ranking on hand-set weights, and the pruned model's size.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnistNode } from '../../../src/data/node';
import { experimentSchema } from '../../../src/experiment/schema';
import { createHvp, type HessianBatch } from '../../../src/hessian/hvp';
import { convDraft, denseDraft } from '../../../src/models/archs';
import { QuantModel } from '../../../src/models/build';
import { forward } from '../../../src/models/forward';
import { describeLayers } from '../../../src/models/spec';
import { prunedSpecs, sizeOf } from '../../../src/prune/cost';
import { pruneGroups, type PruneMask } from '../../../src/prune/groups';
import { applyMasks, disposeMasks, maskTensors, pruneMaskPlugin } from '../../../src/prune/mask';
import { channelTraces, magnitudeScores } from '../../../src/prune/scores';
import { selectUnits } from '../../../src/prune/select';
import { createQuantizer } from '../../../src/quant/quantizer';
import { initBackend } from '../../../src/tensor/backend';
import { createRng } from '../../../src/tensor/rng';
import { DEFAULT_PLUGINS } from '../../../src/train/plugins';
import { createTrainer, type QuantTrainer } from '../../../src/train/trainer';

beforeAll(async () => {
  await initBackend('cpu');
});

const FLOAT = { weight: { bits: 32 }, act: { bits: 32 } };

/** A float MLP 784 → h… → 10 with its seeded initial weights. */
function mlp(hidden: number[], seed = 1): QuantModel {
  const exp = experimentSchema.parse({ seed, model: { arch: 'mlp', hidden }, quant: FLOAT });
  return QuantModel.build(exp, createQuantizer);
}

/** A float CNN of `c1`, `c2` channels (conv+BN+ReLU+pool twice, then the classifier). */
function cnn(c1: number, c2: number): QuantModel {
  const exp = experimentSchema.parse({ model: { arch: 'cnn' }, quant: FLOAT });
  const drafts = [
    convDraft('conv1', 'conv', c1, 3, 'max2'),
    { ...convDraft('conv2', 'conv', c2, 3, 'max2'), flatten: true },
    denseDraft('fc', 10, true),
  ];
  return QuantModel.fromSpecs(exp, describeLayers(drafts, exp), createQuantizer);
}

/** n random images in [0, 1) and labels (seeded). */
function randomBatch(n: number, seed: number): HessianBatch {
  const rng = createRng(seed, 'batch');
  const labels = Array.from({ length: n }, () => Math.floor(rng() * 10));
  return {
    x: tf.tensor2d(
      Float32Array.from({ length: n * 784 }, () => rng()),
      [n, 784],
    ),
    labels: tf.oneHot(labels, 10).toFloat() as tf.Tensor2D,
  };
}

/** Sets a variable's values. */
function set(v: tf.Variable, values: number[]): void {
  tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
}

describe('per-channel Hessian traces', () => {
  it('the Hutchinson estimate matches the exact trace of every channel of a tiny MLP', () => {
    const model = mlp([3]);
    const batch = randomBatch(16, 3);
    const hvp = createHvp(model, batch, model.kernels());
    const diag = new Float64Array(hvp.dim);
    for (let i = 0; i < hvp.dim; i += 1) {
      const e = new Float64Array(hvp.dim);
      e[i] = 1;
      diag[i] = hvp.apply(e)[i];
    }
    // fc1's kernel [784, 3] comes first: entry j belongs to hidden unit j mod 3.
    const exact = [0, 0, 0];
    for (let j = 0; j < 784 * 3; j += 1) exact[j % 3] += diag[j];
    const est = channelTraces(model, batch, 400, 7).get('fc1')!;
    est.forEach((t, c) => {
      expect(Math.abs(t.trace - exact[c])).toBeLessThan(4 * t.stdErr + 1e-6);
      expect(Math.abs(t.trace - exact[c]) / Math.abs(exact[c])).toBeLessThan(0.1);
    });
    expect(exact.every((x) => x > 0)).toBe(true);
    tf.dispose([batch.x, batch.labels]);
    model.dispose();
  }, 60_000);
});

describe('masks', () => {
  it('masking units that already contribute nothing leaves the output unchanged (MLP and CNN)', () => {
    for (const model of [mlp([6, 5]), cnn(4, 3)]) {
      const groups = pruneGroups(model.specs);
      const mask: PruneMask = new Map(
        groups.map((g) => [g.name, Array.from({ length: g.channels }, (_, c) => c % 2 === 0)]),
      );
      // Zero every weight that reads a unit to be pruned: the units then contribute nothing.
      groups.forEach((g) => {
        const next = model.layers[g.layer + 1].weight;
        const keep = mask.get(g.name)!;
        const values = Array.from(next.dataSync());
        const out = next.shape[next.shape.length - 1];
        values.forEach((_, j) => {
          if (!keep[Math.floor(j / out) % g.channels]) values[j] = 0;
        });
        set(next, values);
      });
      const x = randomBatch(8, 5).x;
      const before = forward(model, x, { training: false }).arraySync();
      const masks = maskTensors(model, mask);
      applyMasks(masks);
      disposeMasks(masks);
      const after = forward(model, x, { training: false }).arraySync();
      expect(after).toEqual(before);
      x.dispose();
      model.dispose();
    }
  });

  it('the chosen channels stay exactly zero through fine-tuning, the others train', async () => {
    const exp = experimentSchema.parse({
      model: { arch: 'cnn', widthMultiplier: 0.25 },
      quant: FLOAT,
      data: { trainSize: 256, testSize: 100 },
      train: { steps: 15, batchSize: 16, evalEvery: 15, weightDecay: 0.01 },
    });
    const mask: PruneMask = new Map([
      ['conv1', [true, false, true, false]],
      ['conv2', [false, true, true, true, true, true, true, false]],
    ]);
    const trainer = (await createTrainer(exp, loadMnistNode(), {
      plugins: [...DEFAULT_PLUGINS, pruneMaskPlugin(mask)],
    })) as QuantTrainer;
    const initial = trainer.model.layers.map((l) => Array.from(l.weight.dataSync()));
    await trainer.run(15);
    const [conv1, conv2, fc] = trainer.model.layers;
    const w1 = conv1.weight.dataSync();
    const w2 = conv2.weight.dataSync();
    for (let j = 0; j < w1.length; j += 1) expect(w1[j] === 0).toBe(!mask.get('conv1')![j % 4]);
    for (let j = 0; j < w2.length; j += 1) {
      const dead = !mask.get('conv2')![j % 8] || !mask.get('conv1')![Math.floor(j / 8) % 4];
      expect(w2[j] === 0, `conv2[${j}]`).toBe(dead);
    }
    const wf = fc.weight.dataSync();
    for (let j = 0; j < wf.length; j += 1)
      if (!mask.get('conv2')![Math.floor(j / 10) % 8]) expect(wf[j] === 0, `fc[${j}]`).toBe(true);
    const zeros = (v: tf.Variable) => Array.from(v.dataSync(), (x) => x === 0);
    expect(zeros(conv1.bn!.gamma)).toEqual([false, true, false, true]);
    expect(zeros(conv1.bn!.beta)).toEqual([false, true, false, true]);
    expect(zeros(conv2.bn!.gamma)).toEqual(mask.get('conv2')!.map((k) => !k));
    expect(Array.from(w1)).not.toEqual(initial[0].map((v, j) => (mask.get('conv1')![j % 4] ? v : 0)));
    trainer.dispose();
  }, 60_000);
});

describe('selection and size', () => {
  it('magnitude ranks ‖w_c‖² across layers and prunes the lowest, keeping one unit per layer', () => {
    const model = mlp([3, 2]);
    const [fc1, fc2] = model.layers;
    // fc1 [784, 3]: unit c gets weight a_c on row 0 only; fc2 [3, 2]: unit c gets b_c on row 0.
    const w1 = new Array(784 * 3).fill(0);
    [0.5, 3, 0.1].forEach((a, c) => (w1[c] = a));
    set(fc1.weight, w1);
    set(fc2.weight, [0.2, 0.3, 0, 0, 0, 0]);
    const scores = magnitudeScores(model);
    expect(scores.get('fc1')!.map((s) => Number(s.toFixed(6)))).toEqual([0.25, 9, 0.01]);
    expect(scores.get('fc2')!.map((s) => Number(s.toFixed(6)))).toEqual([0.04, 0.09]);
    const groups = pruneGroups(model.specs);
    // 5 units, S = 0.6: 3 pruned. Lowest: fc1/2 (0.01), fc2/0 (0.04), fc2/1 (0.09: fc2's last, kept), fc1/0.
    const mask = selectUnits(groups, scores, 0.6);
    expect(mask.get('fc1')).toEqual([false, true, false]);
    expect(mask.get('fc2')).toEqual([false, true]);
    model.dispose();
  });

  it('counts the pruned model as the narrower one: params and MACs of the live units', () => {
    const exp = experimentSchema.parse({ model: { arch: 'mlp', hidden: [8, 6] }, quant: FLOAT });
    const mask: PruneMask = new Map([
      ['fc1', [true, false, true, true, false, false, true, true]],
      ['fc2', [true, true, false, true, true, false]],
    ]);
    const { params, macs } = sizeOf(prunedSpecs(exp, mask));
    expect(macs).toBe(784 * 5 + 5 * 4 + 4 * 10);
    expect(params).toBe(macs + 5 + 4 + 10);
  });
});
