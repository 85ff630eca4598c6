import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  differingKeys,
  emaSmooth,
  ghostRows,
  groupBySeed,
  metricPoints,
  overlaySeries,
  runTableRow,
  sortRunRows,
} from '../../../app/store/compareSelectors';
import type { StoredRun } from '../../../app/persist/runStore';
import { DEFAULT_EXPERIMENT, type Experiment } from '../../../src/experiment/schema';
import type { HistoryPoint } from '../../../src/train/types';

function run(
  id: string,
  exp: Partial<Experiment>,
  losses: number[],
  extra: Partial<StoredRun> = {},
): StoredRun {
  const history: HistoryPoint[] = losses.map((loss, i) => ({
    step: (i + 1) * 10,
    loss,
    trainAccuracy: 1 - loss / 10,
    lr: 0.01,
    ...(i % 2 === 1 ? { testAccuracy: 0.5 + i / 100 } : {}),
  }));
  return {
    id,
    name: id,
    createdAt: Number(id.replace(/\D/g, '')) || 0,
    experiment: { ...DEFAULT_EXPERIMENT, ...exp },
    history,
    status: 'completed',
    ...extra,
  };
}

describe('emaSmooth', () => {
  it('weight 0 is the identity; nulls and NaN stay null and skip the average', () => {
    expect(emaSmooth([1, 2, 3], 0)).toEqual([1, 2, 3]);
    expect(emaSmooth([1, null, NaN, 3], 0.5)).toEqual([1, null, null, 2]);
  });
  it('follows s_t = w·s_{t-1} + (1-w)·v_t from s_0 = v_0', () => {
    const out = emaSmooth([0, 10, 10], 0.9);
    expect(out[0]).toBe(0);
    expect(out[1]).toBeCloseTo(1);
    expect(out[2]).toBeCloseTo(1.9);
  });
  it('clamps the weight and stays within the range of the input', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1 }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        (xs, w) => {
          const out = emaSmooth(xs, w) as number[];
          expect(out).toHaveLength(xs.length);
          const lo = Math.min(...xs);
          const hi = Math.max(...xs);
          for (const v of out)
            expect(v >= lo - 1e-6 * Math.abs(lo) - 1e-9 && v <= hi + 1e-6 * Math.abs(hi) + 1e-9).toBe(true);
        },
      ),
    );
  });
});

describe('overlay and seed groups', () => {
  const a = run('r1', { seed: 1 }, [4, 3, 2, 1]);
  const b = run('r2', { seed: 2 }, [6, 5, 4, 3]);
  const c = run('r3', { seed: 1, train: { ...DEFAULT_EXPERIMENT.train, lr: 0.5 } }, [5, 5, 5, 5]);

  it('metricPoints keeps only points carrying the metric', () => {
    expect(metricPoints(a.history, 'testAccuracy').map((p) => p.step)).toEqual([20, 40]);
  });

  it('groups runs that differ only in seed (and name)', () => {
    const groups = groupBySeed([a, b, { ...c, name: 'other' }]);
    expect(groups.map((g) => g.map((r) => r.id))).toEqual([['r1', 'r2'], ['r3']]);
  });

  it('without grouping, one column per run', () => {
    const { rows, lines } = overlaySeries([a, b], 'loss', 0, false);
    expect(lines.map((l) => l.key)).toEqual(['r1', 'r2']);
    expect(rows[0]).toEqual({ step: 10, r1: 4, r2: 6 });
  });

  it('with grouping, a mean line and a min–max band', () => {
    const { rows, lines } = overlaySeries([a, b, c], 'loss', 0, true);
    expect(lines).toEqual([
      { key: 'g:r1', label: 'r1 (mean of seeds 1, 2)', bandKey: 'g:r1:band', members: 2 },
      { key: 'r3', label: 'r3', members: 1 },
    ]);
    expect(rows[0]).toEqual({ step: 10, 'g:r1': 5, 'g:r1:band': [4, 6], r3: 5 });
  });

  it('smoothing applies per run before averaging', () => {
    const { rows } = overlaySeries([a], 'loss', 0.5, false);
    expect(rows.map((r) => r.r1)).toEqual([4, 3.5, 2.75, 1.875]);
  });
});

describe('run table', () => {
  const rows = [
    runTableRow(run('r1', { seed: 3 }, [1, 2], { result: undefined })),
    runTableRow(run('r2', { seed: 1 }, [1, 2, 3, 4])),
    runTableRow(run('r3', { seed: 2 }, [1])),
  ];
  it('rows carry final test accuracy (last evaluation without a result), bits and steps', () => {
    expect(rows[1]).toMatchObject({
      testAccuracy: 0.53,
      bits: `W${DEFAULT_EXPERIMENT.quant.weight.bits}A${DEFAULT_EXPERIMENT.quant.act.bits}`,
      steps: 40,
      loss: 4,
    });
    expect(rows[2].testAccuracy).toBeNull();
  });
  it('sorts both ways with nulls last', () => {
    expect(sortRunRows(rows, 'testAccuracy', true).map((r) => r.id)).toEqual(['r2', 'r1', 'r3']);
    expect(sortRunRows(rows, 'testAccuracy', false).map((r) => r.id)).toEqual(['r1', 'r2', 'r3']);
    expect(sortRunRows(rows, 'seed', false).map((r) => r.id)).toEqual(['r2', 'r3', 'r1']);
    expect(sortRunRows(rows, 'name', true).map((r) => r.id)).toEqual(['r3', 'r2', 'r1']);
  });
  it('differing keys leave out the name and need two runs', () => {
    const x = run('r1', { seed: 1, name: 'a' }, [1]);
    const y = run('r2', { seed: 2, name: 'b' }, [1]);
    expect(differingKeys([x])).toEqual([]);
    expect(differingKeys([x, y])).toEqual(['seed']);
  });
});

describe('ghostRows', () => {
  it('merges the link summary and the live history by step', () => {
    const summary = {
      steps: [10, 20],
      loss: [2, null],
      trainAccuracy: [0.1, 0.2],
      evalSteps: [20],
      evalAccuracy: [0.3],
    };
    const history: HistoryPoint[] = [
      { step: 10, loss: 1.5, trainAccuracy: 0.15, lr: 0.1, testAccuracy: 0.25 },
    ];
    expect(ghostRows(summary, history, 'loss')).toEqual(
      [{ step: 10, ghost: 2, live: 1.5 }, { step: 20 }].slice(0, 1),
    );
    expect(ghostRows(summary, history, 'accuracy')).toEqual([
      { step: 10, ghost: 0.1, live: 0.15, liveTest: 0.25 },
      { step: 20, ghost: 0.2, ghostTest: 0.3 },
    ]);
  });
});
