/**
 * Chart-ready data of the calibration view (docs/ptq.md §12): histogram bars, each estimator's
 * clipping points and table row, and the ranges over calibration batches. Pure (Node-tested).
 */
import type { CalibrationViewResult } from '../../src/ptq/calibrationView';
import type { ComparedRange } from '../../src/quant/range/compare';
import { RANGE_ESTIMATOR_DEFS } from '../../src/quant/range/registry';

/** One colour per compared estimator, shared by the lines, the table and the stability chart. */
export const ESTIMATOR_COLORS: Record<ComparedRange, string> = {
  minmax: '#595959',
  percentile: '#1a7a1a',
  mse: '#1f6fb4',
  kl: '#c62828',
};

export const estimatorLabel = (name: ComparedRange): string => RANGE_ESTIMATOR_DEFS[name].label;

/** Histogram bars at bin centres; `log` plots log₁₀(1 + count) so single outliers stay visible. */
export function calibrationBars(r: CalibrationViewResult, log: boolean): { x: number; count: number }[] {
  const { edges, counts } = r.histogram;
  return counts.map((c, i) => ({ x: (edges[i]! + edges[i + 1]!) / 2, count: log ? Math.log10(1 + c) : c }));
}

/** Each estimator's clipping points (an end at 0 is where the grid starts, not a clip: left out). */
export function clippingLines(r: CalibrationViewResult): { name: ComparedRange; x: number }[] {
  return r.rows.flatMap((row) => [row.lo, row.hi].filter((x) => x !== 0).map((x) => ({ name: row.name, x })));
}

/** The stability table: per batch size, each estimator's upper end as min…max over the seeds. */
export function stabilityRows(
  r: CalibrationViewResult,
): { batchSize: number; ranges: Record<ComparedRange, { low: number; high: number }> }[] {
  if (!r.stability) return [];
  const sizes = [...new Set(r.stability.map((p) => p.batchSize))];
  return sizes.map((batchSize) => {
    const points = r.stability!.filter((p) => p.batchSize === batchSize);
    const ranges = Object.fromEntries(
      r.rows.map(({ name }) => {
        const his = points.map((p) => p.ranges[name].hi);
        return [name, { low: Math.min(...his), high: Math.max(...his) }];
      }),
    ) as Record<ComparedRange, { low: number; high: number }>;
    return { batchSize, ranges };
  });
}

/** A number for the tables: 3 significant digits, exponent form for very small or large ones. */
export function formatValue(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a < 1e-3 || a >= 1e4 ? x.toExponential(2) : x.toPrecision(3);
}
