/**
 * The integer linear program of budgeted mixed precision (docs/mixed.md §2): one choice per layer
 * (a bitwidth pair), minimizing the summed sensitivity under one cost budget, solved by HiGHS
 * compiled to WebAssembly (the `highs` package). No Node and no DOM: the same code runs in the
 * runner and in a browser worker (which passes `locateFile` so the wasm is served locally).
 *
 *   minimize    Σ_l Σ_k Ω[l][k]·x[l][k]
 *   subject to  Σ_k x[l][k] = 1                                   for every layer l
 *               Σ_l Σ_k Σ_k' cost[l][k][k']·y[l][k][k'] ≤ B
 *               Σ_k' y[l][k][k'] = x[l][k],  Σ_k y[l][k][k'] = x[l+1][k']   (l < L−1)
 *               x binary, y in [0, 1]
 *
 * A layer's cost may depend on the next layer's choice (its output is priced at the next layer's
 * input bits in ACEv2). y[l][k][k'] is then x[l][k]·x[l+1][k'], linearized exactly: with x binary
 * the two marginal constraints leave y one nonzero entry, so y needs no integrality. When no
 * layer's cost depends on its successor, the pair variables are left out.
 */
import loadHighs, { type Highs, type InitOptions } from 'highs';

/** A choice problem: per layer, its candidate choices' sensitivities and costs. */
export interface ChoiceProblem {
  /** Ω[l][k] ≥ 0: the sensitivity of layer l at its k-th candidate. */
  objective: number[][];
  /**
   * cost[l][k][k'] ≥ 0: layer l's cost at its k-th candidate when layer l+1 takes its k'-th
   * (the last layer: one column). Units are the budget's.
   */
  cost: number[][][];
  budget: number;
}

/** The chosen candidate per layer, with its objective and exact cost. */
export interface ChoiceSolution {
  choice: number[];
  objective: number;
  cost: number;
}

/** The budget is below the cheapest allocation: names the smallest achievable budget. */
export class InfeasibleBudgetError extends Error {
  constructor(
    readonly budget: number,
    readonly minimum: number,
  ) {
    super(`no allocation fits the budget ${budget}: the smallest achievable budget is ${minimum}`);
  }
}

let loaded: Promise<Highs> | undefined;

/**
 * The HiGHS solver, loaded once. In a browser pass `locateFile` returning the wasm's local URL
 * (Vite: `import wasmUrl from 'highs/runtime?url'`); Node finds it beside the package.
 */
export function loadSolver(options?: InitOptions): Promise<Highs> {
  loaded ??= loadHighs(options);
  return loaded;
}

/** Layer l's cost at (k, k'), reading the only column when its cost ignores the successor. */
function costAt(p: ChoiceProblem, l: number, k: number, next: number): number {
  const row = p.cost[l][k];
  return row.length === 1 ? row[0] : row[next];
}

/** Objective and cost of a full assignment of choices. */
export function evaluateChoice(p: ChoiceProblem, choice: readonly number[]): ChoiceSolution {
  let objective = 0;
  let cost = 0;
  choice.forEach((k, l) => {
    objective += p.objective[l][k];
    cost += costAt(p, l, k, l + 1 < choice.length ? choice[l + 1] : 0);
  });
  return { choice: [...choice], objective, cost };
}

/** The cheapest assignment's cost, by dynamic programming along the chain of layers. */
export function minimumCost(p: ChoiceProblem): number {
  const L = p.objective.length;
  // best[k]: the cheapest cost of layers l..L−1 with layer l at choice k.
  let best = p.objective[L - 1].map((_, k) => costAt(p, L - 1, k, 0));
  for (let l = L - 2; l >= 0; l -= 1) {
    const after = best;
    best = p.objective[l].map((_, k) => Math.min(...after.map((b, next) => costAt(p, l, k, next) + b)));
  }
  return Math.min(...best);
}

/** Whether some layer's cost depends on the next layer's choice. */
function coupled(p: ChoiceProblem): boolean {
  return p.cost.some((rows, l) => l + 1 < p.cost.length && rows.some((row) => row.some((c) => c !== row[0])));
}

