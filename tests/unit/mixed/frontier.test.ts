/**
 * The allocation frontier (src/mixed/frontier.ts, docs/mixed.md §6): the ILP at evenly spaced
 * budgets, every uniform allocation and random allocations, on a small MLP's cost model with
 * hand-made sensitivities (the real HiGHS, no model needed).
 */
import { describe, expect, it } from 'vitest';
import { experimentSchema, type Experiment } from '../../../src/experiment/schema';
import { allocateMixed, type LayerSensitivity } from '../../../src/mixed/allocate';
import { allocationFrontier, type FrontierRequest } from '../../../src/mixed/frontier';
import { loadSolver } from '../../../src/mixed/ilp';

const LAYERS = ['fc1', 'fc2', 'fc3'];

/** Ω falling with the bits, layers weighted differently (so the frontier has several steps). */
function sensitivity(weights: number[]): LayerSensitivity[] {
  return LAYERS.map((name, l) => ({
    name,
    omega: { 2: 16 * weights[l], 3: 4 * weights[l], 4: weights[l], 8: weights[l] / 256 },
  }));
}

const REQUEST: FrontierRequest = {
  bits: [2, 3, 4, 8],
  actBits: 'tied',
  axis: 'bops',
  points: 20,
  randomCount: 6,
};

const CASES: [string, Experiment, LayerSensitivity[], Partial<FrontierRequest>][] = [
  ['BOPs', experimentSchema.parse({ model: { hidden: [64, 32] } }), sensitivity([1, 5, 0.2]), {}],
  [
    'size',
    experimentSchema.parse({ model: { hidden: [48, 48] } }),
    sensitivity([3, 0.5, 1]),
    { axis: 'size' },
  ],
  [
    'ACEv2, first and last pinned',
    experimentSchema.parse({ model: { hidden: [32, 32, 32] }, quant: { firstLastBits8: true } }),
    ['fc1', 'fc2', 'fc3', 'fc4'].map((name, l) => ({ name, omega: { 2: 9 + l, 3: 3 + l, 4: 1, 8: 0.01 } })),
    { axis: 'acev2', bits: [2, 4, 8] },
  ],
];

describe('allocationFrontier', () => {
  it.each(CASES)(
    '%s: ΣΩ never rises with the budget and every point fits its budget',
    async (_, exp, sens, ask) => {
      const highs = await loadSolver();
      const request = { ...REQUEST, ...ask };
      const f = allocationFrontier(highs, exp, sens, request);
      expect(f.frontier).toHaveLength(request.points);
      const budgets = f.frontier.map((p) => p.budget!);
      expect(budgets[0]).toBeGreaterThanOrEqual(f.range.min);
      expect(budgets.at(-1)).toBeCloseTo(f.range.max, 0);
      for (const [i, p] of f.frontier.entries()) {
        expect(p.cost[request.axis]).toBeLessThanOrEqual(p.budget!);
        if (i > 0) {
          expect(p.budget!).toBeGreaterThan(budgets[i - 1]);
          expect(p.objective).toBeLessThanOrEqual(f.frontier[i - 1].objective + 1e-12);
        }
      }
      // The ends: everything at the lowest candidate, everything at the highest.
      expect(f.frontier[0].cost[request.axis]).toBeCloseTo(f.range.min, 6);
      expect(f.frontier.at(-1)!.objective).toBeCloseTo(Math.min(...f.uniform.map((u) => u.objective)), 12);
      // The ILP at a frontier budget equals the slider's solve there.
      const mid = f.frontier[7];
      const again = allocateMixed(highs, exp, sens, {
        ...request,
        budget: mid.budget!,
        randomCount: 0,
        seed: 1,
      });
      expect(again.objective).toBeCloseTo(mid.objective, 12);
    },
  );

  it.each(CASES)(
    '%s: random points fit their budgets, and no point beats the frontier',
    async (_, exp, sens, ask) => {
      const highs = await loadSolver();
      const request = { ...REQUEST, ...ask };
      const f = allocationFrontier(highs, exp, sens, request);
      expect(f.random).toHaveLength(request.randomCount);
      /** The frontier's ΣΩ at a cost: its best point that costs no more. */
      const best = (cost: number) =>
        Math.min(...f.frontier.filter((p) => p.budget! >= cost).map((p) => p.objective));
      for (const r of f.random) {
        expect(r.cost[request.axis]).toBeLessThanOrEqual(r.budget!);
        expect(r.budget!).toBeGreaterThanOrEqual(f.range.min);
        expect(r.budget!).toBeLessThanOrEqual(f.range.max * (1 + 1e-6));
      }
      for (const u of [...f.uniform, ...f.random])
        expect(u.objective).toBeGreaterThanOrEqual(best(u.cost[request.axis]) - 1e-12);
      // Uniform: one per candidate, cheapest first, each layer (but pinned ones) at its width.
      expect(f.uniform.map((u) => u.label)).toEqual(request.bits.map((b) => `uniform ${b}-bit`));
      const costs = f.uniform.map((u) => u.cost[request.axis]);
      expect(costs).toEqual([...costs].sort((a, b) => a - b));
    },
  );

  it('is reproducible: the random points follow the experiment seed', async () => {
    const highs = await loadSolver();
    const [, exp, sens] = CASES[0];
    const a = allocationFrontier(highs, exp, sens, REQUEST);
    const b = allocationFrontier(highs, exp, sens, REQUEST);
    expect(b.random).toEqual(a.random);
    const other = allocationFrontier(highs, { ...exp, seed: 7 }, sens, REQUEST);
    expect(other.random.map((r) => r.budget)).not.toEqual(a.random.map((r) => r.budget));
  });
});
