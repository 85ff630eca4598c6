/**
 * Chart-ready data from store state (docs/style.md rule 4): pure functions, Node-tested. Components select the
 * smallest stable piece of state (a series, a histogram) and shape it here inside `useMemo`.
 */
import type { TwinPoint } from '../../src/train/types';
import type { WeightHistogram } from '../worker/protocol';
import { DIVERGED_HINT } from './ingest';
import { activeRun } from './runSlice';
import { emptySeries, seriesPoints, thin, type Series } from './series';
import type { EvalRow, LabState, Mark, ReportRow, RunPhase, RunState } from './types';

/** Points drawn per line: enough for a smooth curve, few enough for a < 50 ms render. */
export const CHART_POINTS = 160;
/** Sampled weights drawn in the trajectory chart. */
export const MAX_TRAJECTORIES = 4;

/** The run the charts show: a picked earlier run, else the active one (none after a reset). */
export function selectViewedRun(s: Pick<LabState, 'runs' | 'activeRunId' | 'viewRunId'>): RunState | null {
  if (s.viewRunId && s.runs[s.viewRunId]) return s.runs[s.viewRunId];
  return activeRun(s);
}

const rowsOf = (reports: Series<ReportRow>): ReportRow[] => thin(seriesPoints(reports), CHART_POINTS);

/** One row of the loss or accuracy chart: the train value and, on evaluation steps, the test value(s). */
export interface MetricRow {
  step: number;
  train?: number;
  test?: number;
  testBn?: number;
}