/** `a·x + b·y …` with zero terms left out (an all-zero sum keeps its first term). */
function linear(terms: [number, string][]): string {
  const kept = terms.filter(([c]) => c !== 0);
  return (kept.length ? kept : terms.slice(0, 1)).map(([c, v]) => `${c} ${v}`).join(' + ');
}

/** The problem in CPLEX LP format: objective scaled to [0, 1], the budget row divided by B. */
export function lpText(p: ChoiceProblem): string {
  const L = p.objective.length;
  const x = (l: number, k: number) => `x_${l}_${k}`;
  const y = (l: number, k: number, n: number) => `y_${l}_${k}_${n}`;
  const scale = Math.max(...p.objective.flat(), 0) || 1;
  const pairs = coupled(p);
  const objective: [number, string][] = p.objective.flatMap((row, l) =>
    row.map((o, k) => [o / scale, x(l, k)] as [number, string]),
  );
  const rows: string[] = p.objective.map(
    (row, l) => ` one_${l}: ${row.map((_, k) => x(l, k)).join(' + ')} = 1`,
  );
  const budget: [number, string][] = [];
  const yNames: string[] = [];
  p.objective.forEach((row, l) => {
    const last = l === L - 1 || !pairs;
    row.forEach((_, k) => {
      if (last) budget.push([costAt(p, l, k, 0) / p.budget, x(l, k)]);
      else
        p.objective[l + 1].forEach((__, n) => {
          budget.push([costAt(p, l, k, n) / p.budget, y(l, k, n)]);
          yNames.push(y(l, k, n));
        });
    });
    if (last) return;
    row.forEach((_, k) =>
      rows.push(
        ` out_${l}_${k}: ${p.objective[l + 1].map((__, n) => y(l, k, n)).join(' + ')} - ${x(l, k)} = 0`,
      ),
    );
    p.objective[l + 1].forEach((__, n) =>
      rows.push(` in_${l}_${n}: ${row.map((_, k) => y(l, k, n)).join(' + ')} - ${x(l + 1, n)} = 0`),
    );
  });
  rows.push(` budget: ${linear(budget)} <= 1`);
  const binaries = p.objective.flatMap((row, l) => row.map((_, k) => x(l, k)));
  return [
    'Minimize',
    ` obj: ${linear(objective)}`,
    'Subject To',
    ...rows,
    'Bounds',
    ...yNames.map((v) => ` 0 <= ${v} <= 1`),
    'Binary',
    ` ${binaries.join(' ')}`,
    'End',
  ].join('\n');
}

/**
 * Solves the problem to proven optimality (zero MIP gap). Throws {@link InfeasibleBudgetError}
 * when the budget is below the cheapest allocation, and an Error when HiGHS does not prove an
 * optimum or its answer exceeds the budget.
 */
export function solveChoices(highs: Highs, p: ChoiceProblem): ChoiceSolution {
  const minimum = minimumCost(p);
  if (minimum > p.budget) throw new InfeasibleBudgetError(p.budget, minimum);
  const result = highs.solve(lpText(p), {
    output_flag: false,
    // A few dozen binaries: presolve and primal heuristics cost more than they save here
    // (median 10 layers × 4 bitwidths: ~60 → ~30 ms, docs/mixed.md §5).
    presolve: 'off',
    mip_heuristic_effort: 0,
    mip_rel_gap: 0,
    mip_abs_gap: 0,
    mip_feasibility_tolerance: 1e-9,
    primal_feasibility_tolerance: 1e-9,
  });
  if (result.Status === 'Infeasible') throw new InfeasibleBudgetError(p.budget, minimum);
  if (result.Status !== 'Optimal')
    throw new Error(`the mixed-precision ILP ended with status '${result.Status}'`);
  const choice = p.objective.map((row, l) => {
    const k = row.findIndex((_, c) => (result.Columns[`x_${l}_${c}`]?.Primal ?? 0) > 0.5);
    if (k < 0) throw new Error(`the mixed-precision ILP chose nothing for layer ${l}`);
    return k;
  });
  const solution = evaluateChoice(p, choice);
  if (solution.cost > p.budget)
    throw new Error(`the ILP's allocation costs ${solution.cost}, over the budget ${p.budget}`);
  return solution;
}
