/**
 * The allocation Pareto chart of the Sensitivity workspace (docs/mixed.md §6): the ILP's summed
 * sensitivity ΣΩ against the budget, solved at evenly spaced budgets from the cheapest to the most
 * expensive allocation, beside HAWQ's ablation: every uniform allocation of the candidates, and
 * random allocations (raised until nothing more fits) at random budgets. Pure but for HiGHS.
 */
import type { Highs } from 'highs';
import type { Experiment } from '../experiment/schema';
import { createRng } from '../tensor/rng';
import {
  buildProblem,
  candidateWidths,
  layerCandidates,
  randomChoice,
  toAllocation,
  uniformChoiceAt,
  type ActBitsMode,
  type LayerSensitivity,
} from './allocate';
import type { Allocation, BudgetAxis } from './allocation';
import { budgetAt, budgetRange, type BudgetRange } from './budget';
import { solveChoices } from './ilp';

/** What the frontier job asks for. */
export interface FrontierRequest {
  /** Candidate weight bitwidths. */
  bits: number[];
  actBits: ActBitsMode;
  axis: BudgetAxis;
  /** Budgets the ILP is solved at (at least 2: the cheapest and the most expensive). */
  points: number;
  /** Random allocations of the ablation. */
  randomCount: number;
}

/** Where a point of the chart comes from. */
export type FrontierKind = 'ilp' | 'uniform' | 'random';

/** One point of the chart: an allocation, and the budget it was made for (none for a uniform one). */
export interface FrontierPoint extends Allocation {
  kind: FrontierKind;
  /** The budget in the axis's units; null for a uniform allocation. */
  budget: number | null;
  /** Short name: `ILP 3`, `uniform 4-bit`, `random 2`. */
  label: string;
}

export interface AllocationFrontier {
  axis: BudgetAxis;
  range: BudgetRange;
  /** The ILP's allocations in increasing budget (ΣΩ never rises along it). */
  frontier: FrontierPoint[];
  /** Every candidate bitwidth on all layers (pinned layers kept), cheapest first. */
  uniform: FrontierPoint[];
  random: FrontierPoint[];
  /** Wall time of the ILP solves. */
  solveMs: number;
}

/** The frontier, the uniform allocations and the random ones for `exp` under `sensitivity`. */
export function allocationFrontier(
  highs: Highs,
  exp: Experiment,
  sensitivity: readonly LayerSensitivity[],
  request: FrontierRequest,
): AllocationFrontier {
  const options = { ...request, budget: 1, randomCount: 0, seed: exp.seed };
  const candidates = layerCandidates(exp, options);
  const base = buildProblem(exp, candidates, sensitivity, options);
  const range = budgetRange(base);
  const at = (budget: number) => ({ ...base, budget });
  const n = Math.max(2, Math.round(request.points));
  const start = performance.now();
  const frontier = Array.from({ length: n }, (_, i): FrontierPoint => {
    const budget = budgetAt(range, i / (n - 1));
    const { choice } = solveChoices(highs, at(budget));
    return {
      kind: 'ilp',
      budget,
      label: `ILP ${i + 1}`,
      ...toAllocation(exp, candidates, at(budget), choice),
    };
  });
  const solveMs = performance.now() - start;
  const uniform = candidateWidths(candidates)
    .reverse()
    .map((bits): FrontierPoint => ({
      kind: 'uniform',
      budget: null,
      label: `uniform ${bits}-bit`,
      ...toAllocation(exp, candidates, base, uniformChoiceAt(candidates, bits)),
    }));
  const rng = createRng(exp.seed, 'mixed-frontier-random');
  const random = Array.from({ length: request.randomCount }, (_, i): FrontierPoint => {
    const budget = budgetAt(range, rng());
    const choice = randomChoice(at(budget), rng);
    return {
      kind: 'random',
      budget,
      label: `random ${i + 1}`,
      ...toAllocation(exp, candidates, at(budget), choice),
    };
  });
  return { axis: request.axis, range, frontier, uniform, random, solveMs };
}
