/**
 * Gradient estimators for round(): the forward pass always rounds; the backward pass multiplies the
 * incoming gradient by the estimator's surrogate derivative Q̂'(u), where u = x/s is the input in
 * units of the grid step (so Δ = 1 in u). SCIENCE.md §1.
 */
import type { EstimatorName } from '../experiment/schema';

export interface EstimatorSpec {
  name: EstimatorName;
  /** Shape parameter (see schema.ts); undefined = the registry default. */
  param?: number;
}
