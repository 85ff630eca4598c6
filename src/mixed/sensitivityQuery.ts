/**
 * The Sensitivity workspace's options and their form in a link's query (`?ws=sensitivity&sens=…`,
 * docs/mixed.md §6): only what differs from the defaults, as `key.value` pairs joined by `_`, e.g.
 * `bits.2-4-8_axis.size_budget.30_probes.40`. Decoding never throws: an unknown key or value is
 * dropped with a warning, a value out of bounds is clamped with one, and the rest still applies.
 */
import { BUDGET_AXES, type BudgetAxis } from './allocation';

export interface SensitivityOptions {
  /** Bitwidth of the cheap sensitivity (2–8). */
  cheapBits: number;
  /** Candidate weight bitwidths of the allocation (2–8, increasing, distinct). */
  bits: number[];
  axis: BudgetAxis;
  /** Budget as a percentage of the way from the cheapest (0) to the most expensive (100) allocation. */
  budget: number;
  /** Rademacher probes of each trace seed. */
  probes: number;
  /** Training images of the Hessian's loss. */
  batch: number;
}

/** Small enough for a browser: 20 probes on 64 images (docs/mixed.md §6 for the times). */
export const SENSITIVITY_DEFAULTS: SensitivityOptions = {
  cheapBits: 4,
  bits: [2, 3, 4, 8],
  axis: 'bops',
  budget: 50,
  probes: 20,
  batch: 64,
};

export const SENSITIVITY_BITS = [2, 3, 4, 5, 6, 7, 8] as const;
export const PROBE_LIMITS = { min: 2, max: 200 } as const;
export const BATCH_LIMITS = { min: 8, max: 512 } as const;

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(x)));
const isBits = (b: number) => (SENSITIVITY_BITS as readonly number[]).includes(b);

/** The options with every field in bounds (missing fields from the defaults). */
export function normalizeSensitivityOptions(o: Partial<SensitivityOptions>): SensitivityOptions {
  const d = SENSITIVITY_DEFAULTS;
  const bits = [...new Set((o.bits ?? d.bits).filter(isBits))].sort((a, b) => a - b);
  return {
    cheapBits: o.cheapBits !== undefined && isBits(o.cheapBits) ? o.cheapBits : d.cheapBits,
    bits: bits.length ? bits : d.bits,
    axis: o.axis !== undefined && BUDGET_AXES.includes(o.axis) ? o.axis : d.axis,
    budget: clamp(o.budget ?? d.budget, 0, 100),
    probes: clamp(o.probes ?? d.probes, PROBE_LIMITS.min, PROBE_LIMITS.max),
    batch: clamp(o.batch ?? d.batch, BATCH_LIMITS.min, BATCH_LIMITS.max),
  };
}

const show = (v: unknown): string => (Array.isArray(v) ? v.join('-') : String(v));
const int = (s: string) => (/^\d+$/.test(s) ? Number(s) : undefined);

/** Short name in the query → field and how to read it (undefined: not readable), in writing order. */
const FIELDS: Record<string, { key: keyof SensitivityOptions; read: (s: string) => unknown }> = {
  at: { key: 'cheapBits', read: int },
  bits: {
    key: 'bits',
    read: (s) => {
      const parts = s.split('-').map(int);
      return parts.every((b) => b !== undefined) ? parts : undefined;
    },
  },
  axis: { key: 'axis', read: (s) => ((BUDGET_AXES as readonly string[]).includes(s) ? s : undefined) },
  budget: { key: 'budget', read: int },
  probes: { key: 'probes', read: int },
  batch: { key: 'batch', read: int },
};

/** The query value for `o`: its fields that differ from the defaults; '' when none do. */
export function encodeSensitivityQuery(o: SensitivityOptions): string {
  return Object.entries(FIELDS)
    .filter(([, f]) => show(o[f.key]) !== show(SENSITIVITY_DEFAULTS[f.key]))
    .map(([name, f]) => `${name}.${show(o[f.key])}`)
    .join('_');
}

/** The options a query value asks for (normalized), and what of it could not be read. */
export function decodeSensitivityQuery(value: string): { options: SensitivityOptions; warnings: string[] } {
  const input: Record<string, unknown> = {};
  const warnings: string[] = [];
  for (const part of value.split('_').filter(Boolean)) {
    const dot = part.indexOf('.');
    const f = FIELDS[dot < 0 ? part : part.slice(0, dot)];
    const v = f && dot >= 0 ? f.read(part.slice(dot + 1)) : undefined;
    if (v === undefined) warnings.push(`sensitivity option "${part.slice(0, 40)}" is not one this lab reads`);
    else input[f!.key] = v;
  }
  const options = normalizeSensitivityOptions(input as Partial<SensitivityOptions>);
  for (const [name, f] of Object.entries(FIELDS)) {
    if (f.key in input && show(input[f.key]) !== show(options[f.key]))
      warnings.push(`sensitivity option ${name} ${show(input[f.key])} became ${show(options[f.key])}`);
  }
  return { options, warnings };
}
