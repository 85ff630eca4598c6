import { describe, expect, it } from 'vitest';
import { appendReports, createRun } from '../../../app/store/ingest';
import { countTicks, logAxis, niceCeil, roundTicks } from '../../../app/store/axes';
import {
  accuracySeries,
  bannerOf,
  CHART_POINTS,
  fractionSeries,
  lossSeries,
  progressOf,
  trajectories,
  weightBars,
} from '../../../app/store/selectors';
import { DEFAULT_EXPERIMENT } from '../../../src/experiment/schema';
import { report } from './fixtures';

const runWith = (n: number) =>
  appendReports(
    createRun('r', 1, DEFAULT_EXPERIMENT),
    Array.from({ length: n }, (_, i) => report((i + 1) * 5)),
  );

describe('selectors', () => {
  it('loss and accuracy: train thinned for drawing, test merged in on evaluation steps', () => {
    const run = runWith(2000);
    const loss = lossSeries(run.reports, run.evals);
    const train = loss.filter((r) => r.train !== undefined);
    expect(train.length).toBeLessThanOrEqual(CHART_POINTS);
    expect(loss.at(-1)?.step).toBe(10_000);
    expect(loss.every((r, i) => i === 0 || r.step > loss[i - 1].step)).toBe(true);
    const tests = loss.filter((r) => r.test !== undefined);
    expect(tests.length).toBe(200);
    expect(tests.every((r) => r.step % 50 === 0)).toBe(true);
    expect(accuracySeries(run.reports, run.evals).filter((r) => r.test !== undefined).length).toBe(200);
  });

  it('drops non-finite losses', () => {
    const run = appendReports(createRun('r', 1, DEFAULT_EXPERIMENT), [
      report(5),
      { ...report(10), point: { step: 10, loss: NaN, trainAccuracy: 0, lr: 1 } },
    ]);
    expect(lossSeries(run.reports, run.evals).map((p) => p.step)).toEqual([5]);
  });

  it('fractions per tracked layer', () => {
    const { layers, rows } = fractionSeries(runWith(3).reports);
    expect(layers).toEqual(['fc1']);
    expect(rows[0]).toEqual({ step: 5, 'osc:fc1': 0.02, 'frozen:fc1': 0.01 });
  });

  it('trajectories in grid units with grid points and thresholds', () => {
    const t = trajectories(runWith(3).reports, 'fc1');
    expect(t.indices).toEqual([4, 9]);
    expect(t.rows[0].u4).toBeCloseTo(1.4);
    expect(t.rows[0].q4).toBe(1);
    expect(t.rows[0].u9).toBeCloseTo(-2.6);
    expect(t.grid).toEqual([-3, -2, -1, 0, 1, 2]);
    expect(t.thresholds).toContain(0.5);
    expect(t.details[0][1]).toEqual({ index: 9, latent: -0.26, code: -3, flips: 5, frozen: true });
  });

  it('recovers an asymmetric zero point', () => {
    const base = report(5);
    const r = { ...base, samples: base.samples.map((s) => ({ ...s, code: s.code + 4 })) };
    const run = appendReports(createRun('r', 1, DEFAULT_EXPERIMENT), [r]);
    expect(trajectories(run.reports, 'fc1').rows[0].u4).toBeCloseTo(5.4);
  });

  it('weight histogram bars and a bounded grid overlay', () => {
    const hist = {
      layer: 'fc1',
      bits: 8,
      qmin: -128,
      qmax: 127,
      edges: [0, 1, 2],
      counts: [3, 4],
      latent: false,
    };
    const { bars, grid, ticks } = weightBars([hist], 'fc1');
    expect(bars).toEqual([
      { x: 0, count: 3 },
      { x: 1, count: 4 },
      { x: 2, count: 4 },
    ]);
    expect(grid.length).toBeLessThanOrEqual(32);
    expect(grid[0]).toBe(-128);
    expect(ticks.length).toBeLessThanOrEqual(10);
  });

  it('axes for log and symlog scales', () => {
    expect(logAxis(0.08, 2.4)).toEqual({ domain: [0.05, 5], ticks: [0.05, 0.1, 0.2, 0.5, 1, 2, 5] });
    expect(logAxis(0.3, 0.4)).toEqual({ domain: [0.2, 0.5], ticks: [0.2, 0.5] });
    expect(countTicks(4000)).toEqual([0, 1, 10, 100, 1000, 10000]);
    expect(roundTicks(5, 600)).toEqual([200, 400, 600]);
    expect(roundTicks(5, 640)).toEqual(roundTicks(5, 690));
    expect([niceCeil(49458), niceCeil(0.07), niceCeil(3), niceCeil(0)]).toEqual([50000, 0.1, 5, 1]);
  });

  it('progress counts epochs, banner explains divergence', () => {
    const run = { ...runWith(1), stepsDone: 125, phase: 'diverged' as const, reason: 'loss is NaN' };
    const { batchSize } = DEFAULT_EXPERIMENT.train;
    expect(progressOf(run).epoch).toBeCloseTo((125 * batchSize) / DEFAULT_EXPERIMENT.data.trainSize);
    expect(bannerOf(run)).toMatchObject({ id: 'diverged', text: 'loss is NaN' });
    expect(bannerOf(null)).toBeNull();
  });
});
