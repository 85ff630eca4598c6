/**
 * The budget slider of the Sensitivity workspace (docs/mixed.md §6): a budget given as a position
 * between the cheapest and the most expensive allocation of the candidates, the ILP's allocation
 * there with the uniform baseline, and the budget's shadow price. Pure but for the HiGHS instance.
 */
import type { Highs } from 'highs';
import type { Experiment } from '../experiment/schema';
import {
  allocateMixed,
  buildProblem,
  layerCandidates,
  type ActBitsMode,
  type LayerSensitivity,
  type MixedResult,
} from './allocate';
import type { BudgetAxis } from './allocation';
import { lpText, minimumCost, type ChoiceProblem } from './ilp';

/** What the slider asks for. */
export interface BudgetRequest {
  /** Candidate weight bitwidths. */
  bits: number[];
  actBits: ActBitsMode;
  axis: BudgetAxis;
  /** Position of the budget between the cheapest (0) and the most expensive (1) allocation. */
  fraction: number;
}

/** The cheapest and the most expensive allocation's cost on the axis. */
export interface BudgetRange {
  min: number;
  max: number;
}

export interface BudgetAllocation {
  range: BudgetRange;
  /** The budget in the axis's units. */
  budget: number;
  result: MixedResult;
  /**
   * How much the summed sensitivity ΣΩ falls per unit of budget added here: the dual of the budget
   * row in the program's LP relaxation (binaries relaxed to [0, 1]); null when HiGHS gives none.
   */
  shadowPrice: number | null;
}

/** The cheapest and the most expensive allocation (dynamic programs along the chain of layers). */
export function budgetRange(p: ChoiceProblem): BudgetRange {
  const negated = { ...p, cost: p.cost.map((rows) => rows.map((row) => row.map((c) => -c))) };
  return { min: minimumCost(p), max: -minimumCost(negated) };
}

/**
 * The budget at `fraction` (0–1) of the range, a hair above it, so rounding in the cost sums never
 * makes the cheapest allocation infeasible.
 */
export function budgetAt(range: BudgetRange, fraction: number): number {
  return (range.min + Math.min(1, Math.max(0, fraction)) * (range.max - range.min)) * (1 + 1e-9);
}

/**
 * The dual of the budget row of `p`'s LP relaxation, in Ω per budget unit, as a decrease (≥ 0).
 * lpText scales the objective by 1/max Ω and the budget row by 1/B, so d(ΣΩ)/dB = dual·max Ω / B.
 */
export function budgetShadowPrice(highs: Highs, p: ChoiceProblem): number | null {
  const text = lpText(p).replace(/\nBinary\n[^\n]*/, '');
  const result = highs.solve(text, { output_flag: false });
  if (result.Status !== 'Optimal') return null;
  const row = (result.Rows as { Name?: string; Dual?: number }[]).find((r) => r.Name === 'budget');
  if (row?.Dual === undefined) return null;
  const scale = Math.max(...p.objective.flat(), 0) || 1;
  return Math.max(0, (-row.Dual * scale) / p.budget);
}

/** The allocation at the slider's position, its uniform baseline and the budget's shadow price. */
export function allocateAtFraction(
  highs: Highs,
  exp: Experiment,
  sensitivity: readonly LayerSensitivity[],
  request: BudgetRequest,
): BudgetAllocation {
  const options = {
    bits: request.bits,
    actBits: request.actBits,
    axis: request.axis,
    budget: 1,
    randomCount: 0,
    seed: exp.seed,
  };
  const candidates = layerCandidates(exp, options);
  const range = budgetRange(buildProblem(exp, candidates, sensitivity, options));
  const budget = budgetAt(range, request.fraction);
  const result = allocateMixed(highs, exp, sensitivity, { ...options, budget });
  const shadowPrice = budgetShadowPrice(
    highs,
    buildProblem(exp, candidates, sensitivity, { ...options, budget }),
  );
  return { range, budget, result, shadowPrice };
}
