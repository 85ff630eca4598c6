/** The allocation chart's rows and the learned bits over training (app/store/allocationSelectors.ts). */
import { describe, expect, it } from 'vitest';
import {
  allocationChartView,
  bitsOverTraining,
  costOverTraining,
  learnedBitsRun,
  pickableRows,
} from '../../../app/store/allocationSelectors';
import type { RunState } from '../../../app/store/types';
import type { QBitOptSummary } from '../../../src/experiment/result';
import { DEFAULT_EXPERIMENT } from '../../../src/experiment/schema';
import type { AllocationFrontier, FrontierPoint } from '../../../src/mixed/frontier';

const bits = (w: [number, number]) => [
  { name: 'fc1', weightBits: w[0], actBits: w[0] },
  { name: 'fc2', weightBits: w[1], actBits: w[1] },
];
const cost = (bops: number) => ({ bops, size: bops / 10, acev2: bops * 2 });
const point = (
  kind: FrontierPoint['kind'],
  label: string,
  w: [number, number],
  bops: number,
  objective: number,
) => ({
  kind,
  label,
  budget: kind === 'uniform' ? null : bops,
  layers: bits(w),
  cost: cost(bops),
  objective,
});

const FRONTIER: AllocationFrontier = {
  axis: 'size',
  range: { min: 10, max: 100 },
  frontier: [point('ilp', 'ILP 1', [2, 2], 100, 9), point('ilp', 'ILP 2', [8, 8], 1000, 1)],
  uniform: [point('uniform', 'uniform 2-bit', [2, 2], 100, 9)],
  random: [point('random', 'random 1', [2, 8], 600, 5)],
  solveMs: 3,
};

describe('allocationChartView', () => {
  it('prices every point on the frontier’s axis and marks the slider’s allocation', () => {
    const current = { layers: bits([4, 2]), cost: cost(300), objective: 4 };
    const v = allocationChartView(FRONTIER, current);
    expect(v.count).toBe(4);
    expect(v.frontier.map((r) => [r.x, r.y])).toEqual([
      [10, 9],
      [100, 1],
    ]);
    expect(v.random[0]).toMatchObject({ key: 'random.random 1', x: 60, bits: 'fc1 2/2, fc2 8/8' });
    expect(v.current).toMatchObject({ x: 30, y: 4, label: 'slider' });
    expect(pickableRows(v).map((r) => r.label)).toEqual(['ILP 1', 'ILP 2', 'uniform 2-bit', 'random 1']);
    expect(allocationChartView(FRONTIER, null).current).toBeNull();
  });
});

const Q: QBitOptSummary = {
  budget: { axis: 'bops', value: 500 },
  every: 20,
  freezeStep: 56,
  history: [
    { step: 0, layers: bits([4, 2]), cost: cost(300), objective: 4 },
    { step: 20, layers: bits([2, 4]), cost: cost(450), objective: 3 },
  ],
  final: { layers: bits([2, 4]), cost: cost(450) },
};

describe('the learned bits over training', () => {
  it('one step row per re-allocation and one at the end with the final bits', () => {
    expect(bitsOverTraining(Q, 70)).toEqual([
      { step: 0, fc1: 4, fc2: 2 },
      { step: 20, fc1: 2, fc2: 4 },
      { step: 70, fc1: 2, fc2: 4 },
    ]);
    expect(costOverTraining(Q)).toEqual([
      { step: 0, cost: 300, budget: 500 },
      { step: 20, cost: 450, budget: 500 },
    ]);
  });

  it('shows the newest run that learns its bits', () => {
    const run = (id: string, learns: boolean) =>
      ({
        id,
        experiment: learns
          ? { ...DEFAULT_EXPERIMENT, qbitopt: { axis: 'bops', budget: 500 } }
          : DEFAULT_EXPERIMENT,
      }) as unknown as RunState;
    const runs = { a: run('a', true), b: run('b', true), c: run('c', false) };
    expect(learnedBitsRun({ runs, runOrder: ['a', 'b', 'c'] })?.id).toBe('b');
    expect(learnedBitsRun({ runs, runOrder: ['c'] })).toBeNull();
  });
});
