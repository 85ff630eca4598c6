/**
 * The whole model's Hessian spectrum and loss landscape in one job (docs/hessian.md §7), for the
 * Sensitivity workspace: the top eigenvalues by power iteration with deflation, the SLQ eigenvalue
 * density, and the loss along the top eigenvector (1-D) and over the top two (2-D), on one batch.
 * Plain data out; progress per Hessian-vector product and per landscape point.
 */
import type { QuantModel } from '../models/build';
import { createRng } from '../tensor/rng';
import { createHvp, type HessianBatch } from './hvp';
import { lossLandscape, LANDSCAPE_DEFAULTS, type Landscape } from './landscape';
import { POWER_DEFAULTS, SLQ_DEFAULTS, slqDensity, topEigenvalues, type SlqDensity } from './spectrum';

/** What the spectrum job computes (PyHessian's defaults but for topK, 2 for the 2-D landscape). */
export interface SpectrumOptions {
  /** Top eigenvalues of the model (≥ 1; the 2-D landscape needs 2). */
  topK: number;
  /** Lanczos steps of each SLQ run. */
  lanczosSteps: number;
  /** SLQ runs (PyHessian's n_v). */
  slqRuns: number;
  /** Landscape points per axis on [−0.5, 0.5]. */
  points: number;
  /** Seed of the power-iteration starts and the Lanczos vectors. */
  seed: number;
}

export const SPECTRUM_DEFAULTS: SpectrumOptions = {
  topK: 2,
  lanczosSteps: SLQ_DEFAULTS.steps,
  slqRuns: SLQ_DEFAULTS.runs,
  points: LANDSCAPE_DEFAULTS.points,
  seed: 1,
};

/** The job's phases, in order. */
export type SpectrumPhase = 'eigenvalues' | 'density' | 'landscape';

export interface SpectrumReport {
  /** Trainable parameters (the Hessian's dimension). */
  params: number;
  /** Images in the batch. */
  batchSize: number;
  /** Largest in magnitude first, as found. */
  topEigenvalues: number[];
  density: SlqDensity;
  landscape: Landscape;
  hvpCalls: number;
  /** Wall time of each phase. */
  phaseMs: Record<SpectrumPhase, number>;
}

/** Progress: `done` of `total` units (products or landscape points) of `phase`. */
export type SpectrumProgress = (phase: SpectrumPhase, done: number, total: number) => void;

/**
 * Runs the three phases on `batch` (the caller's), awaiting `between` after each so a worker can
 * answer messages. The model's parameters are left exactly as they were.
 */
export async function analyzeSpectrum(
  model: QuantModel,
  batch: HessianBatch,
  options: SpectrumOptions = SPECTRUM_DEFAULTS,
  progress: SpectrumProgress = () => {},
  between: () => Promise<void> = () => Promise.resolve(),
): Promise<SpectrumReport> {
  const hvp = createHvp(model, batch);
  const clock = () => performance.now();
  let t = clock();
  const maxEigenProducts = options.topK * POWER_DEFAULTS.maxIter;
  const eigen = topEigenvalues(
    (v) => {
      const hv = hvp.apply(v);
      progress('eigenvalues', hvp.calls, maxEigenProducts);
      return hv;
    },
    hvp.dim,
    options.topK,
    createRng(options.seed, 'hessian-eigen'),
  );
  const eigenMs = clock() - t;
  await between();
  t = clock();
  const before = hvp.calls;
  const steps = Math.min(options.lanczosSteps, hvp.dim);
  const density = slqDensity(
    (v) => {
      const hv = hvp.apply(v);
      progress('density', hvp.calls - before, steps * options.slqRuns);
      return hv;
    },
    hvp.dim,
    createRng(options.seed, 'hessian-density'),
    { steps, runs: options.slqRuns },
  );
  const densityMs = clock() - t;
  await between();
  t = clock();
  const landscape = lossLandscape(
    model,
    batch,
    eigen.slice(0, 2).map((e) => e.vector),
    { ...LANDSCAPE_DEFAULTS, points: options.points },
    (done, total) => progress('landscape', done, total),
  );
  return {
    params: hvp.dim,
    batchSize: batch.x.shape[0],
    topEigenvalues: eigen.map((e) => e.value),
    density,
    landscape,
    hvpCalls: hvp.calls,
    phaseMs: { eigenvalues: eigenMs, density: densityMs, landscape: clock() - t },
  };
}
