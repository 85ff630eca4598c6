/**
 * What the Sensitivity workspace shows, shaped from the store (docs/mixed.md §6): the trace chart's
 * bars with error bars, the ranking warning, and the allocation table beside the uniform one. Pure,
 * Node-tested.
 */
import { costOfExperiment } from '../../src/cost';
import type { Experiment } from '../../src/experiment/schema';
import type { BudgetAllocation } from '../../src/mixed/budget';
import { withAllocation, type BudgetAxis, type LayerBits } from '../../src/mixed/allocation';
import type { TraceSeedsReport } from '../../src/mixed/traceSeeds';

/** One bar group of the trace chart: a layer's trace at each seed with its standard error. */
export interface TraceBar {
  name: string;
  params: number;
  seed1: number;
  err1: number;
  seed2: number;
  err2: number;
}

export function traceBars(report: TraceSeedsReport): TraceBar[] {
  const [a, b] = report.seeds;
  return a.layers.map((l) => {
    const m = b.layers.find((x) => x.name === l.name)!;
    return {
      name: l.name,
      params: l.params,
      seed1: l.trace,
      err1: l.traceStdErr,
      seed2: m.trace,
      err2: m.traceStdErr,
    };
  });
}

/** The warning the trace chart shows, or null when both seeds rank the layers alike and resolve them. */
export function rankingWarning(report: TraceSeedsReport): string | null {
  const { sameOrder, overlapping } = report.agreement;
  const pairs = overlapping.map((p) => `${p.a}/${p.b}`).join(', ');
  if (!sameOrder)
    return 'The two probe seeds rank the layers differently by trace: the ranking is noise. Add probes before trusting it.';
  if (overlapping.length)
    return `Both seeds rank the layers alike, but the intervals of ${pairs} overlap: their order is not resolved. Add probes before trusting it.`;
  return null;
}

/** One row of the allocation table. */
export interface AllocationRow {
  name: string;
  weightBits: number;
  actBits: number;
  uniformBits: number | null;
  /** Ω at each candidate bitwidth, in the candidates' order. */
  omega: number[];
  /** The layer's cost on the budget axis in the allocation (size in bytes), by the lab's cost model. */
  cost: number;
}

/** The table's rows: the slider's allocation, or `layers` (a point picked on the chart) instead. */
export function allocationRows(
  exp: Experiment,
  allocation: BudgetAllocation,
  report: TraceSeedsReport,
  bits: readonly number[],
  axis: BudgetAxis,
  layers: readonly LayerBits[] = allocation.result.layers,
): AllocationRow[] {
  const { uniform } = allocation.result;
  const costs = costOfExperiment(withAllocation(exp, layers)).layers;
  return layers.map((l, i) => {
    const c = costs.find((x) => x.name === l.name);
    const s = report.sensitivity.find((x) => x.name === l.name);
    return {
      name: l.name,
      weightBits: l.weightBits,
      actBits: l.actBits,
      uniformBits: uniform?.layers[i]?.weightBits ?? null,
      omega: bits.map((b) => s?.omega[b] ?? NaN),
      cost: !c ? NaN : axis === 'size' ? c.sizeBits / 8 : c[axis],
    };
  });
}

/** A number in a short engineering form: 3 significant digits, exponent past 1e4. */
export function short(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : x.toPrecision(3);
}
