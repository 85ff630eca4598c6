/**
 * Name → cost axis registry: what a sweep can be plotted and its frontier computed against. The
 * names are a public contract (sweep files, links' sweep state, the runner's `--axis`): the Pareto
 * chart's picker, the sweep file schema and the runner's flag choices all come from this table, in
 * its order. Pure (no tfjs).
 */
import { formatCount } from './format';
import type { CostTotals } from './types';

/** One cost axis. Every value is per sample; the chart draws it on a log scale (values > 0). */
export interface CostAxisDef {
  /** Name in the picker and on the x axis. */
  label: string;
  /** Unit of the value, for tables and help text. */
  unit: string;
  /** The axis value of a model's cost totals. */
  value(t: CostTotals): number;
  /** Short rendering of a value (tooltips, runner progress lines). */
  format(v: number): string;
  /** The label of the cost explanation's line for this axis (app/components/explain), if it has one. */
  explainLine?: string;
}

/** Every built-in axis, keyed by its name; the key order is the picker's and the schema's order. */
export const COST_AXIS_DEFS = {
  ace: { label: 'ACE', unit: 'ACE units', value: (t) => t.ace, format: formatCount, explainLine: 'ACE' },
  acev2: {
    label: 'ACEv2 (lab)',
    unit: 'ACE units',
    value: (t) => t.acev2,
    format: formatCount,
    explainLine: 'ACEv2 (the lab’s)',
  },
  bops: {
    label: 'BOPs',
    unit: 'bit operations',
    value: (t) => t.bops,
    format: formatCount,
    explainLine: 'BOPs',
  },
  sizeBits: {
    label: 'size (bits)',
    unit: 'bits',
    value: (t) => t.sizeBits,
    format: formatCount,
    explainLine: 'size',
  },
  macs: {
    label: 'MACs',
    unit: 'MACs',
    value: (t) => t.macs,
    format: formatCount,
    explainLine: 'MACs per image',
  },
} as const satisfies Record<string, CostAxisDef>;

/** A built-in cost axis's name. */
export type CostAxis = keyof typeof COST_AXIS_DEFS;

/** Cost axes a sweep can be plotted / its frontier computed against, in table order. */
export const COST_AXES = Object.keys(COST_AXIS_DEFS) as [CostAxis, ...CostAxis[]];

/** Axes registered at run time (not in sweep files' schema: for code and tests). */
const extra = new Map<string, CostAxisDef>();

/**
 * Adds a cost axis under `name` for code that computes frontiers directly (sweep files name only
 * built-ins: add those to {@link COST_AXIS_DEFS}). Returns the function that removes it again.
 * @throws Error when the name is taken
 */
export function registerCostAxis(name: string, def: CostAxisDef): () => void {
  if (Object.hasOwn(COST_AXIS_DEFS, name) || extra.has(name)) throw new Error(`cost axis ${name} exists`);
  extra.set(name, def);
  return () => {
    extra.delete(name);
  };
}

/**
 * The def of an axis name.
 * @throws Error for an unknown name
 */
export function costAxisDef(name: string): CostAxisDef {
  const def = Object.hasOwn(COST_AXIS_DEFS, name) ? COST_AXIS_DEFS[name as CostAxis] : extra.get(name);
  if (!def) throw new Error(`unknown cost axis ${name}`);
  return def;
}

/** The value of `t` on `axis`. */
export function costOnAxis(t: CostTotals, axis: string): number {
  return costAxisDef(axis).value(t);
}

/** The value of `t` on `axis`, formatted by the axis (e.g. "2.10G"). */
export function formatOnAxis(t: CostTotals, axis: string): string {
  const def = costAxisDef(axis);
  return def.format(def.value(t));
}
