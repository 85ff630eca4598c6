/**
 * Bits learned during QAT (src/mixed/qbitopt.ts, docs/mixed.md §6) on a small MLP with real tfjs
 * and the real Hutchinson traces: the final allocation meets its budget, a changed allocation
 * changes the trained model's quantizers, the history is recorded at the re-allocation steps, and
 * a budget below the cheapest allocation is refused before training starts.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main as run } from '../../../src/cli/run';
import { costOfExperiment } from '../../../src/cost';
import { loadMnistNode } from '../../../src/data/node';
import { experimentSchema, type Experiment } from '../../../src/experiment/schema';
import { allocationCost } from '../../../src/mixed/allocation';
import { InfeasibleBudgetError } from '../../../src/mixed/ilp';
import { checkBudget, qbitoptSteering, traceSmoother, type QBitOptOptions } from '../../../src/mixed/qbitopt';
import type { LayerTraceFn } from '../../../src/mixed/sensitivity';
import { initBackend } from '../../../src/tensor/backend';
import { runExperiment } from '../../../src/train/run';
import { createTrainer, QuantTrainer } from '../../../src/train/trainer';

const data = loadMnistNode();

/** A small MLP: 784→32→16→10, quick to train and to take Hessian-vector products of. */
function small(steps: number, seed = 1): Experiment {
  return experimentSchema.parse({
    seed,
    data: { trainSize: 512, testSize: 128 },
    model: { arch: 'mlp', hidden: [32, 16] },
    quant: { weight: { bits: 4 }, act: { bits: 4 } },
    train: { steps, batchSize: 16, reportEvery: 10, evalEvery: steps },
  });
}

/** BOPs of the experiment with every layer at `bits` (weights and activations). */
function uniformBops(exp: Experiment, bits: number): number {
  const e = {
    ...exp,
    quant: { ...exp.quant, weight: { ...exp.quant.weight, bits }, act: { ...exp.quant.act, bits } },
  };
  return costOfExperiment(e).total.bops;
}

function options(budget: number, o: Partial<QBitOptOptions> = {}): QBitOptOptions {
  return {
    axis: 'bops',
    budget,
    bits: [2, 3, 4, 8],
    actBits: 'tied',
    every: 10,
    probes: 1,
    momentum: 0.5,
    batchSize: 16,
    freeze: 0.2,
    seed: 1,
    ...o,
  };
}

beforeAll(async () => {
  await initBackend('cpu');
});
afterEach(() => vi.restoreAllMocks());

