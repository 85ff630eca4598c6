/**
 * What the allocation Pareto chart and the learned-bits panel draw (docs/mixed.md §6, §7), shaped
 * from plain results: the frontier, the uniform and random allocations and the slider's own as
 * chart rows, and a QBitOpt run's bits and cost over training. Pure, Node-tested.
 */
import type { QBitOptSummary } from '../../src/experiment/result';
import type { Allocation, BudgetAxis, LayerBits } from '../../src/mixed/allocation';
import type { AllocationFrontier, FrontierPoint } from '../../src/mixed/frontier';
import type { LabState, RunState } from './types';

/** One marker of the allocation chart: cost on the axis (x) against ΣΩ (y). */
export interface AllocationPointRow {
  key: string;
  label: string;
  x: number;
  y: number;
  /** Per-layer bits as `fc1 4/4, fc2 2/2`. */
  bits: string;
  layers: LayerBits[];
}

export interface AllocationChartView {
  frontier: AllocationPointRow[];
  uniform: AllocationPointRow[];
  random: AllocationPointRow[];
  /** The slider's allocation, null before one is solved. */
  current: AllocationPointRow | null;
  count: number;
}

/** `fc1 4/4, fc2 2/2`: weight/activation bits per layer. */
export const bitsText = (layers: readonly LayerBits[]): string =>
  layers.map((l) => `${l.name} ${l.weightBits}/${l.actBits}`).join(', ');

function row(key: string, label: string, a: Allocation, axis: BudgetAxis): AllocationPointRow {
  return { key, label, x: a.cost[axis], y: a.objective, bits: bitsText(a.layers), layers: a.layers };
}

/** The chart's series; the slider's allocation is priced on the frontier's axis. */
export function allocationChartView(f: AllocationFrontier, current: Allocation | null): AllocationChartView {
  const rows = (points: FrontierPoint[]) =>
    points.map((p) => row(`${p.kind}.${p.label}`, p.label, p, f.axis));
  const view = {
    frontier: rows(f.frontier),
    uniform: rows(f.uniform),
    random: rows(f.random),
    current: current && row('current', 'slider', current, f.axis),
  };
  return { ...view, count: view.frontier.length + view.uniform.length + view.random.length };
}

/** Every clickable row of the view, in the chart's order (the keyboard picker's options). */
export const pickableRows = (v: AllocationChartView): AllocationPointRow[] => [
  ...v.frontier,
  ...v.uniform,
  ...v.random,
];

/** One step of the bits-over-training chart: each layer's weight bits from `step` on. */
export type BitsStepRow = { step: number } & Record<string, number>;

/**
 * Per layer, weight bits against step as a step chart: one row per re-allocation, and one at the
 * run's last step holding the final bits (so the last segment reaches the end).
 */
export function bitsOverTraining(q: QBitOptSummary, steps: number): BitsStepRow[] {
  const rowOf = (step: number, layers: readonly LayerBits[]): BitsStepRow =>
    Object.assign({ step }, Object.fromEntries(layers.map((l) => [l.name, l.weightBits])));
  const rows = q.history.map((h) => rowOf(h.step, h.layers));
  const last = q.history.at(-1)?.step ?? -1;
  if (steps > last) rows.push(rowOf(steps, q.final.layers));
  return rows;
}

/** The learned bits' cost on the budget axis at each re-allocation, against the budget. */
export function costOverTraining(q: QBitOptSummary): { step: number; cost: number; budget: number }[] {
  return q.history.map((h) => ({ step: h.step, cost: h.cost[q.budget.axis], budget: q.budget.value }));
}

/** The run the learned-bits panel shows: the newest run whose experiment learns its bits. */
export function learnedBitsRun(s: Pick<LabState, 'runs' | 'runOrder'>): RunState | null {
  const id = [...s.runOrder].reverse().find((rid) => s.runs[rid]?.experiment.qbitopt !== undefined);
  return id === undefined ? null : (s.runs[id] ?? null);
}
