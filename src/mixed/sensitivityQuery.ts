/**
 * The Sensitivity workspace's options and their form in a link's query (`?ws=sensitivity&sens=…`,
 * docs/mixed.md §6), e.g. `bits.2-4-8_axis.size_budget.30_probes.40_topk.3`; the codec is
 * src/experiment/optionsQuery.ts.
 */
import { optionsQuery, readInt, readIntList, readOneOf } from '../experiment/optionsQuery';
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
  /** Training images of the Hessian's loss (traces and spectrum). */
  batch: number;
  /** Spectrum: the model's top eigenvalues (the 2-D landscape needs 2). */
  topK: number;
  /** Spectrum: Lanczos steps of each SLQ run. */
  lanczos: number;
  /** Spectrum: SLQ runs (PyHessian's n_v). */
  slqRuns: number;
  /** Spectrum: landscape points per axis (odd, so the grid holds the trained weights). */
  points: number;
}

/** Small enough for a browser: 20 probes on 64 images (docs/mixed.md §6 for the times). */
export const SENSITIVITY_DEFAULTS: SensitivityOptions = {
  cheapBits: 4,
  bits: [2, 3, 4, 8],
  axis: 'bops',
  budget: 50,
  probes: 20,
  batch: 64,
  topK: 2,
  lanczos: 100,
  slqRuns: 1,
  points: 21,
};

export const SENSITIVITY_BITS = [2, 3, 4, 5, 6, 7, 8] as const;
export const PROBE_LIMITS = { min: 2, max: 200 } as const;
export const BATCH_LIMITS = { min: 8, max: 512 } as const;
export const TOP_K_LIMITS = { min: 1, max: 5 } as const;
export const LANCZOS_LIMITS = { min: 10, max: 200 } as const;
export const SLQ_RUN_LIMITS = { min: 1, max: 5 } as const;
export const POINT_LIMITS = { min: 5, max: 41 } as const;

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
    topK: clamp(o.topK ?? d.topK, TOP_K_LIMITS.min, TOP_K_LIMITS.max),
    lanczos: clamp(o.lanczos ?? d.lanczos, LANCZOS_LIMITS.min, LANCZOS_LIMITS.max),
    slqRuns: clamp(o.slqRuns ?? d.slqRuns, SLQ_RUN_LIMITS.min, SLQ_RUN_LIMITS.max),
    // Odd: the middle point is the trained model itself.
    points: clamp(o.points ?? d.points, POINT_LIMITS.min, POINT_LIMITS.max) | 1,
  };
}

const SENSITIVITY_QUERY = optionsQuery<SensitivityOptions>(
  'sensitivity',
  {
    at: { key: 'cheapBits', read: readInt },
    bits: { key: 'bits', read: readIntList },
    axis: { key: 'axis', read: readOneOf(BUDGET_AXES) },
    budget: { key: 'budget', read: readInt },
    probes: { key: 'probes', read: readInt },
    batch: { key: 'batch', read: readInt },
    topk: { key: 'topK', read: readInt },
    lanczos: { key: 'lanczos', read: readInt },
    runs: { key: 'slqRuns', read: readInt },
    points: { key: 'points', read: readInt },
  },
  SENSITIVITY_DEFAULTS,
  normalizeSensitivityOptions,
);

/** The query value for `o`: its fields that differ from the defaults; '' when none do. */
export const encodeSensitivityQuery = (o: SensitivityOptions): string => SENSITIVITY_QUERY.encode(o);

/** The options a query value asks for (normalized), and what of it could not be read. */
export const decodeSensitivityQuery = (value: string): { options: SensitivityOptions; warnings: string[] } =>
  SENSITIVITY_QUERY.decode(value);
