/**
 * The fused Adam update (src/train/fusedAdam.ts, kernel src/tensor/kernels/adamStep.wat) against
 * tfjs-core's tf.train.adam on wasm: every step's parameters and moments bit-identical, for sizes
 * with and without a scalar tail, with a learning-rate change and a parameter that gets no
 * gradient; a whole MLP training run bit-identical with the fusion on and off; no tensor leak.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadMnistNode } from '../../../src/data/node';
import { experimentSchema, type ExperimentInput } from '../../../src/experiment/schema';
import { FusedAdamOptimizer } from '../../../src/train/fusedAdam';
import { WeightFreezer } from '../../../src/train/freezing';
import { oscillationPlugin } from '../../../src/train/oscController';
import { QuantTrainer } from '../../../src/train/trainer';
import { randn, useWasmBackend } from './helpers';

const SHAPES = [[784, 256], [256], [10], [7], [3, 3, 16, 32], []];

const STEPS = 6;
/** Seeded start values and per-step gradients, the same for both optimizers. */
function problem() {
  return {
    init: SHAPES.map((s) => randn(s)),
    grads: Array.from({ length: STEPS }, () => SHAPES.map((s) => randn(s))),
  };
}

/** Runs the updates; returns every variable's and slot's values and the last step's kernels. */
async function optimize(optimizer: tf.Optimizer, { init, grads }: ReturnType<typeof problem>) {
  const vars = init.map((t) => tf.variable(t.clone()));
  let kernels: string[] = [];
  for (let t = 0; t < STEPS; t++) {
    if (t === 3) (optimizer as unknown as { learningRate: number }).learningRate = 3e-3;
    // Slots are keyed by list position, so a variable without a gradient keeps its place with a
    // null tensor (the stock optimizer then skips it, slots untouched): variable 1 on even steps.
    const list = vars.map((v, i) => ({
      name: v.name,
      tensor: (i === 1 && t % 2 === 0 ? null : grads[t][i]) as tf.Tensor,
    }));
    const info = await tf.profile(() => optimizer.applyGradients(list));
    kernels = info.kernels.map((k) => k.name);
  }
  const slots = await optimizer.getWeights();
  const out = {
    values: await Promise.all([...vars, ...slots.map((s) => s.tensor)].map(async (v) => await v.data())),
    kernels,
  };
  vars.forEach((v) => v.dispose());
  return out;
}

/** Entries of two lists of arrays that differ (a count, so a failure prints no 200k-entry diff). */
function differing(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  let n = 0;
  a.forEach((x, i) => {
    for (let j = 0; j < x.length; j++) if (!Object.is(x[j], b[i][j])) n++;
  });
  return n;
}

