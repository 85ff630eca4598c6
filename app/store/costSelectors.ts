/**
 * Chart-ready data of the per-layer cost breakdown (docs/style.md rule 4): a pure view of the current
 * experiment's cost report (src/cost `costOfExperiment`). Node-tested.
 */
import { COST_KINDS } from '../../src/cost/terms';
import type { CostKind, CostReport, CostTotals } from '../../src/cost/types';

/**
 * Stacked-bar segments, in the order of the forward pass: the MAC term, then each elementwise kind
 * (the cost term registry, src/cost/terms.ts).
 */
export const BREAKDOWN_KINDS: readonly CostKind[] = COST_KINDS;

/** One bar group: a layer (or the total) with each kind's share of its ACEv2 in %, and ACE vs ACEv2. */
export type BreakdownRow = { layer: string; ace: number; acev2: number } & Record<CostKind, number>;

/** Shares (%, summing to 100) of each kind in `t.acev2`. */
function shares(t: CostTotals): Record<CostKind, number> {
  const out = {} as Record<CostKind, number>;
  for (const k of BREAKDOWN_KINDS) out[k] = t.acev2 > 0 ? (100 * t.acev2Breakdown[k]) / t.acev2 : 0;
  return out;
}

/** One row per layer, then a `total` row. */
export function breakdownRows(report: CostReport): BreakdownRow[] {
  const rows = report.layers.map((l) => ({ layer: l.name, ace: l.ace, acev2: l.acev2, ...shares(l) }));
  return [
    ...rows,
    { layer: 'total', ace: report.total.ace, acev2: report.total.acev2, ...shares(report.total) },
  ];
}

/** The totals the breakdown card prints (and e2e tests read). */
export interface CostSummary {
  ace: number;
  acev2: number;
  /** ACEv2 / ACE: how much the elementwise work adds on top of the MACs. */
  ratio: number;
  /** Share of the MAC term in ACEv2, %. */
  macSharePct: number;
  sizeBits: number;
}

export function costSummary(report: CostReport): CostSummary {
  const t = report.total;
  return {
    ace: t.ace,
    acev2: t.acev2,
    ratio: t.ace > 0 ? t.acev2 / t.ace : NaN,
    macSharePct: t.acev2 > 0 ? (100 * t.acev2Breakdown.mac) / t.acev2 : 0,
    sizeBits: t.sizeBits,
  };
}
