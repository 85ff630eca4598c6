/**
 * Float64 vector helpers and the symmetric tridiagonal eigensolver for Lanczos (pure: no tfjs).
 * Vectors are flat Float64Arrays over a parameter layout (./hvp.ts `paramSlices`).
 */
import type { Rng } from '../tensor/rng';

/** v · w. */
export function dot(v: Float64Array, w: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i += 1) s += v[i] * w[i];
  return s;
}

/** ‖v‖₂. */
export function norm(v: Float64Array): number {
  return Math.sqrt(dot(v, v));
}

/** v ← v + a·w (in place); returns v. */
export function axpy(v: Float64Array, a: number, w: Float64Array): Float64Array {
  for (let i = 0; i < v.length; i += 1) v[i] += a * w[i];
  return v;
}

/** v / ‖v‖ (a new vector; v itself when it is zero). */
export function normalize(v: Float64Array): Float64Array {
  const n = norm(v);
  return n > 0 ? v.map((x) => x / n) : v;
}

/**
 * v with its components along `basis` (orthonormal vectors) removed, then normalized: classical
 * Gram–Schmidt, applied twice ("twice is enough") so the result stays orthogonal in float64.
 */
export function orthonormalize(v: Float64Array, basis: readonly Float64Array[]): Float64Array {
  const out = Float64Array.from(v);
  for (let pass = 0; pass < 2; pass += 1) for (const b of basis) axpy(out, -dot(out, b), b);
  return normalize(out);
}

/** n entries ±1 with equal probability (Rademacher). */
export function rademacher(rng: Rng, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 1) out[i] = rng() < 0.5 ? -1 : 1;
  return out;
}

/** n standard-normal entries (Box–Muller). */
export function gaussian(rng: Rng, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rng()));
    const theta = 2 * Math.PI * rng();
    out[i] = r * Math.cos(theta);
    if (i + 1 < n) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

/** Eigenvalues of a symmetric tridiagonal matrix and the first component of each eigenvector. */
export interface TridiagonalEigen {
  /** Ascending. */
  values: number[];
  /** firstComponents[i] = first entry of the unit eigenvector of values[i]. */
  firstComponents: number[];
}

/**
 * Eigen-decomposition of the symmetric tridiagonal T with diagonal `alpha` [m] and off-diagonal
 * `beta` [m − 1]: the implicit QL algorithm with Wilkinson shifts (as in EISPACK's tql2), carrying
 * only the first row of the eigenvector matrix, which is all Gauss quadrature needs (Golub–Welsch).
 * @throws Error when an eigenvalue does not converge in 60 sweeps
 */
export function tridiagonalEigen(alpha: readonly number[], beta: readonly number[]): TridiagonalEigen {
  const m = alpha.length;
  const d = [...alpha];
  const e = [...beta, 0];
  const z: number[] = Array.from({ length: m }, (_, i) => (i === 0 ? 1 : 0));
  for (let l = 0; l < m; l += 1) {
    for (let iter = 0; ; iter += 1) {
      let k = l;
      while (k < m - 1 && Math.abs(e[k]) > Number.EPSILON * (Math.abs(d[k]) + Math.abs(d[k + 1]))) k += 1;
      if (k === l) break;
      if (iter === 60) throw new Error('tridiagonalEigen: no convergence');
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[k] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = k - 1;
      for (; i >= l; i -= 1) {
        const f = s * e[i];
        const b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1] -= p;
          e[k] = 0;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        const zi = z[i];
        z[i] = c * zi - s * z[i + 1];
        z[i + 1] = s * zi + c * z[i + 1];
      }
      if (r === 0 && i >= l) continue;
      d[l] -= p;
      e[l] = g;
      e[k] = 0;
    }
  }
  const order = d.map((_, i) => i).sort((a, b) => d[a] - d[b]);
  return { values: order.map((i) => d[i]), firstComponents: order.map((i) => z[i]) };
}