describe('fused Adam (wasm)', () => {
  useWasmBackend();

  it('updates parameters and moments bit-identically to tf.train.adam, with one kernel per parameter', async () => {
    const stock = tf.train.adam(1e-3);
    const fused = new FusedAdamOptimizer(1e-3);
    const p = problem();
    const a = await optimize(stock, p);
    const b = await optimize(fused, p);
    expect(b.values.length).toBe(a.values.length);
    expect(differing(a.values, b.values)).toBe(0);
    tf.dispose([...p.init, ...p.grads.flat()]);
    expect(b.kernels.filter((k) => k === 'QuantLabAdamStep')).toHaveLength(SHAPES.length);
    expect(b.kernels.length).toBeLessThan(a.kernels.length / 5);
    stock.dispose();
    fused.dispose();
  });

  it('leaks no tensor', async () => {
    const fused = new FusedAdamOptimizer(1e-3);
    const v = tf.variable(randn([33]));
    const g = randn([33]);
    fused.applyGradients([{ name: v.name, tensor: g }]); // creates the slot pair
    const n = tf.memory().numTensors;
    fused.applyGradients([{ name: v.name, tensor: g }]);
    fused.applyGradients([{ name: v.name, tensor: g }]);
    expect(tf.memory().numTensors).toBe(n);
    v.dispose();
    g.dispose();
    fused.dispose();
  });

  it("pins a frozen weight in its own pass, as the freezer's restore would", async () => {
    const fused = new FusedAdamOptimizer(1e-2);
    const w = tf.variable(tf.tensor1d([1, 2, 3, 4, 5]));
    const freezer = new WeightFreezer([5], { momentum: 0.1, useEma: false });
    const { keep, pinned } = freezer.fusedState() as unknown as { keep: tf.Variable; pinned: tf.Variable };
    tf.tidy(() => {
      keep.assign(tf.tensor1d([1, 0, 1, 0, 1]));
      pinned.assign(tf.tensor1d([0, -2, 0, 7, 0]));
    });
    freezer.restore(w); // the op path's restore
    expect(Array.from(await w.data())).toEqual([1, -2, 3, 7, 5]);
    const g = tf.tensor1d([1, 1, 1, 1, 1]);
    const pins = new Map([[w, freezer.pin]]);
    const pinnedNow = fused.applyPinned([{ name: w.name, tensor: g }], pins);
    const after = Array.from(await w.data());
    expect(after[1]).toBe(-2);
    expect(after[3]).toBe(7);
    expect(after[0]).toBeLessThan(1);
    expect(pinnedNow.has(w)).toBe(true);
    freezer.restore(w); // nothing left to do: the optimizer pinned it, the value is unchanged
    expect(Array.from(await w.data())).toEqual(after);
    // Without a pin (plain applyGradients) the frozen entries move: the pin did the work.
    const free = fused.applyPinned([{ name: w.name, tensor: g }], new Map());
    expect(free.has(w)).toBe(false);
    expect((await w.data())[1]).not.toBe(-2);
    freezer.dispose();
    tf.dispose([w, g]);
    fused.dispose();
  });

  const trainCases: [string, ExperimentInput][] = [
    [
      'W4A4',
      {
        seed: 3,
        data: { trainSize: 512, testSize: 64 },
        model: { arch: 'mlp', hidden: [32] },
        quant: { weight: { bits: 4 }, act: { bits: 4 } },
        train: { optimizer: 'adam', lr: 3e-3, steps: 30, batchSize: 32, reportEvery: 10, evalEvery: 30 },
      },
    ],
    [
      'W3A8 with freezing (the optimizer pins frozen weights)',
      {
        seed: 4,
        data: { trainSize: 512, testSize: 64 },
        model: { arch: 'mlp', hidden: [32] },
        quant: { weight: { bits: 3 }, act: { bits: 8 } },
        train: { optimizer: 'adam', lr: 1e-2, steps: 60, batchSize: 32, reportEvery: 10, evalEvery: 60 },
        oscillation: { track: true, trackAll: true, momentum: 0.1, freezeThreshold: 0.02 },
      },
    ],
  ];
  it.each(trainCases)(
    'trains an MLP (%s) bit-identically with the fusion on and off',
    async (_name, input) => {
      const exp = experimentSchema.parse(input);
      const train = async (fusion: boolean) => {
        {
          const trainer = new QuantTrainer(exp, loadMnistNode(), {
            plugins: [oscillationPlugin],
            kernels: { adam: fusion },
          });
          const reports = await trainer.run(exp.train.steps);
          const weights = await Promise.all(trainer.model.parameters().map(async (w) => await w.data()));
          const oscillation = trainer.result().oscillation;
          trainer.dispose();
          return {
            points: reports.map((r) => r.point),
            layers: reports.map((r) => r.layers),
            weights,
            oscillation,
          };
        }
      };
      const stock = await train(false);
      const fused = await train(true);
      expect(differing(stock.weights, fused.weights)).toBe(0);
      expect(fused.points).toEqual(stock.points);
      expect(fused.layers).toEqual(stock.layers);
      expect(fused.oscillation).toEqual(stock.oscillation);
      if (exp.oscillation.freezeThreshold > 0) expect(stock.oscillation!.frozenFraction).toBeGreaterThan(0);
    },
    60_000,
  );
});
