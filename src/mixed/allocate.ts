/**
 * Budgeted mixed precision (docs/mixed.md): from per-layer sensitivities Ω_l(b) to the allocation
 * the ILP (./ilp.ts) picks under a budget, beside the ablation's baselines: the largest uniform
 * bitwidth within the budget, and random allocations at the same budget. Pure: no tfjs; the ILP
 * runs on a loaded HiGHS instance.
 */
import type { Highs } from 'highs';
import { costOfLayer, costOptionsOf } from '../cost';
import { FLOAT_BITS, type Experiment } from '../experiment/schema';
import { describeModel } from '../models/spec';
import { createRng, shuffleInPlace, type Rng } from '../tensor/rng';
import { allocationCost, type Allocation, type BudgetAxis, type LayerBits } from './allocation';
import { evaluateChoice, solveChoices, type ChoiceProblem } from './ilp';

/** Activation bits: equal to the layer's weight bits (HAWQ-V3's WbAb), or one fixed width. */
export type ActBitsMode = 'tied' | number;

/** What to allocate. */
export interface MixedOptions {
  /** Candidate weight bitwidths (2–8). */
  bits: number[];
  actBits: ActBitsMode;
  axis: BudgetAxis;
  /** In the axis's units: BOPs per sample, bytes, ACEv2 per sample. */
  budget: number;
  /** Random allocations of the ablation. */
  randomCount: number;
  seed: number;
}

/** One layer's sensitivity Ω_l(b) by weight bitwidth (docs/mixed.md §1). */
export interface LayerSensitivity {
  name: string;
  omega: Record<number, number>;
}

/** The ILP's allocation and the ablation's baselines. */
export interface MixedResult extends Allocation {
  /** The largest uniform bitwidth within budget (pinned layers kept), or null when none fits. */
  uniform: (Allocation & { bits: number }) | null;
  random: Allocation[];
  /** Wall time of the ILP solve. */
  solveMs: number;
}

/** A layer's candidates as (weight, act) pairs, in increasing bits; pinned layers have one. */
export function layerCandidates(exp: Experiment, options: MixedOptions): LayerBits[][] {
  const specs = describeModel(exp);
  const bits = [...new Set(options.bits)].sort((a, b) => a - b);
  return specs.map((spec, i) => {
    const pinned = exp.quant.firstLastBits8 && (i === 0 || i === specs.length - 1);
    if (pinned) return [{ name: spec.name, weightBits: 8, actBits: 8 }];
    return bits.map((b) => ({
      name: spec.name,
      weightBits: b,
      actBits: options.actBits === 'tied' ? b : options.actBits,
    }));
  });
}

/**
 * The choice problem: Ω of each candidate, and each layer's cost on the budget axis for each pair
 * of its own and the next layer's candidate (its output is priced at the next input's bits).
 */
export function buildProblem(
  exp: Experiment,
  candidates: LayerBits[][],
  sensitivity: readonly LayerSensitivity[],
  options: MixedOptions,
): ChoiceProblem {
  const specs = describeModel(exp);
  const costOptions = costOptionsOf(exp);
  const objective = candidates.map((cands, l) => {
    const s = sensitivity.find((x) => x.name === specs[l].name);
    if (!s) throw new Error(`no sensitivity for layer '${specs[l].name}'`);
    return cands.map((c) => {
      const omega = s.omega[c.weightBits];
      if (omega === undefined) throw new Error(`no sensitivity for '${c.name}' at ${c.weightBits} bits`);
      return omega;
    });
  });
  const price = (l: number, c: LayerBits, outBits: number) => {
    const layer = costOfLayer(
      { ...specs[l], weightBits: c.weightBits, actBits: c.actBits },
      outBits,
      costOptions,
    );
    return options.axis === 'size' ? layer.sizeBits / 8 : layer[options.axis];
  };
  const cost = candidates.map((cands, l) =>
    cands.map((c) =>
      l + 1 < candidates.length
        ? candidates[l + 1].map((next) => price(l, c, next.actBits))
        : [price(l, c, FLOAT_BITS)],
    ),
  );
  return { objective, cost, budget: options.budget };
}

/** The allocation of a choice vector, priced by the cost model. */
export function toAllocation(
  exp: Experiment,
  candidates: LayerBits[][],
  p: ChoiceProblem,
  choice: number[],
): Allocation {
  const layers = choice.map((k, l) => candidates[l][k]);
  return { layers, cost: allocationCost(exp, layers), objective: evaluateChoice(p, choice).objective };
}

/** The candidates' distinct weight bitwidths, largest first. */
export function candidateWidths(candidates: LayerBits[][]): number[] {
  return [...new Set(candidates.flat().map((c) => c.weightBits))].sort((a, b) => b - a);
}

/** Every layer at `bits` weight bits (pinned layers, with one candidate, keep theirs). */
export function uniformChoiceAt(candidates: LayerBits[][], bits: number): number[] {
  return candidates.map((cands) =>
    Math.max(
      0,
      cands.findIndex((c) => c.weightBits === bits),
    ),
  );
}

/** The largest uniform candidate whose allocation fits (pinned layers keep their one choice). */
function uniformChoice(
  p: ChoiceProblem,
  candidates: LayerBits[][],
): { bits: number; choice: number[] } | null {
  for (const bits of candidateWidths(candidates)) {
    const choice = uniformChoiceAt(candidates, bits);
    if (evaluateChoice(p, choice).cost <= p.budget) return { bits, choice };
  }
  return null;
}

/**
 * A random allocation at the budget: every layer at its lowest candidate, then, in random order,
 * layers raised to random higher candidates while the allocation fits, until none can be raised.
 */
export function randomChoice(p: ChoiceProblem, rng: Rng): number[] {
  const choice = p.objective.map(() => 0);
  const fits = () => evaluateChoice(p, choice).cost <= p.budget;
  for (let changed = true; changed;) {
    changed = false;
    for (const l of shuffleInPlace(
      p.objective.map((_, i) => i),
      rng,
    )) {
      const before = choice[l];
      const higher = p.objective[l].map((_, k) => k).filter((k) => k > before);
      for (const k of shuffleInPlace(higher, rng)) {
        choice[l] = k;
        if (fits()) break;
        choice[l] = before;
      }
      changed ||= choice[l] !== before;
    }
  }
  return choice;
}

/**
 * Solves the allocation and its baselines. Throws the ILP's InfeasibleBudgetError (naming the
 * smallest achievable budget) when no allocation fits.
 */
export function allocateMixed(
  highs: Highs,
  exp: Experiment,
  sensitivity: readonly LayerSensitivity[],
  options: MixedOptions,
): MixedResult {
  const candidates = layerCandidates(exp, options);
  const p = buildProblem(exp, candidates, sensitivity, options);
  const start = performance.now();
  const solved = solveChoices(highs, p);
  const solveMs = performance.now() - start;
  const uniform = uniformChoice(p, candidates);
  const rng = createRng(options.seed, 'mixed-random');
  return {
    ...toAllocation(exp, candidates, p, solved.choice),
    uniform: uniform && { bits: uniform.bits, ...toAllocation(exp, candidates, p, uniform.choice) },
    random: Array.from({ length: options.randomCount }, () =>
      toAllocation(exp, candidates, p, randomChoice(p, rng)),
    ),
    solveMs,
  };
}
