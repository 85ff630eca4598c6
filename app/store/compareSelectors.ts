/**
 * Chart- and table-ready data for comparing saved runs (docs/style.md rule 4): pure, Node-tested. EMA
 * smoothing, overlay rows (one column per run), seed groups (mean line + min–max band), and the run
 * table (sortable rows, differing config keys).
 */
import { diffExperiments } from '../../src/experiment/export';
import type { Experiment } from '../../src/experiment/schema';
import type { LinkSummary } from '../../src/experiment/url';
import type { HistoryPoint } from '../../src/train/types';
import type { StoredRun } from '../persist/runStore';

/** Largest smoothing weight the slider allows (1 would freeze the curve at its first value). */
export const MAX_SMOOTHING = 0.99;

/**
 * Exponential moving average with TensorBoard's weight convention: `s_t = w·s_{t−1} + (1−w)·v_t`,
 * `s_0 = v_0`, w ∈ [0, {@link MAX_SMOOTHING}] (0 = raw). Non-finite values (null, NaN, ±∞) stay null
 * and do not disturb the average. Same length as the input.
 */
export function emaSmooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  const w = Math.min(MAX_SMOOTHING, Math.max(0, Number.isFinite(weight) ? weight : 0));
  let last: number | null = null;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return null;
    last = last === null ? v : w * last + (1 - w) * v;
    return last;
  });
}

/** The measures a comparison chart can show. */
export type CompareMetric = 'loss' | 'trainAccuracy' | 'testAccuracy';

/** `(step, value)` of one metric of a run, in step order; only points that carry the metric. */
export function metricPoints(
  history: readonly HistoryPoint[],
  metric: CompareMetric,
): { step: number; value: number }[] {
  const out: { step: number; value: number }[] = [];
  for (const p of history) {
    const v = p[metric];
    if (v !== undefined && Number.isFinite(v)) out.push({ step: p.step, value: v });
  }
  return out.sort((a, b) => a.step - b.step);
}

/** One row of an overlay chart: `step` plus one column per line key (absent = no point there). */
export type OverlayRow = { step: number } & Record<string, number | [number, number] | undefined>;

/** A line of an overlay chart: a run, or the mean of a seed group (with its `band` column). */
export interface OverlayLine {
  key: string;
  label: string;
  /** Column of the min–max band (`[min, max]`), for seed groups only. */
  bandKey?: string;
  members: number;
}

/** Config of a run with the seed and name blanked: runs equal under this differ only in seed. */
export function seedGroupKey(exp: Experiment): string {
  return JSON.stringify({ ...exp, seed: 0, name: '' });
}

/** Runs grouped by {@link seedGroupKey}, in the order of their first member. */
export function groupBySeed<T extends { experiment: Experiment }>(runs: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const r of runs) {
    const key = seedGroupKey(r.experiment);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()];
}

function addColumn(
  rows: Map<number, OverlayRow>,
  key: string,
  step: number,
  value: number | [number, number],
) {
  const row = rows.get(step) ?? { step };
  row[key] = value;
  rows.set(step, row);
}

/**
 * Overlay rows of `metric` for `runs`, EMA-smoothed with `smoothing`. With `groupSeeds`, runs that
 * differ only in seed become one line `g:<first id>` (mean over the members that have the step) and
 * a band `g:<first id>:band` = [min, max]; single runs stay lines keyed by run id.
 */
export function overlaySeries(
  runs: readonly Pick<StoredRun, 'id' | 'name' | 'experiment' | 'history'>[],
  metric: CompareMetric,
  smoothing: number,
  groupSeeds: boolean,
): { rows: OverlayRow[]; lines: OverlayLine[] } {
  const rows = new Map<number, OverlayRow>();
  const lines: OverlayLine[] = [];
  const smoothed = (run: (typeof runs)[number]) => {
    const pts = metricPoints(run.history, metric);
    const vals = emaSmooth(
      pts.map((p) => p.value),
      smoothing,
    );
    return pts.map((p, i) => ({ step: p.step, value: vals[i] as number }));
  };
  const groups = groupSeeds ? groupBySeed(runs) : runs.map((r) => [r]);
  for (const group of groups) {
    if (group.length === 1) {
      const run = group[0];
      for (const p of smoothed(run)) addColumn(rows, run.id, p.step, p.value);
      lines.push({ key: run.id, label: run.name, members: 1 });
      continue;
    }
    const key = `g:${group[0].id}`;
    const byStep = new Map<number, number[]>();
    for (const run of group)
      for (const p of smoothed(run)) byStep.set(p.step, [...(byStep.get(p.step) ?? []), p.value]);
    for (const [step, vals] of byStep) {
      addColumn(rows, key, step, vals.reduce((a, b) => a + b, 0) / vals.length);
      addColumn(rows, `${key}:band`, step, [Math.min(...vals), Math.max(...vals)]);
    }
    const seeds = group.map((r) => r.experiment.seed).join(', ');
    lines.push({
      key,
      label: `${group[0].name} (mean of seeds ${seeds})`,
      bandKey: `${key}:band`,
      members: group.length,
    });
  }
  return { rows: [...rows.values()].sort((a, b) => a.step - b.step), lines };
}

