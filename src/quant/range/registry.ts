/**
 * Name → range estimator registry (docs/science.md §5, §6). The names are URL/CLI vocabulary: the
 * schema's `RANGE_ESTIMATORS` (src/experiment/schema.ts), the runner's `--weight-range` /
 * `--act-range` choices and the UI's select all come from this table, in its order.
 *
 * A def says where a quantizer's scale comes from (`createSource`: a range tracker running a
 * {@link RangeRule}, or the LSQ learned scale) and what the rest of the lab may assume about it.
 * The schema imports this table, so loading the schema loads tfjs-core too; every place that reads
 * the schema (the worker, the runner, the UI's explain formulas via grid.ts) loads it anyway.
 */
import { klRule } from './kl';
import { mseRule } from './mse';
import { emaRule, hindsightRule, minMaxRule, percentileRule } from './rules';
import type { RangeRule } from './tracker';
import {
  createLsqSource,
  createTrackedSource,
  type ScaleSource,
  type ScaleSourceOptions,
} from '../scaleSource';

/** One range estimator. */
export interface RangeEstimatorDef {
  /** Name in the UI's select. */
  label: string;
  /** The scale is a trained parameter (LSQ): the quantizer hands it to the optimizer. */
  learned: boolean;
  /**
   * Every call's range is exactly the quantized tensor's own min/max. Then nothing clips (the
   * quantizer skips the clip fraction of weights), the fused oscillation step's x̂ is the
   * quantizer's, and with a symmetric grid every latent weight is inside the range (dampening).
   */
  exactMinMax: boolean;
  /**
   * An evaluation call takes the range from the tensor it quantizes (min–max, percentile), so the
   * range is the batch's, not a stored one; an integer model fixes it from calibration data
   * (docs/integer.md §1). Absent = the evaluation call uses a stored range.
   */
  dynamicEval?: boolean;
  /** The scale source of one quantizer (owns its variables). */
  createSource(o: ScaleSourceOptions): ScaleSource;
}

// scaleSource.ts imports this registry: the defs call into it lazily, never at load time.

/** A def for a stateful, non-learned estimator from its rule (rules.ts, mse.ts). */
export function trackedRange(
  label: string,
  rule: RangeRule,
  exactMinMax = false,
  dynamicEval = false,
): RangeEstimatorDef {
  return {
    label,
    learned: false,
    exactMinMax,
    dynamicEval,
    createSource: (o) => createTrackedSource(o, rule),
  };
}

/** Every built-in range estimator, keyed by its schema name; the key order is the schema's order. */
export const RANGE_ESTIMATOR_DEFS = {
  minmax: trackedRange('min–max', minMaxRule, true, true),
  ema: trackedRange('running min–max (EMA)', emaRule),
  mse: trackedRange('MSE search', mseRule),
  percentile: trackedRange('percentile', percentileRule, false, true),
  hindsight: trackedRange('in-hindsight', hindsightRule),
  lsq: { label: 'learned (LSQ)', learned: true, exactMinMax: false, createSource: (o) => createLsqSource(o) },
  kl: trackedRange('entropy (KL)', klRule),
} as const satisfies Record<string, RangeEstimatorDef>;

/** A built-in range estimator's name. */
export type RangeEstimatorName = keyof typeof RANGE_ESTIMATOR_DEFS;

/** The built-in names in table order (the schema's enum). */
export const RANGE_ESTIMATOR_NAMES = Object.keys(RANGE_ESTIMATOR_DEFS) as [
  RangeEstimatorName,
  ...RangeEstimatorName[],
];

/** Estimators registered at run time (not in the schema: for code and tests, not links). */
const extra = new Map<string, RangeEstimatorDef>();

/**
 * Adds a range estimator under `name` for quantizers built in code (a schema-validated experiment
 * only names built-ins: add those to {@link RANGE_ESTIMATOR_DEFS}). Returns the function that
 * removes it again.
 * @throws Error when the name is taken
 */
export function registerRangeEstimator(name: string, def: RangeEstimatorDef): () => void {
  if (Object.hasOwn(RANGE_ESTIMATOR_DEFS, name) || extra.has(name))
    throw new Error(`range estimator ${name} exists`);
  extra.set(name, def);
  return () => {
    extra.delete(name);
  };
}

/**
 * The def of a range estimator name.
 * @throws Error for an unknown name
 */
export function rangeEstimatorDef(name: string): RangeEstimatorDef {
  const def = Object.hasOwn(RANGE_ESTIMATOR_DEFS, name)
    ? RANGE_ESTIMATOR_DEFS[name as RangeEstimatorName]
    : extra.get(name);
  if (!def) throw new Error(`unknown range estimator ${name}`);
  return def;
}
