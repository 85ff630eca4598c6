/**
 * The mixed-precision ILP against brute force on small random problems (unary and coupled costs),
 * the infeasible budget's error, and the solve time at 10 layers × 4 bitwidths.
 */
import type { Highs } from 'highs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  evaluateChoice,
  InfeasibleBudgetError,
  loadSolver,
  minimumCost,
  solveChoices,
  type ChoiceProblem,
  type ChoiceSolution,
} from '../../../src/mixed/ilp';
import { createRng, type Rng } from '../../../src/tensor/rng';

/** Every assignment, the best within budget (null when none fits). */
function bruteForce(p: ChoiceProblem): ChoiceSolution | null {
  let best: ChoiceSolution | null = null;
  const visit = (prefix: number[]): void => {
    if (prefix.length === p.objective.length) {
      const s = evaluateChoice(p, prefix);
      if (s.cost <= p.budget && (!best || s.objective < best.objective)) best = s;
      return;
    }
    p.objective[prefix.length].forEach((_, k) => visit([...prefix, k]));
  };
  visit([]);
  return best;
}

/** Layers × bitwidths like the lab's: Ω falls and cost grows with the bits. */
function randomProblem(rng: Rng, layers: number, bits: number[], coupledCost: boolean): ChoiceProblem {
  const objective = Array.from({ length: layers }, () => {
    const trace = rng() * 10;
    return bits.map((b) => trace * 4 ** -b * (0.5 + rng()));
  });
  const macs = Array.from({ length: layers }, () => 1000 + Math.floor(rng() * 100000));
  const cost = macs.map((m, l) =>
    bits.map((b) =>
      coupledCost && l + 1 < layers
        ? bits.map((next) => m * b * b + 37 * m * next)
        : [m * b * b + (coupledCost ? 37 * m * 32 : 0)],
    ),
  );
  const lo = minimumCost({ objective, cost, budget: Infinity });
  const hi = evaluateChoice(
    { objective, cost, budget: Infinity },
    macs.map(() => bits.length - 1),
  ).cost;
  return { objective, cost, budget: lo + rng() * (hi - lo) };
}

let highs: Highs;
beforeAll(async () => {
  highs = await loadSolver();
});

describe('solveChoices', () => {
  for (const coupledCost of [false, true])
    it(`equals brute force on 4 layers × 3 bitwidths, ${coupledCost ? 'coupled' : 'unary'} costs`, () => {
      for (let seed = 1; seed <= 12; seed += 1) {
        const p = randomProblem(createRng(seed, 'ilp-test'), 4, [2, 4, 8], coupledCost);
        const exact = bruteForce(p)!;
        const solved = solveChoices(highs, p);
        expect(solved.cost).toBeLessThanOrEqual(p.budget);
        expect(solved.objective).toBeCloseTo(exact.objective, 12);
        expect(evaluateChoice(p, solved.choice)).toEqual(solved);
      }
    });

  it('takes the budget at its exact edge (the all-8-bit cost)', () => {
    const p = randomProblem(createRng(3, 'ilp-edge'), 5, [2, 4, 8], false);
    const all8 = evaluateChoice(p, [2, 2, 2, 2, 2]);
    expect(solveChoices(highs, { ...p, budget: all8.cost }).choice).toEqual([2, 2, 2, 2, 2]);
  });

  it('names the smallest achievable budget when none fits', () => {
    const p = randomProblem(createRng(4, 'ilp-infeasible'), 4, [2, 4, 8], true);
    const minimum = minimumCost(p);
    const run = () => solveChoices(highs, { ...p, budget: minimum * 0.99 });
    expect(run).toThrow(InfeasibleBudgetError);
    expect(run).toThrow(`the smallest achievable budget is ${minimum}`);
    expect(solveChoices(highs, { ...p, budget: minimum }).cost).toBe(minimum);
  });

  // The lab's target is 100 ms (docs/mixed.md §5); the bound here leaves room for a loaded machine.
  it('solves 10 layers × 4 bitwidths in well under a second', () => {
    const times: number[] = [];
    for (let seed = 1; seed <= 9; seed += 1) {
      const p = randomProblem(createRng(seed, 'ilp-time'), 10, [2, 3, 4, 8], true);
      const start = performance.now();
      solveChoices(highs, p);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    console.log(
      `ILP 10 layers × 4 bitwidths (coupled costs): median ${times[4].toFixed(1)} ms, max ${times[8].toFixed(1)} ms`,
    );
    expect(times[4]).toBeLessThan(500);
  });
});
