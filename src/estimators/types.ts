/**
 * Gradient estimators for round(): the forward pass always rounds; the backward pass multiplies the
 * incoming gradient by the estimator's surrogate derivative Q̂'(u), where u = x/s is the input in
 * units of the grid step (so Δ = 1 in u). docs/science.md §1.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { DELTA_UNITS, EstimatorName, MASK_ON } from '../experiment/schema';

/** An estimator config: the schema's `estimator` (the conventions optional, default = the lab's). */
export interface EstimatorSpec {
  name: EstimatorName;
  /** Shape parameter (see schema.ts); undefined = the registry default. */
  param?: number;
  /** EWGS δ units (docs/conventions.md §2); default `code`. */
  deltaUnits?: (typeof DELTA_UNITS)[number];
  /** Zero the gradient outside [qmin, qmax] (docs/conventions.md §3); default false. */
  clipMask?: boolean;
  /** Where a clip mask tests v (docs/conventions.md §4); default `unrounded`. */
  maskOn?: (typeof MASK_ON)[number];
}

/**
 * Tensor side of one estimator, bound to its parameter. The fake-quant op (src/quant/fakeQuant.ts)
 * does the forward pass (always round + clamp) and calls `backward` in its gradFunc.
 */
export interface GradientEstimator {
  readonly name: EstimatorName;
  /** The resolved shape parameter (NaN for parameter-free estimators). */
  readonly param: number;
  /** False when `backward` ignores v (STE): the fake-quant then saves nothing for the backward pass. */
  readonly usesInput: boolean;
  /**
   * dx = dy·Q̂'(v) (EWGS: a function of dy too).
   * @param dy upstream gradient, any shape
   * @param v input in code units, v = x/s + z (so the bin width is 1 and rounding thresholds sit at
   *   k + 0.5); same shape as dy. z is an integer, so the cyclical position of v equals that of x/s.
   * @param qmin lower end of the integer grid
   * @param qmax upper end of the integer grid
   */
  backward(dy: Tensor, v: Tensor, qmin: number, qmax: number): Tensor;
}

/** Registry entry: the tensor implementation and the plain-JS derivative of one estimator. */
export interface EstimatorDef {
  readonly name: EstimatorName;
  /** Default shape parameter (NaN when the estimator has none). */
  readonly defaultParam: number;
  /** Open interval of valid parameters [lo, hi] (lo < param < hi); absent = no parameter. */
  readonly paramRange?: readonly [number, number];
  /** Human label of the parameter for the UI (e.g. `sharpness k`). */
  readonly paramLabel?: string;
  /**
   * True when Q̂' depends on u alone and is cyclical with period 1 and positive: the SGD mapping of
   * docs/science.md §1 (α, M) exists. False for EWGS (gradient-dependent).
   */
  readonly scalar: boolean;
  /**
   * Q̂'(u) at one point u (grid units, Δ = 1), ignoring the clip range: for the UI's plot and the
   * mapping integral. EWGS returns its branch for a positive gradient.
   */
  derivative(u: number, param: number): number;
  /** Binds the parameter (assumed valid, see {@link EstimatorDef.paramRange}). */
  create(param: number): GradientEstimator;
}
