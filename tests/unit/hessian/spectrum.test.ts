/**
 * The pure estimators on matrices whose answers are known: the tridiagonal eigensolver, power
 * iteration with deflation, Hutchinson's trace and its standard error, and SLQ's density.
 */
import { describe, expect, it } from 'vitest';
import { tridiagonalEigen } from '../../../src/hessian/linalg';
import {
  densityOnGrid,
  GRID_DEFAULTS,
  hutchinsonTrace,
  slqDensity,
  topEigenvalues,
  traceFromSamples,
} from '../../../src/hessian/spectrum';
import { createRng } from '../../../src/tensor/rng';

/** A dense symmetric matrix as a matrix-vector closure. */
function matvecOf(a: number[][]): (v: Float64Array) => Float64Array {
  return (v) => Float64Array.from(a.map((row) => row.reduce((s, x, j) => s + x * v[j], 0)));
}

/** Q diag(λ) Qᵀ for a fixed orthogonal Q (a product of Givens rotations), n × n. */
function withSpectrum(lambda: number[]): number[][] {
  const n = lambda.length;
  const q: number[][] = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)),
  );
  for (let i = 0; i + 1 < n; i += 1) {
    const t = 0.3 + 0.1 * i;
    const [c, s] = [Math.cos(t), Math.sin(t)];
    for (const row of q) [row[i], row[i + 1]] = [c * row[i] - s * row[i + 1], s * row[i] + c * row[i + 1]];
  }
  return q.map((qi) => q.map((qj) => lambda.reduce((s, l, k) => s + l * qi[k] * qj[k], 0)));
}

describe('tridiagonal eigensolver', () => {
  it('finds the eigenvalues 2 − 2cos(kπ/(n+1)) and first components of tridiag(−1, 2, −1)', () => {
    const n = 12;
    const { values, firstComponents } = tridiagonalEigen(Array(n).fill(2), Array(n - 1).fill(-1));
    for (let k = 1; k <= n; k += 1) {
      const angle = (k * Math.PI) / (n + 1);
      expect(values[k - 1]).toBeCloseTo(2 - 2 * Math.cos(angle), 12);
      expect(Math.abs(firstComponents[k - 1])).toBeCloseTo(Math.sqrt(2 / (n + 1)) * Math.sin(angle), 12);
    }
  });
});

describe('power iteration with deflation', () => {
  it('finds the three eigenvalues of largest magnitude of a known matrix, in order', () => {
    const lambda = [9, -6, 4, 1, 0.5, 0.25, 0.1, 0];
    const found = topEigenvalues(matvecOf(withSpectrum(lambda)), lambda.length, 3, createRng(1, 't'), {
      maxIter: 500,
      tol: 1e-9,
    });
    expect(found.map((e) => e.value)).toEqual([
      expect.closeTo(9, 6),
      expect.closeTo(-6, 6),
      expect.closeTo(4, 6),
    ]);
  });
});

describe('Hutchinson trace', () => {
  it('is exact on a diagonal matrix (v_i² = 1) with zero standard error', () => {
    const d = [3, -1, 0.5, 2, 7];
    const est = hutchinsonTrace((v) => v.map((x, i) => d[i] * x), d.length, 20, createRng(2, 't'));
    expect(est.trace).toBeCloseTo(11.5, 12);
    expect(est.stdErr).toBe(0);
  });

  it('reports the mean and std / √n of its samples', () => {
    const est = traceFromSamples([1, 2, 3, 4]);
    expect(est.trace).toBe(2.5);
    expect(est.stdErr).toBeCloseTo(Math.sqrt(5 / 3) / 2, 12);
  });

  it('has an error within a few standard errors on a dense matrix', () => {
    const a = withSpectrum([5, 3, 2, 1, -1, 0.5]);
    const est = hutchinsonTrace(matvecOf(a), 6, 400, createRng(3, 't'));
    expect(est.stdErr).toBeGreaterThan(0);
    expect(Math.abs(est.trace - 10.5)).toBeLessThan(4 * est.stdErr);
  });
});

describe('stochastic Lanczos quadrature', () => {
  const lambda = [4, 3, 2.5, 1, 0.5, -0.5, -2, 6];
  const a = withSpectrum(lambda);
  const slq = slqDensity(matvecOf(a), lambda.length, createRng(4, 't'), { steps: 100, runs: 3 });

  it('recovers the spectrum: m = n steps give the exact eigenvalues, weights summing to 1', () => {
    for (let r = 0; r < 3; r += 1) {
      expect(slq.nodes[r]).toHaveLength(lambda.length);
      [...lambda].sort((x, y) => x - y).forEach((l, i) => expect(slq.nodes[r][i]).toBeCloseTo(l, 8));
      expect(slq.weights[r].reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
    }
  });

  it('has first moment v·Hv, whose mean over runs estimates tr(H)/n (exact on a diagonal matrix)', () => {
    const d = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const diag = slqDensity((v) => v.map((x, i) => d[i] * x), d.length, createRng(5, 't'), {
      steps: 6,
      runs: 2,
    });
    for (let r = 0; r < 2; r += 1) {
      const moment = diag.nodes[r].reduce((s, x, i) => s + x * diag.weights[r][i], 0);
      expect(moment).toBeCloseTo(5.5, 10);
    }
  });

  it('puts its mass at the eigenvalues of a diagonal matrix, in proportion to their multiplicity', () => {
    // diag(1, 1, 1, 4, 4, 9): three Lanczos steps span the Krylov space of its three distinct values.
    const d = [1, 1, 1, 4, 4, 9];
    const slq = slqDensity((v) => v.map((x, i) => d[i] * x), d.length, createRng(9, 'm'), {
      steps: 3,
      runs: 3,
    });
    // PyHessian's margin of 0.01 cuts the extreme nodes' Gaussians (σ ≈ 0.009 here); a wider one keeps them.
    const { grid, density } = densityOnGrid(slq, { ...GRID_DEFAULTS, overhead: 0.5 });
    const step = grid[1] - grid[0];
    const mass = (at: number) =>
      grid.reduce((s, x, j) => (Math.abs(x - at) < 0.5 ? s + density[j] * step : s), 0);
    expect(density.reduce((s, x) => s + x, 0) * step).toBeCloseTo(1, 8);
    expect(mass(1) + mass(4) + mass(9)).toBeCloseTo(1, 6);
    // A run's weight on λ is Σ (v·e_i)² over λ's eigenvectors: multiplicity / n for a normalized
    // Rademacher start, whose entries are all ±1/√n.
    expect(mass(1)).toBeCloseTo(3 / 6, 6);
    expect(mass(4)).toBeCloseTo(2 / 6, 6);
    expect(mass(9)).toBeCloseTo(1 / 6, 6);
  });

  it("broadened on a grid (PyHessian's plot), integrates to 1 around the nodes", () => {
    const { grid, density } = densityOnGrid(slq, { bins: 4000, sigmaSquared: 1e-3, overhead: 0.5 });
    const step = grid[1] - grid[0];
    expect(density.reduce((s, x) => s + x, 0) * step).toBeCloseTo(1, 10);
    const peak = grid[density.indexOf(Math.max(...density))];
    expect(lambda.some((l) => Math.abs(l - peak) < 0.05)).toBe(true);
  });
});
