/**
 * Name → estimator registry. The names double as URL/CLI vocabulary (ESTIMATOR_NAMES in
 * src/experiment/schema.ts); `resolveEstimator` turns a config's {name, param} into the tensor
 * implementation, `estimatorDerivative` gives the plain-JS Q̂'(u) for the UI's plot and the mapping.
 */
import type { EstimatorName } from '../experiment/schema';
import { clippedSteEstimator } from './clippedSte';
import { ewgsCodeDelta, withClipMask } from './conventions';
import { cosineEstimator } from './cosine';
import { ewgsEstimator } from './ewgs';
import { assertParam } from './periodic';
import { pwlEstimator } from './pwl';
import { sigmoidEstimator } from './sigmoid';
import { steEstimator } from './ste';
import { tanhEstimator } from './tanh';
import type { EstimatorDef, EstimatorSpec, GradientEstimator } from './types';

/** Every estimator, keyed by its schema name. */
export const ESTIMATORS: Readonly<Record<EstimatorName, EstimatorDef>> = {
  ste: steEstimator,
  'clipped-ste': clippedSteEstimator,
  tanh: tanhEstimator,
  sigmoid: sigmoidEstimator,
  pwl: pwlEstimator,
  cosine: cosineEstimator,
  ewgs: ewgsEstimator,
};

/** Estimators registered at run time (not in the schema: for code and tests, not links). */
const extra = new Map<string, EstimatorDef>();

/**
 * Adds an estimator under `name` for quantizers built in code (a schema-validated experiment only
 * names built-ins: add those to {@link ESTIMATORS} and `ESTIMATOR_NAMES`). Returns the function that
 * removes it again.
 * @throws Error when the name is taken
 */
export function registerEstimator(name: string, def: EstimatorDef): () => void {
  if (Object.hasOwn(ESTIMATORS, name) || extra.has(name)) throw new Error(`estimator ${name} exists`);
  extra.set(name, def);
  return () => {
    extra.delete(name);
  };
}

/**
 * The def of an estimator name.
 * @throws Error for an unknown name
 */
export function estimatorDef(name: string): EstimatorDef {
  const def = Object.hasOwn(ESTIMATORS, name) ? ESTIMATORS[name as EstimatorName] : extra.get(name);
  if (!def) throw new Error(`unknown gradient estimator ${name}`);
  return def;
}

/**
 * The parameter a spec resolves to, in the lab's units: its own, else the registry default (NaN
 * when parameter-free). An EWGS δ in the paper's units is converted with `bits` (the quantizer's
 * bitwidth; without it, e.g. for a plot, the number is returned as given).
 */
export function resolveParam(spec: EstimatorSpec, bits?: number): number {
  const param = spec.param ?? estimatorDef(spec.name).defaultParam;
  if (spec.name !== 'ewgs' || spec.param === undefined || bits === undefined) return param;
  return ewgsCodeDelta(param, spec.deltaUnits, bits);
}

/**
 * The tensor implementation of a spec for a `bits`-bit quantizer, with the parameter resolved and
 * validated and the spec's conventions applied (conventions.ts).
 * @throws RangeError when the parameter is outside the estimator's range (e.g. cosine |a| ≥ 1;
 *   an EWGS δ after conversion to code units)
 */
export function resolveEstimator(spec: EstimatorSpec, bits?: number): GradientEstimator {
  const def = estimatorDef(spec.name);
  const param = resolveParam(spec, bits);
  if (def.paramRange) assertParam(def.name, param, def.paramRange);
  return withClipMask(def.create(param), spec);
}

/**
 * Q̂'(u) of a spec at one point u (grid units, Δ = 1), clip range ignored; for plots and the mapping.
 * EWGS: the branch for a positive gradient.
 */
export function estimatorDerivative(spec: EstimatorSpec, u: number, bits?: number): number {
  return estimatorDef(spec.name).derivative(u, resolveParam(spec, bits));
}

/** Vectorised {@link estimatorDerivative} over an array of u values (e.g. a plot's x axis). */
export function sampleDerivative(spec: EstimatorSpec, us: ArrayLike<number>, bits?: number): Float32Array {
  const def = estimatorDef(spec.name);
  const param = resolveParam(spec, bits);
  const out = new Float32Array(us.length);
  for (let i = 0; i < us.length; i++) out[i] = def.derivative(us[i], param);
  return out;
}