/** Merges thinned train points and evaluations into rows sorted by step (one dataset per chart). */
function mergeRows(
  train: { step: number; value: number }[],
  evals: EvalRow[],
  test: (e: EvalRow) => number | undefined,
  testBn?: (e: EvalRow) => number | undefined,
): MetricRow[] {
  const byStep = new Map<number, MetricRow>();
  for (const p of train) byStep.set(p.step, { step: p.step, train: p.value });
  for (const e of evals) {
    const row = byStep.get(e.step) ?? { step: e.step };
    const t = test(e);
    if (t !== undefined && Number.isFinite(t)) row.test = t;
    const tb = testBn?.(e);
    if (tb !== undefined) row.testBn = tb;
    byStep.set(e.step, row);
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** Train and test loss over steps (non-finite losses are dropped: a diverged run ends at its last finite loss). */
export function lossSeries(reports: Series<ReportRow>, evals: Series<EvalRow>): MetricRow[] {
  const train = rowsOf(reports)
    .map((r) => ({ step: r.point.step, value: r.point.loss }))
    .filter((p) => Number.isFinite(p.value));
  return mergeRows(train, seriesPoints(evals), (e) => e.testLoss);
}

/** Train (batch) and test accuracy over steps, 0–1; `testBn` with BN re-estimation when enabled. */
export function accuracySeries(reports: Series<ReportRow>, evals: Series<EvalRow>): MetricRow[] {
  const train = rowsOf(reports).map((r) => ({ step: r.point.step, value: r.point.trainAccuracy }));
  return mergeRows(
    train,
    seriesPoints(evals),
    (e) => e.testAccuracy,
    (e) => e.testAccuracyBnReestimated,
  );
}

/** Rows `{step, "osc:<layer>", "frozen:<layer>"}` for layers with oscillation tracking. */
export function fractionSeries(reports: Series<ReportRow>): {
  layers: string[];
  rows: Record<string, number>[];
} {
  const rows = rowsOf(reports);
  const layers = new Set<string>();
  const out = rows.map((r) => {
    const row: Record<string, number> = { step: r.point.step };
    for (const l of r.layers) {
      if (l.oscillatingFraction === undefined) continue;
      layers.add(l.name);
      row[`osc:${l.name}`] = l.oscillatingFraction;
      row[`frozen:${l.name}`] = l.frozenFraction ?? 0;
    }
    return row;
  });
  return { layers: [...layers], rows: out };
}

/** One sampled weight at one report, for the hover card. */
export interface SampleDetail {
  index: number;
  latent: number;
  code: number;
  flips: number;
  frozen: boolean;
}

export interface Trajectories {
  /** Weight indices drawn, one line pair each (`u<i>` latent, `q<i>` code, in grid units). */
  indices: number[];
  rows: Array<Record<string, number> & { step: number }>;
  /** Hover details per row (same order as `rows`). */
  details: SampleDetail[][];
  /** Per row: the layer's (mean) weight scale and the zero point used for the grid units. */
  scales: number[];
  zeroPoints: number[];
  /** Integer grid points and rounding thresholds (half-integers) covering the lines. */
  grid: number[];
  thresholds: number[];
}

/** Most frequent value (ties: the smallest). */
function mode(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = 0;
  let bestCount = 0;
  for (const [v, c] of counts) if (c > bestCount || (c === bestCount && v < best)) [best, bestCount] = [v, c];
  return best;
}

/**
 * Sampled weight trajectories of `layer` in grid units: latent u = w/s + z against the integer code,
 * so grid points are integers and rounding thresholds half-integers whatever the (changing) scale.
 * The zero point z is the reported one when it is an integer (per-tensor); otherwise (per-channel
 * means, runs saved before it was reported) the most common code − round(w/s) of the row.
 */
export function trajectories(reports: Series<ReportRow>, layer: string): Trajectories {
  const rows: Trajectories['rows'] = [];
  const details: SampleDetail[][] = [];
  const scales: number[] = [];
  const zeroPoints: number[] = [];
  const indices: number[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rowsOf(reports)) {
    const report = r.layers.find((l) => l.name === layer);
    const scale = report?.weightScale;
    const samples = r.samples.filter((s) => s.layer === layer).slice(0, MAX_TRAJECTORIES);
    if (!scale || samples.length === 0) continue;
    const reported = report.weightZeroPoint;
    const z =
      reported !== undefined && Number.isInteger(reported)
        ? reported
        : mode(samples.map((s) => s.code - Math.round(s.latent / scale)));
    const row: Record<string, number> & { step: number } = { step: r.point.step };
    for (const s of samples) {
      if (!indices.includes(s.index)) indices.push(s.index);
      const u = s.latent / scale + z;
      row[`u${s.index}`] = u;
      row[`q${s.index}`] = s.code;
      lo = Math.min(lo, u, s.code);
      hi = Math.max(hi, u, s.code);
    }
    rows.push(row);
    scales.push(scale);
    zeroPoints.push(z);
    details.push(
      samples.map(({ index, latent, code, flips, frozen }) => ({ index, latent, code, flips, frozen })),
    );
  }
  if (rows.length === 0) return { indices, rows, details, scales, zeroPoints, grid: [], thresholds: [] };
  const gLo = Math.floor(lo);
  const gHi = Math.ceil(hi);
  const grid = Array.from({ length: gHi - gLo + 1 }, (_, i) => gLo + i);
  const thresholds = grid.length <= 24 ? grid.slice(0, -1).map((g) => g + 0.5) : [];
  return { indices, rows, details, scales, zeroPoints, grid: grid.length <= 24 ? grid : [], thresholds };
}

/** The oscillation-frequency histogram as step-area points on its bin edges (x = frequency). */
export function frequencyBars(hist: RunState['frequencyHistogram']): { x: number; count: number }[] {
  if (!hist || hist.counts.length === 0) return [];
  return hist.edges.map((x, i) => ({ x, count: hist.counts[Math.min(i, hist.counts.length - 1)] }));
}

/**
 * One layer's weight histogram as step-area points on the bin edges (x in grid units; the last edge
 * repeats the last count so `stepAfter` closes the final bin), the grid to overlay and integer ticks.
 */
export function weightBars(
  hists: WeightHistogram[],
  layer: string | null,
): { bars: { x: number; count: number }[]; grid: number[]; ticks: number[]; hist: WeightHistogram | null } {
  const hist = hists.find((h) => h.layer === layer) ?? hists[0] ?? null;
  if (!hist) return { bars: [], grid: [], ticks: [], hist: null };
  const bars = hist.edges.map((x, i) => ({ x, count: hist.counts[Math.min(i, hist.counts.length - 1)] }));
  if (hist.bits >= 32) return { bars, grid: [], ticks: [], hist };
  const levels = hist.qmax - hist.qmin + 1;
  // At most ~32 grid lines and ~9 ticks: every k-th level for wide grids.
  const every = Math.max(1, Math.ceil(levels / 32));
  const grid = Array.from({ length: Math.ceil(levels / every) }, (_, i) => hist.qmin + i * every);
  const tickEvery = Math.max(1, Math.ceil(levels / 9));
  const ticks = Array.from({ length: Math.ceil(levels / tickEvery) }, (_, i) => hist.qmin + i * tickEvery);
  return { bars, grid, ticks, hist };
}

/** Twin agreement, sign agreement and alignment error over steps. */
export function twinSeries(twin: Series<TwinPoint>): TwinPoint[] {
  return thin(seriesPoints(twin), CHART_POINTS);
}

/** Step counter: step, total, epoch (trainSize / batchSize steps each) and rate. */
export function progressOf(run: RunState | null): {
  step: number;
  total: number;
  epoch: number;
  stepsPerSec: number;
  phase: RunPhase | 'idle';
} {
  if (!run) return { step: 0, total: 0, epoch: 0, stepsPerSec: 0, phase: 'idle' };
  const { batchSize, steps } = run.experiment.train;
  const epoch = (run.stepsDone * batchSize) / run.experiment.data.trainSize;
  return { step: run.stepsDone, total: steps, epoch, stepsPerSec: run.stepsPerSec, phase: run.phase };
}

export interface Banner {
  id: 'diverged' | 'failed' | 'crashed';
  title: string;
  text: string;
  hint?: string;
}

/** The failure banner of the viewed run, if it ended badly. */
export function bannerOf(run: RunState | null): Banner | null {
  if (!run) return null;
  const why = run.reason ?? '';
  if (run.phase === 'diverged')
    return {
      id: 'diverged',
      title: `Run ${run.number} diverged at step ${run.stepsDone}`,
      text: why || 'The loss became NaN or infinite.',
      hint: DIVERGED_HINT,
    };
  if (run.phase === 'failed')
    return {
      id: 'failed',
      title: `Run ${run.number} failed`,
      text: why,
      hint: 'Reset and press play to try again; if it keeps failing, try ?backend=cpu.',
    };
  if (run.phase === 'crashed')
    return {
      id: 'crashed',
      title: `Run ${run.number} was lost`,
      text: why,
      hint: 'The worker was restarted; press play to train again.',
    };
  return null;
}

const NO_MARKS: Mark[] = [];
export const marksOf = (run: RunState | null): Mark[] => run?.marks ?? NO_MARKS;

const EMPTY_REPORTS = emptySeries<ReportRow>();
const EMPTY_EVALS = emptySeries<EvalRow>();
const EMPTY_TWIN = emptySeries<TwinPoint>();

/** What the step charts of the viewed run draw: stable references, for shallow selection. */
export function viewedSeries(s: LabState): {
  reports: Series<ReportRow>;
  evals: Series<EvalRow>;
  twin: Series<TwinPoint>;
  marks: Mark[];
} {
  const run = selectViewedRun(s);
  return {
    reports: run?.reports ?? EMPTY_REPORTS,
    evals: run?.evals ?? EMPTY_EVALS,
    twin: run?.twin ?? EMPTY_TWIN,
    marks: marksOf(run),
  };
}
