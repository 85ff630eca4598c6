/**
 * The three estimators over any symmetric matrix-vector product v ↦ Hv (docs/hessian.md §3), with
 * PyHessian's rules and defaults: top eigenvalues by power iteration with deflation, the trace by
 * Hutchinson's estimator, the eigenvalue density by stochastic Lanczos quadrature. Pure: no tfjs.
 */
import type { Rng } from '../tensor/rng';
import { axpy, dot, gaussian, normalize, orthonormalize, rademacher, tridiagonalEigen } from './linalg';

/** A symmetric linear map on vectors of some dimension. */
export type MatVec = (v: Float64Array) => Float64Array;

/** Power-iteration settings (PyHessian's `eigenvalues(maxIter=100, tol=1e-3)`). */
export interface PowerOptions {
  maxIter: number;
  /** Stop when |λ_t − λ_{t−1}| / (|λ_{t−1}| + 1e-6) < tol. */
  tol: number;
}

export const POWER_DEFAULTS: PowerOptions = { maxIter: 100, tol: 1e-3 };

/** One eigenpair found by power iteration. */
export interface EigenEstimate {
  value: number;
  vector: Float64Array;
  /** Products spent on it. */
  iterations: number;
}

/**
 * The k eigenvalues of largest magnitude, in the order found: power iteration from a Gaussian
 * start, each iterate orthonormalized against the eigenvectors already found (deflation), λ the
 * Rayleigh quotient v·Hv.
 */
export function topEigenvalues(
  matvec: MatVec,
  dim: number,
  k: number,
  rng: Rng,
  options: PowerOptions = POWER_DEFAULTS,
): EigenEstimate[] {
  const found: EigenEstimate[] = [];
  const basis: Float64Array[] = [];
  for (let n = 0; n < Math.min(k, dim); n += 1) {
    let v = normalize(gaussian(rng, dim));
    let value: number | undefined;
    let iterations = 0;
    while (iterations < options.maxIter) {
      v = orthonormalize(v, basis);
      const hv = matvec(v);
      iterations += 1;
      const next = dot(hv, v);
      v = normalize(hv);
      const converged =
        value !== undefined && Math.abs(value - next) / (Math.abs(value) + 1e-6) < options.tol;
      value = next;
      if (converged) break;
    }
    const vector = orthonormalize(v, basis);
    basis.push(vector);
    found.push({ value: value ?? 0, vector, iterations });
  }
  return found;
}

/** A Hutchinson estimate: mean of the probes' v·Hv and its standard error. */
export interface TraceEstimate {
  trace: number;
  /** std of the per-probe estimates (n − 1 in the denominator) / √n; 0 for one probe. */
  stdErr: number;
  /** The per-probe estimates. */
  samples: number[];
}

/** Mean and standard error of per-probe estimates. */
export function traceFromSamples(samples: readonly number[]): TraceEstimate {
  const n = samples.length;
  const mean = samples.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? samples.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1) : 0;
  return { trace: mean, stdErr: Math.sqrt(variance / n), samples: [...samples] };
}

/** tr(H) ≈ mean over `probes` Rademacher vectors v of v·Hv. */
export function hutchinsonTrace(matvec: MatVec, dim: number, probes: number, rng: Rng): TraceEstimate {
  const samples: number[] = [];
  for (let i = 0; i < probes; i += 1) {
    const v = rademacher(rng, dim);
    samples.push(dot(v, matvec(v)));
  }
  return traceFromSamples(samples);
}

/** SLQ settings (PyHessian's `density(iter=100, n_v=1)`). */
export interface SlqOptions {
  /** Lanczos steps per run (capped at the dimension). */
  steps: number;
  /** Independent runs (starting vectors). */
  runs: number;
}

export const SLQ_DEFAULTS: SlqOptions = { steps: 100, runs: 1 };

/** Gauss-quadrature nodes (Ritz values) and weights of each SLQ run; each run's weights sum to 1. */
export interface SlqDensity {
  nodes: number[][];
  weights: number[][];
}

/**
 * Stochastic Lanczos quadrature: per run, Lanczos from a normalized Rademacher vector with full
 * reorthogonalization (a fresh Gaussian direction if β vanishes), then T's eigenvalues as nodes and
 * the squared first components of its eigenvectors as weights.
 */
export function slqDensity(
  matvec: MatVec,
  dim: number,
  rng: Rng,
  options: SlqOptions = SLQ_DEFAULTS,
): SlqDensity {
  const out: SlqDensity = { nodes: [], weights: [] };
  const steps = Math.min(options.steps, dim);
  for (let run = 0; run < options.runs; run += 1) {
    const basis = [normalize(rademacher(rng, dim))];
    const alpha: number[] = [];
    const beta: number[] = [];
    let w = matvec(basis[0]);
    alpha.push(dot(w, basis[0]));
    axpy(w, -alpha[0], basis[0]);
    for (let i = 1; i < steps; i += 1) {
      const b = Math.sqrt(dot(w, w));
      beta.push(b);
      const v = orthonormalize(b > 0 ? w : gaussian(rng, dim), basis);
      basis.push(v);
      w = matvec(v);
      alpha.push(dot(w, v));
      axpy(w, -alpha[i], v);
      axpy(w, -b, basis[i - 1]);
    }
    const { values, firstComponents } = tridiagonalEigen(alpha, beta);
    out.nodes.push(values);
    out.weights.push(firstComponents.map((z) => z * z));
  }
  return out;
}

/** Options of {@link densityOnGrid}: PyHessian's density plot. */
export interface GridOptions {
  bins: number;
  /** Gaussian variance σ², scaled by max(1, λ_max − λ_min) as in PyHessian. */
  sigmaSquared: number;
  /** Margin added beyond the extreme nodes. */
  overhead: number;
}

export const GRID_DEFAULTS: GridOptions = { bins: 10000, sigmaSquared: 1e-5, overhead: 0.01 };

/**
 * The SLQ density broadened by Gaussians on an even grid, averaged over runs and normalized so
 * that Σ density · Δλ = 1 (PyHessian's `density_generate`).
 */
export function densityOnGrid(
  slq: SlqDensity,
  options: GridOptions = GRID_DEFAULTS,
): { grid: number[]; density: number[] } {
  const runs = slq.nodes.length;
  const mean = (f: (xs: number[]) => number) => slq.nodes.reduce((s, xs) => s + f(xs), 0) / runs;
  const hi = mean((xs) => Math.max(...xs)) + options.overhead;
  const lo = mean((xs) => Math.min(...xs)) - options.overhead;
  const step = (hi - lo) / (options.bins - 1);
  const s2 = options.sigmaSquared * Math.max(1, hi - lo);
  const grid = Array.from({ length: options.bins }, (_, j) => lo + j * step);
  const density = grid.map((x) => {
    let sum = 0;
    slq.nodes.forEach((xs, r) =>
      xs.forEach((x0, i) => {
        sum += (slq.weights[r][i] * Math.exp(-((x0 - x) ** 2) / (2 * s2))) / Math.sqrt(2 * Math.PI * s2);
      }),
    );
    return sum / runs;
  });
  const total = density.reduce((a, b) => a + b, 0) * step;
  return { grid, density: density.map((d) => d / total) };
}
