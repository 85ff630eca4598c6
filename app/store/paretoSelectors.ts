/**
 * Chart-ready data of the Pareto scatter (docs/style.md rule 4): every finished run of the session (manual
 * runs and browser sweep points) and every imported sweep point, reduced to (cost, accuracy) on the
 * chosen axis, grouped by weight bitwidth, with the frontier. Pure; Node-tested.
 */
import { costOfExperiment } from '../../src/cost/report';
import { COST_AXES, COST_AXIS_DEFS, costOnAxis, type CostAxis } from '../../src/cost/axes';
import type { CostTotals } from '../../src/cost/types';
import { FLOAT_BITS, type Experiment } from '../../src/experiment/schema';
import { coordsOf, paretoFrontier, type GridCoords } from '../../src/sweep';
import { logAxis, roundTicks } from './axes';
import type { SweepEntry } from './sweepSlice';
import type { LabState, RunState } from './types';

/** One point of the Pareto chart. */
export interface ParetoPoint {
  /** Unique: a run id (`run-3`) or a sweep entry key (`sweep 1/w4a4-x1-s1`). */
  key: string;
  label: string;
  source: 'run' | 'sweep' | 'file';
  /** Set for manual runs of this session: clicking the point shows that run. */
  runId?: string;
  coords: GridCoords;
  /** Test accuracy, 0–1. */
  testAccuracy: number;
  cost: CostTotals;
  experiment: Experiment;
}

/** One drawn marker: x = cost on the axis, y = accuracy in %. */
export interface ScatterRow {
  key: string;
  x: number;
  y: number;
}

/** Points of one weight bitwidth (one colour). */
export interface BitsGroup {
  bits: number;
  label: string;
  rows: ScatterRow[];
}

export interface ParetoView {
  groups: BitsGroup[];
  /** Frontier rows, cost ascending (drawn as a line). */
  frontier: ScatterRow[];
  x: { domain: [number, number]; ticks: number[] };
  y: { domain: [number, number]; ticks: number[] };
  /** Drawn points (finite cost and accuracy). */
  count: number;
}

/** Human names of the cost axes (the picker and the x-axis label). */
export const AXIS_LABEL = Object.fromEntries(COST_AXES.map((a) => [a, COST_AXIS_DEFS[a].label])) as Record<
  CostAxis,
  string
>;

/** "W4" or "float". */
export function bitsLabel(bits: number): string {
  return bits >= FLOAT_BITS ? 'float' : `W${bits}`;
}

/** Runs of the session that finished with a result, oldest first (stable references: select with useShallow). */
export function finishedRuns(s: Pick<LabState, 'runs' | 'runOrder'>): RunState[] {
  return s.runOrder.map((id) => s.runs[id]).filter((r): r is RunState => r?.result !== undefined);
}

/** A finished manual run as a Pareto point (cost recomputed from the experiment it ended with). */
export function pointOfRun(run: RunState): ParetoPoint | null {
  if (!run.result) return null;
  const experiment = run.result.experiment;
  return {
    key: run.id,
    label: `run ${run.number}`,
    source: 'run',
    runId: run.id,
    coords: coordsOf(experiment),
    testAccuracy: run.result.testAccuracy,
    cost: costOfExperiment(experiment).total,
    experiment,
  };
}

/** A sweep entry (browser sweep or imported file) as a Pareto point. */
export function pointOfEntry(e: SweepEntry): ParetoPoint {
  return {
    key: e.key,
    label: `${e.batch}: ${e.id}`,
    source: e.source,
    coords: e.coords,
    testAccuracy: e.testAccuracy,
    cost: e.cost,
    experiment: e.experiment,
  };
}

/** Every point of the session: manual runs first, then sweep entries in arrival order. */
export function paretoPoints(runs: readonly RunState[], entries: readonly SweepEntry[]): ParetoPoint[] {
  const fromRuns = runs.map(pointOfRun).filter((p): p is ParetoPoint => p !== null);
  return [...fromRuns, ...entries.map(pointOfEntry)];
}

const isDrawable = (p: ParetoPoint, axis: CostAxis): boolean => {
  const x = costOnAxis(p.cost, axis);
  return x > 0 && Number.isFinite(x) && Number.isFinite(p.testAccuracy);
};

const rowOf = (p: ParetoPoint, axis: CostAxis): ScatterRow => ({
  key: p.key,
  x: costOnAxis(p.cost, axis),
  y: 100 * p.testAccuracy,
});

/** The chart's data on `axis`: groups by weight bits (ascending), frontier, log x axis, % y axis. */
export function paretoView(points: readonly ParetoPoint[], axis: CostAxis): ParetoView {
  const drawable = points.filter((p) => isDrawable(p, axis));
  const byBits = new Map<number, ScatterRow[]>();
  for (const p of drawable)
    byBits.set(p.coords.weightBits, [...(byBits.get(p.coords.weightBits) ?? []), rowOf(p, axis)]);
  const groups = [...byBits.entries()]
    .sort(([a], [b]) => a - b)
    .map(([bits, rows]) => ({ bits, label: bitsLabel(bits), rows }));
  const frontier = paretoFrontier(
    drawable,
    (p) => costOnAxis(p.cost, axis),
    (p) => p.testAccuracy,
  ).map((p) => rowOf(p, axis));
  const xs = drawable.map((p) => costOnAxis(p.cost, axis));
  const ys = drawable.map((p) => 100 * p.testAccuracy);
  const yLo = ys.length ? Math.max(0, Math.floor(Math.min(...ys) / 5) * 5) : 0;
  const yHi = ys.length ? Math.min(100, Math.ceil(Math.max(...ys) / 5) * 5) : 100;
  const yDomain: [number, number] = yHi > yLo ? [yLo, yHi] : [Math.max(0, yLo - 5), Math.min(100, yHi + 5)];
  return {
    groups,
    frontier,
    x: xs.length ? logAxis(Math.min(...xs), Math.max(...xs)) : logAxis(1, 10),
    y: { domain: yDomain, ticks: roundTicks(yDomain[0], yDomain[1]) },
    count: drawable.length,
  };
}

/** The point with `key`, if any. */
export function findPoint(points: readonly ParetoPoint[], key: string | null): ParetoPoint | null {
  return key === null ? null : (points.find((p) => p.key === key) ?? null);
}

/** Short description of a point's configuration, e.g. "W4A4 · width 0.5× · seed 2 · QuantNorm". */
export function describeCoords(c: GridCoords): string {
  const b = (bits: number) => (bits >= FLOAT_BITS ? 'f' : String(bits));
  const bits =
    c.weightBits >= FLOAT_BITS && c.actBits >= FLOAT_BITS ? 'float' : `W${b(c.weightBits)}A${b(c.actBits)}`;
  const parts = [bits, `width ${c.width}×`, `seed ${c.seed}`];
  if (c.quantNorm) parts.push('QuantNorm');
  if (c.doubleQuant) parts.push('double quant');
  return parts.join(' · ');
}
