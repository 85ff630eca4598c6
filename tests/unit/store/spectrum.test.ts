/**
 * The Spectrum section's state and selectors: the job sent with the workspace's options, its
 * progress and answer by id, the options in the link, and the chart data shaped from a report.
 */
import { describe, expect, it } from 'vitest';
import { createLabStore } from '../../../app/store';
import {
  centerCurvature,
  centerLoss,
  densitySeries,
  DENSITY_FLOOR,
  heatmapCells,
  landscapeRows,
} from '../../../app/store/spectrumSelectors';
import { DEFAULT_EXPERIMENT } from '../../../src/experiment/schema';
import type { Landscape } from '../../../src/hessian/landscape';
import type { SpectrumReport } from '../../../src/hessian/spectrumReport';
import {
  decodeSensitivityQuery,
  encodeSensitivityQuery,
  SENSITIVITY_DEFAULTS,
} from '../../../src/mixed/sensitivityQuery';
import { recordingEffects, report } from './fixtures';

function trained() {
  const { fx, calls } = recordingEffects();
  const store = createLabStore(fx);
  const s = () => store.getState();
  s().play();
  const id = s().activeRunId!;
  s().ingest([{ type: 'progress', runId: id, reports: [report(5)], stepsDone: 5, stepsPerSec: 50 }]);
  const result = {
    experiment: DEFAULT_EXPERIMENT,
    status: 'completed' as const,
    testAccuracy: 0.95,
    backend: 'cpu',
    wallTimeMs: 1,
    stepsPerSec: 1,
  };
  s().ingest([{ type: 'done', runId: id, status: 'completed', result }]);
  return { s, calls, id };
}

/** A quadratic bowl L = 0.1 + ½(2α² + β²) on a 5-point grid of [−0.5, 0.5]. */
const alphas = [-0.5, -0.25, 0, 0.25, 0.5];
const bowl = (a: number, b: number) => 0.1 + 0.5 * (2 * a * a + b * b);
const LANDSCAPE: Landscape = {
  alphas,
  loss1d: alphas.map((a) => bowl(a, 0)),
  accuracy1d: alphas.map((a) => 1 - Math.abs(a)),
  grid2d: { alphas, betas: alphas, loss: alphas.map((a) => alphas.map((b) => bowl(a, b))) },
};
const SPECTRUM: SpectrumReport = {
  params: 10,
  batchSize: 64,
  topEigenvalues: [2, 1],
  density: { nodes: [[0, 1, 2]], weights: [[0.5, 0.25, 0.25]] },
  landscape: LANDSCAPE,
  hvpCalls: 30,
  phaseMs: { eigenvalues: 1, density: 1, landscape: 1 },
};

describe('the spectrum job', () => {
  it('sends the options, shows progress, keeps the answer of its own id only', () => {
    const { s, calls, id } = trained();
    s().setSensitivityOptions({ topK: 3, lanczos: 50, points: 12 });
    s().runSpectrum();
    const sent = calls.at(-1)!;
    expect(sent).toEqual([
      'sensitivity',
      'sensitivity-1',
      id,
      {
        kind: 'spectrum',
        options: { topK: 3, lanczosSteps: 50, slqRuns: 1, points: 13, seed: 1 },
        batchSize: SENSITIVITY_DEFAULTS.batch,
      },
    ]);
    const progress = { type: 'sensitivityProgress' as const, phase: 'density' as const, done: 10, total: 50 };
    s().ingest([{ ...progress, jobId: 'sensitivity-0' }]);
    expect(s().sensSpectrum?.progress).toBeUndefined();
    s().ingest([{ ...progress, jobId: 'sensitivity-1' }]);
    expect(s().sensSpectrum).toMatchObject({ status: 'running', progress: { phase: 'density', done: 10 } });
    const result = { kind: 'spectrum' as const, report: SPECTRUM, ms: 5 };
    s().ingest([{ type: 'sensitivityDone', jobId: 'sensitivity-1', result }]);
    expect(s().sensSpectrum).toMatchObject({ status: 'done', result });
    expect(s().sensSpectrum?.progress).toBeUndefined();
  });

  it('carries non-default spectrum options in the link and clamps them', () => {
    const o = { ...SENSITIVITY_DEFAULTS, topK: 3, lanczos: 60, slqRuns: 2, points: 15 };
    const q = encodeSensitivityQuery(o);
    expect(q).toBe('topk.3_lanczos.60_runs.2_points.15');
    expect(decodeSensitivityQuery(q)).toEqual({ options: o, warnings: [] });
    expect(decodeSensitivityQuery('topk.99_points.4').options).toMatchObject({ topK: 5, points: 5 });
  });
});

describe('spectrum selectors', () => {
  it('pools the density without losing its peaks, above the floor', () => {
    const series = densitySeries(SPECTRUM.density, 400);
    expect(series.length).toBeLessThanOrEqual(400);
    expect(series.every((p) => p.density >= DENSITY_FLOOR)).toBe(true);
    const peak = series.reduce((a, b) => (b.density > a.density ? b : a));
    expect(Math.abs(peak.eigenvalue)).toBeLessThan(0.01); // the heaviest node, weight ½, at 0
    for (const node of [1, 2]) {
      const near = series.filter((p) => Math.abs(p.eigenvalue - node) < 0.01);
      expect(Math.max(...near.map((p) => p.density))).toBeGreaterThan(1);
    }
  });

  it('reads the landscape: rows in percent, the centre, its curvature, heatmap levels', () => {
    const rows = landscapeRows(LANDSCAPE);
    expect(rows[2]).toEqual({ alpha: 0, loss: 0.1, accuracy: 100 });
    expect(centerLoss(LANDSCAPE)).toBe(0.1);
    expect(centerCurvature(LANDSCAPE)).toBeCloseTo(2, 10);
    const { cells, min, max } = heatmapCells(LANDSCAPE.grid2d!);
    expect(cells).toHaveLength(25);
    expect(min).toBeCloseTo(0.1, 12);
    expect(max).toBeCloseTo(bowl(0.5, 0.5), 12);
    expect(cells.find((c) => c.i === 2 && c.j === 2)?.level).toBe(0);
    expect(cells.find((c) => c.i === 4 && c.j === 4)?.level).toBeCloseTo(1, 12);
  });
});