describe('qbitopt', () => {
  it('ends within the budget, priced on the trained experiment, for several budgets and seeds', async () => {
    const exp = small(30);
    const [low, high] = [uniformBops(exp, 2), uniformBops(exp, 8)];
    for (const [i, share] of [0.1, 0.4, 0.8].entries()) {
      const budget = Math.round(low + share * (high - low));
      const result = await runExperiment(small(30, i + 1), data, undefined, {
        steering: qbitoptSteering(data, options(budget)),
      });
      const q = result.qbitopt!;
      expect(result.status).toBe('completed');
      expect(q.final.cost.bops).toBeLessThanOrEqual(budget);
      expect(q.final.cost.bops).toBe(costOfExperiment(result.experiment).total.bops);
      for (const h of q.history) expect(h.cost.bops).toBeLessThanOrEqual(budget);
      // The trained experiment carries the final bits as per-layer overrides.
      for (const l of q.final.layers)
        expect(result.experiment.quant.layers[l.name]).toEqual({
          weightBits: l.weightBits,
          actBits: l.actBits,
        });
    }
  });

  it('records the history at the start and every K steps before the frozen tail', async () => {
    const result = await runExperiment(small(70), data, undefined, {
      steering: qbitoptSteering(data, options(uniformBops(small(70), 4), { every: 20, freeze: 0.2 })),
    });
    const q = result.qbitopt!;
    expect(q.freezeStep).toBe(56);
    expect(q.every).toBe(20);
    expect(q.history.map((h) => h.step)).toEqual([0, 20, 40]);
    expect(result.history.at(-1)?.step).toBe(70);
    const none = await runExperiment(small(70), data, undefined, {
      steering: qbitoptSteering(data, options(uniformBops(small(70), 4), { every: 20, freeze: 0 })),
    });
    expect(none.qbitopt!.history.map((h) => h.step)).toEqual([0, 20, 40, 60]);
  });

  it("changes the model's quantizer bits when the allocation changes", async () => {
    // Traces written for this test: the sensitive layer moves from the first to the second.
    let calls = 0;
    const traces: LayerTraceFn = (model) => {
      const hot = calls === 0 ? 0 : 1;
      calls += 1;
      return Promise.resolve(
        model.layers.map((l, i) => ({
          name: l.spec.name,
          params: l.spec.weightCount,
          trace: (i === hot ? 1 : 1e-6) * l.spec.weightCount,
          traceStdErr: 0,
        })),
      );
    };
    const exp = small(40);
    // Room for the first layer at 8 bits and the rest at 2, or the second at 8 and the first at 2.
    const at = (first: number) =>
      allocationCost(exp, [
        { name: 'fc1', weightBits: first, actBits: first },
        { name: 'fc2', weightBits: 2, actBits: 2 },
        { name: 'fc3', weightBits: 2, actBits: 2 },
      ]).bops;
    const budget = at(8);
    const steering = qbitoptSteering(data, options(budget, { bits: [2, 8], momentum: 0 }), traces);
    const trainer = await createTrainer(exp, data);
    try {
      expect(trainer).toBeInstanceOf(QuantTrainer);
      const model = (trainer as QuantTrainer).model;
      const bits = () => model.layers.map((l) => [l.quantizers.weight.grid.bits, l.quantizers.act.grid.bits]);
      expect(bits()).toEqual([
        [4, 4],
        [4, 4],
        [4, 4],
      ]);
      await steering.steer(trainer);
      const first = bits();
      expect(first[0]).toEqual([8, 8]);
      expect(first[1]).toEqual([2, 2]);
      const stop = steering.nextStop(trainer.stepsDone);
      expect(stop).toBe(10);
      await trainer.run(stop);
      await steering.steer(trainer);
      const second = bits();
      expect(second[0]).toEqual([2, 2]);
      expect(second[1]).toEqual([8, 8]);
      expect(steering.summary().history.map((h) => h.layers.map((l) => l.weightBits))).toEqual(
        [first, second].map((b) => b.map(([w]) => w)),
      );
    } finally {
      trainer.dispose();
    }
  });

  it("averages each layer's traces across re-estimations, bias-corrected", () => {
    const layer = (trace: number) => [{ name: 'fc1', params: 10, trace, traceStdErr: 0 }];
    const none = traceSmoother(0);
    expect(none(layer(1))[0].trace).toBe(1);
    expect(none(layer(3))[0].trace).toBe(3);
    const half = traceSmoother(0.5);
    expect(half(layer(1))[0].trace).toBe(1);
    // (0.5·0.5·1 + 0.5·3) / (0.5·0.5 + 0.5)
    expect(half(layer(3))[0].trace).toBeCloseTo(1.75 / 0.75, 12);
    // A negative estimate is averaged in as it is; §1 clips the average at 0.
    expect(half(layer(-10))[0].trace).toBeLessThan(0);
  });

  it('refuses a budget below the cheapest allocation before training starts', async () => {
    const exp = small(30);
    const cheapest = uniformBops(exp, 2);
    expect(() => checkBudget(exp, options(cheapest - 1))).toThrow(InfeasibleBudgetError);
    expect(() => checkBudget(exp, options(cheapest))).not.toThrow();
    const out = join(mkdtempSync(join(tmpdir(), 'ql-qbitopt-')), 'r.json');
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const flags = ['--model', 'mlp', '--hidden', '32,16', '--backend', 'cpu', '--quiet', '--out', out];
    expect(await run([...flags, '--qbitopt', '--budget-bops', `${cheapest - 1}`])).toBe(4);
    expect(err.mock.calls.flat().join('\n')).toContain(`the smallest achievable budget is ${cheapest}`);
    expect(existsSync(out)).toBe(false);
    expect(await run([...flags, '--budget-bops', '1e6'])).toBe(2);
    expect(err.mock.calls.flat().join('\n')).toContain('--budget-bops needs --qbitopt');
  });
});
