/** Pareto points from manual runs and sweep entries, grouped by bits, with the frontier on an axis. */
import { describe, expect, it } from 'vitest';
import { describeCoords, finishedRuns, paretoPoints, paretoView } from '../../../app/store/paretoSelectors';
import type { SweepEntry } from '../../../app/store/sweepSlice';
import type { RunState } from '../../../app/store/types';
import { createRun } from '../../../app/store/ingest';
import { DEFAULT_EXPERIMENT, type Experiment } from '../../../src/experiment/schema';
import { expandGrid, pointFromResult } from '../../../src/sweep';

/** Sweep entries for W2/W4/W8/float at widths 0.5 and 1; accuracy from `acc(bits, width)`. */
function entries(acc: (bits: number, width: number) => number): SweepEntry[] {
  return expandGrid(DEFAULT_EXPERIMENT, { weightBits: [2, 4, 8, 32], widths: [0.5, 1] }).map((p) => ({
    ...pointFromResult(p.id, {
      experiment: p.experiment,
      status: 'completed',
      testAccuracy: acc(p.coords.weightBits, p.coords.width),
      wallTimeMs: 1,
    }),
    key: `sweep 1/${p.id}`,
    source: 'sweep',
    batch: 'sweep 1',
  }));
}

function finishedRun(n: number, experiment: Experiment, testAccuracy: number): RunState {
  const run = createRun(`run-${n}`, n, experiment);
  return {
    ...run,
    phase: 'completed',
    result: { experiment, status: 'completed', testAccuracy, backend: 'cpu', wallTimeMs: 1, stepsPerSec: 1 },
  };
}

describe('paretoPoints', () => {
  it('takes every finished run (with a result) and every sweep entry', () => {
    const done = finishedRun(1, DEFAULT_EXPERIMENT, 0.9);
    const live = { ...createRun('run-2', 2, DEFAULT_EXPERIMENT), phase: 'running' as const };
    const runs = finishedRuns({ runs: { 'run-1': done, 'run-2': live }, runOrder: ['run-1', 'run-2'] });
    expect(runs).toEqual([done]);
    const points = paretoPoints(
      runs,
      entries(() => 0.9),
    );
    expect(points).toHaveLength(9);
    expect(points[0]).toMatchObject({
      key: 'run-1',
      source: 'run',
      runId: 'run-1',
      label: 'run 1',
      testAccuracy: 0.9,
    });
    expect(points[0].cost.acev2).toBeGreaterThan(0);
    expect(points[1]).toMatchObject({ key: 'sweep 1/w2a2-x0p5-s1', source: 'sweep' });
    expect(points[1].runId).toBeUndefined();
  });
});

describe('paretoView', () => {
  // More bits and more width help, with diminishing returns past 4 bits.
  const acc = (bits: number, width: number) =>
    0.8 + 0.03 * Math.min(bits, 4) + (bits >= 8 ? 0.005 : 0) + 0.01 * width;
  const points = paretoPoints([], entries(acc));

  it('groups by weight bits (ascending) with x = cost on the axis and y = accuracy in %', () => {
    const view = paretoView(points, 'ace');
    expect(view.groups.map((g) => g.label)).toEqual(['W2', 'W4', 'W8', 'float']);
    expect(view.count).toBe(8);
    const w4 = view.groups[1].rows.find((r) => r.key === 'sweep 1/w4a4-x1-s1')!;
    expect(w4.x).toBe(points.find((p) => p.key === w4.key)!.cost.ace);
    expect(w4.y).toBeCloseTo(93, 9);
  });

  it('frontier: cost ascending, accuracy rising, no frontier point dominated by any point', () => {
    for (const axis of ['ace', 'acev2', 'bops', 'sizeBits'] as const) {
      const { frontier } = paretoView(points, axis);
      expect(frontier.length).toBeGreaterThan(1);
      for (let i = 1; i < frontier.length; i++) {
        expect(frontier[i].x).toBeGreaterThan(frontier[i - 1].x);
        expect(frontier[i].y).toBeGreaterThan(frontier[i - 1].y);
      }
      for (const f of frontier) {
        const rows = paretoView(points, axis).groups.flatMap((g) => g.rows);
        expect(rows.some((r) => r.x <= f.x && r.y >= f.y && (r.x < f.x || r.y > f.y))).toBe(false);
      }
    }
    // With these accuracies float never pays for itself.
    expect(paretoView(points, 'ace').frontier.some((r) => r.key.includes('w32'))).toBe(false);
  });

  it('log x axis covers the data; non-finite accuracies are not drawn', () => {
    const broken = [...points, { ...points[0], key: 'nan', testAccuracy: NaN }];
    const view = paretoView(broken, 'acev2');
    expect(view.count).toBe(8);
    const xs = view.groups.flatMap((g) => g.rows.map((r) => r.x));
    expect(view.x.domain[0]).toBeLessThanOrEqual(Math.min(...xs));
    expect(view.x.domain[1]).toBeGreaterThanOrEqual(Math.max(...xs));
    expect(paretoView([], 'acev2')).toMatchObject({ count: 0, groups: [], frontier: [] });
  });
});

describe('describeCoords', () => {
  it('reads as a config', () => {
    expect(
      describeCoords({ weightBits: 4, actBits: 4, width: 0.5, seed: 2, quantNorm: true, doubleQuant: false }),
    ).toBe('W4A4 · width 0.5× · seed 2 · QuantNorm');
    expect(
      describeCoords({ weightBits: 32, actBits: 32, width: 1, seed: 1, quantNorm: false, doubleQuant: true }),
    ).toBe('float · width 1× · seed 1 · double quant');
  });
});