/** One row of the run table. */
export interface RunTableRow {
  id: string;
  name: string;
  status: string;
  /** Final test accuracy 0–1 (the result's, else the last evaluation's), or null. */
  testAccuracy: number | null;
  /** Last training loss, or null. */
  loss: number | null;
  /** `W<weight bits>A<act bits>` (32 = float). */
  bits: string;
  estimator: string;
  arch: string;
  seed: number;
  steps: number;
  createdAt: number;
}

/** Sortable columns of the run table. */
export type RunTableColumn = Exclude<keyof RunTableRow, 'id'>;

/** A run as a table row. */
export function runTableRow(run: StoredRun): RunTableRow {
  const e = run.experiment;
  const lastEval = [...run.history].reverse().find((p) => p.testAccuracy !== undefined)?.testAccuracy;
  const acc = run.result?.testAccuracy ?? lastEval;
  const loss = run.history.at(-1)?.loss;
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    testAccuracy: acc !== undefined && Number.isFinite(acc) ? acc : null,
    loss: loss !== undefined && Number.isFinite(loss) ? loss : null,
    bits: `W${e.quant.weight.bits}A${e.quant.act.bits}`,
    estimator: e.estimator.name,
    arch: e.model.arch,
    seed: e.seed,
    steps: run.history.at(-1)?.step ?? 0,
    createdAt: run.createdAt,
  };
}

/** Rows sorted by `column` (nulls last in both directions; ties keep creation order). */
export function sortRunRows(
  rows: readonly RunTableRow[],
  column: RunTableColumn,
  descending: boolean,
): RunTableRow[] {
  const sign = descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = a[column];
    const y = b[column];
    if (x === null || y === null) return x === y ? a.createdAt - b.createdAt : x === null ? 1 : -1;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return c !== 0 ? sign * c : a.createdAt - b.createdAt;
  });
}

/** Config keys (dotted, `name` excluded) that differ among the runs, for highlighting; [] for < 2 runs. */
export function differingKeys(runs: readonly Pick<StoredRun, 'experiment'>[]): string[] {
  if (runs.length < 2) return [];
  return diffExperiments(...runs.map((r) => r.experiment)).filter((k) => k !== 'name');
}

/** Which table columns show a differing config key (so the cell can be highlighted). */
export const COLUMN_KEYS: Partial<Record<RunTableColumn, (key: string) => boolean>> = {
  bits: (k) => k === 'quant.weight.bits' || k === 'quant.act.bits',
  estimator: (k) => k.startsWith('estimator.'),
  arch: (k) => k.startsWith('model.'),
  seed: (k) => k === 'seed',
  steps: (k) => k === 'train.steps',
};

/** One row of a shared-result chart: the link's ghost curves and the current run's, by step. */
export interface GhostRow {
  step: number;
  ghost?: number;
  ghostTest?: number;
  live?: number;
  liveTest?: number;
}

/**
 * Rows of the shared-result chart for `metric` (`loss`, or `accuracy` = train + test accuracy): the
 * link summary's curves as `ghost*` columns, the current run's history as `live*` columns.
 */
export function ghostRows(
  summary: Pick<LinkSummary, 'steps' | 'loss' | 'trainAccuracy' | 'evalSteps' | 'evalAccuracy'>,
  history: readonly HistoryPoint[],
  metric: 'loss' | 'accuracy',
): GhostRow[] {
  const rows = new Map<number, GhostRow>();
  const put = (step: number, key: keyof Omit<GhostRow, 'step'>, v: number | null | undefined) => {
    if (v === null || v === undefined || !Number.isFinite(v)) return;
    const row = rows.get(step) ?? { step };
    row[key] = v;
    rows.set(step, row);
  };
  const ghost = metric === 'loss' ? summary.loss : summary.trainAccuracy;
  summary.steps.forEach((step, i) => put(step, 'ghost', ghost[i]));
  if (metric === 'accuracy')
    summary.evalSteps.forEach((step, i) => put(step, 'ghostTest', summary.evalAccuracy[i]));
  for (const p of history) {
    put(p.step, 'live', metric === 'loss' ? p.loss : p.trainAccuracy);
    put(p.step, 'liveTest', metric === 'loss' ? p.testLoss : p.testAccuracy);
  }
  return [...rows.values()].sort((a, b) => a.step - b.step);
}
