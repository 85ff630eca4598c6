/**
 * The SGD mapping of docs/science.md §1 (Schoenbauer et al. 2024): training with estimator Q̂' at learning
 * rate η from w₀ ≈ training with the STE at learning rate α·η from M(w₀).
 *
 *   α    = 1 / ∫_{u_b}^{u_b+1} ds / Q̂'(s)            (Δ = 1: weights in units of the scale)
 *   M(u) = u_b + α · ∫_{u_b}^{u} ds / Q̂'(s)           u_b = the rounding threshold below u
 *
 * u_b = floor(u − ½) + ½ (thresholds sit at k + ½), so M(k + ½) = k + ½, M is monotone and maps each
 * bin [k − ½, k + ½] onto itself: round(M(u)) = round(u). Q̂' is cyclical, so one bin is integrated
 * (trapezoid, MAPPING_POINTS intervals) and extended periodically. Plain JS, no tfjs.
 * Closed form for testing: cosine a → α = √(1 − a²) (0.866 at a = 0.5).
 * Not defined for EWGS (its factor depends on the gradient) or for a Q̂' that reaches 0.
 */
import { estimatorDef, resolveParam } from './registry';
import type { EstimatorSpec } from './types';

/** Trapezoid intervals over one bin. */
export const MAPPING_POINTS = 1000;

/** The mapping of one estimator: α and the cumulative integral table over one bin. */
export interface EstimatorMapping {
  /** Learning-rate factor α (STE lr = α · estimator lr). */
  alpha: number;
  /** F[i] = ∫_{−½}^{−½ + i/n} ds/Q̂'(s), i = 0..n (F[n] = 1/α). */
  cumulative: Float64Array;
}

/**
 * Computes α and the integral table for a spec.
 * @throws Error for EWGS (no scalar derivative) or a non-positive derivative
 */
export function computeMapping(spec: EstimatorSpec, points = MAPPING_POINTS): EstimatorMapping {
  const def = estimatorDef(spec.name);
  if (!def.scalar)
    throw new Error(`estimator ${spec.name}: no SGD mapping (the factor depends on the gradient)`);
  const param = resolveParam(spec);
  const inv = new Float64Array(points + 1);
  for (let i = 0; i <= points; i++) {
    const d = def.derivative(-0.5 + i / points, param);
    if (!(d > 0))
      throw new Error(
        `estimator ${spec.name}: Q̂' = ${d} at u = ${-0.5 + i / points}; the mapping needs Q̂' > 0`,
      );
    inv[i] = 1 / d;
  }
  const cumulative = new Float64Array(points + 1);
  const h = 1 / points;
  for (let i = 1; i <= points; i++) cumulative[i] = cumulative[i - 1] + (h * (inv[i - 1] + inv[i])) / 2;
  return { alpha: 1 / cumulative[points], cumulative };
}

/** Learning-rate factor α of a spec (1 for the STE). */
export function mappingAlpha(spec: EstimatorSpec): number {
  return computeMapping(spec).alpha;
}

/** M(u) for one value u (grid units) from a precomputed mapping. */
export function mapValue(m: EstimatorMapping, u: number): number {
  const n = m.cumulative.length - 1;
  const ub = Math.floor(u - 0.5) + 0.5;
  const t = (u - ub) * n;
  const i = Math.min(Math.floor(t), n - 1);
  const f = m.cumulative[i] + (t - i) * (m.cumulative[i + 1] - m.cumulative[i]);
  // Clamp guards float round-off at the top of the bin so M stays inside [ub, ub + 1].
  return Math.min(ub + m.alpha * f, ub + 1);
}

/**
 * Applies M elementwise to weights given in units of the scale (u = w/s).
 * @param us latent weights / scale, any length
 * @returns M(u) as a new Float32Array (multiply by s to get weights back)
 */
export function mapWeights(spec: EstimatorSpec, us: Float32Array): Float32Array {
  const m = computeMapping(spec);
  const out = new Float32Array(us.length);
  for (let i = 0; i < us.length; i++) out[i] = mapValue(m, us[i]);
  return out;
}
