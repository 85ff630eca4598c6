/** The sensitivity slice and its selectors: refusals, jobs by id, the allocation after the traces, per-layer bit edits. */
import { describe, expect, it } from 'vitest';
import { createLabStore } from '../../../app/store';
import { allocationRows, rankingWarning, traceBars } from '../../../app/store/sensitivitySelectors';
import { FRONTIER_POINTS, FRONTIER_RANDOM, keepLayerAt8 } from '../../../app/store/sensitivitySlice';
import { LADDER_REFUSALS } from '../../../app/store/ptqSlice';
import type { SensitivityResult } from '../../../app/worker/protocol';
import { DEFAULT_EXPERIMENT } from '../../../src/experiment/schema';
import type { BudgetAllocation } from '../../../src/mixed/budget';
import type { TraceSeedsReport } from '../../../src/mixed/traceSeeds';
import { recordingEffects, report } from './fixtures';

const RESULT = {
  experiment: DEFAULT_EXPERIMENT,
  status: 'completed' as const,
  testAccuracy: 0.95,
  backend: 'cpu',
  wallTimeMs: 1,
  stepsPerSec: 1,
};

function trained() {
  const { fx, calls } = recordingEffects();
  const store = createLabStore(fx);
  const s = () => store.getState();
  s().play();
  const id = s().activeRunId!;
  s().ingest([{ type: 'progress', runId: id, reports: [report(5)], stepsDone: 5, stepsPerSec: 50 }]);
  s().ingest([{ type: 'done', runId: id, status: 'completed', result: RESULT }]);
  return { store, s, calls, id };
}

const layer = (name: string, trace: number, traceStdErr: number) => ({
  name,
  params: 100,
  trace,
  traceStdErr,
});

const TRACES: TraceSeedsReport = {
  seeds: [
    { seed: 1, layers: [layer('fc1', 5, 0.5), layer('fc2', 1, 0.1), layer('fc3', 0.5, 0.1)], ms: 10 },
    { seed: 2, layers: [layer('fc1', 5.5, 0.5), layer('fc2', 1.2, 0.1), layer('fc3', 0.4, 0.1)], ms: 10 },
  ],
  agreement: { sameOrder: true, overlapping: [] },
  sensitivity: ['fc1', 'fc2', 'fc3'].map((name) => ({
    ...layer(name, 1, 0),
    omega: { 2: 4, 4: 1, 8: 0.1 },
    weightError: { 2: 4, 4: 1, 8: 0.1 },
  })),
};

const ALLOCATION: BudgetAllocation = {
  range: { min: 1, max: 10 },
  budget: 5,
  shadowPrice: 0.2,
  result: {
    layers: ['fc1', 'fc2', 'fc3'].map((name, i) => ({
      name,
      weightBits: [8, 4, 2][i]!,
      actBits: [8, 4, 2][i]!,
    })),
    cost: { bops: 5, size: 5, acev2: 5 },
    objective: 5.1,
    uniform: {
      bits: 4,
      layers: ['fc1', 'fc2', 'fc3'].map((name) => ({ name, weightBits: 4, actBits: 4 })),
      cost: { bops: 4, size: 4, acev2: 4 },
      objective: 3,
    },
    random: [],
    solveMs: 1,
  },
};

const done = (jobId: string, result: SensitivityResult) => ({
  type: 'sensitivityDone' as const,
  jobId,
  result,
});

describe('sensitivity slice', () => {
  it('refuses without a trained model, with the ladder’s reasons', () => {
    const { fx, calls } = recordingEffects();
    const store = createLabStore(fx);
    store.getState().runCheapSensitivity();
    expect(store.getState().sensCheap).toMatchObject({ status: 'error', message: LADDER_REFUSALS.none });
    expect(calls.filter((c) => c[0] === 'sensitivity')).toEqual([]);
  });

  it('sends the jobs with the options, drops stale answers, solves the allocation once traces arrive', () => {
    const { s, calls, id } = trained();
    s().setSensitivityOptions({ cheapBits: 3, probes: 9, batch: 32 });
    s().runCheapSensitivity();
    expect(calls.at(-1)).toEqual([
      'sensitivity',
      'sensitivity-1',
      id,
      { kind: 'cheap', options: { bits: 3, testCount: 2000, calibSize: 256, seed: 1 } },
    ]);
    s().runTraces();
    const traces = calls.at(-1)!;
    expect(traces[1]).toBe('sensitivity-2');
    expect(traces[3]).toMatchObject({ kind: 'traces', options: { probes: 9, batchSize: 32, seeds: [1, 2] } });
    // An answer to another job id changes nothing.
    s().ingest([done('sensitivity-9', { kind: 'traces', report: TRACES, ms: 1 })]);
    expect(s().sensTraces?.status).toBe('running');
    s().ingest([done('sensitivity-2', { kind: 'traces', report: TRACES, ms: 1 })]);
    expect(s().sensTraces?.status).toBe('done');
    // Fresh traces solve the slider's allocation, then the frontier.
    const [solve, frontier] = calls.slice(-2);
    expect(solve!.slice(0, 3)).toEqual(['sensitivity', 'sensitivity-3', id]);
    expect(solve![3]).toMatchObject({
      kind: 'allocate',
      request: { bits: [2, 3, 4, 8], axis: 'bops', fraction: 0.5, actBits: 'tied' },
      sensitivity: [{ name: 'fc1', omega: { 2: 4, 4: 1, 8: 0.1 } }, { name: 'fc2' }, { name: 'fc3' }],
    });
    expect(frontier!.slice(0, 3)).toEqual(['sensitivity', 'sensitivity-4', id]);
    expect(frontier![3]).toMatchObject({
      kind: 'frontier',
      request: { bits: [2, 3, 4, 8], axis: 'bops', points: FRONTIER_POINTS, randomCount: FRONTIER_RANDOM },
      sensitivity: [{ name: 'fc1' }, { name: 'fc2' }, { name: 'fc3' }],
    });
    expect(s().sensFrontier).toMatchObject({ id: 'sensitivity-4', status: 'running' });
    s().ingest([{ type: 'sensitivityDone', jobId: 'sensitivity-1', message: 'boom' }]);
    expect(s().sensCheap).toMatchObject({ status: 'error', message: 'boom' });
  });

  it('a crash ends the running jobs; keep-at-8 and apply edit the per-layer bits', () => {
    const { s } = trained();
    s().runTraces();
    s().ingest([{ type: 'crashed', runIds: [], message: 'gone' }]);
    expect(s().sensTraces?.message).toMatch(/crashed \(gone\)/);

    s().keepAt8Bits('fc2');
    expect(s().experiment.quant.layers).toEqual({ fc2: { weightBits: 8, actBits: 8 } });
    s().runTraces();
    s().ingest([done(s().sensTraces!.id, { kind: 'traces', report: TRACES, ms: 1 })]);
    s().ingest([done(s().sensAllocation!.id, { kind: 'allocate', allocation: ALLOCATION, ms: 1 })]);
    s().applyAllocation();
    expect(s().experiment.quant.layers).toEqual({
      fc1: { weightBits: 8, actBits: 8 },
      fc2: { weightBits: 4, actBits: 4 },
      fc3: { weightBits: 2, actBits: 2 },
    });
    // A point picked on the chart stands in for the slider's allocation until it is solved again.
    const picked = ['fc1', 'fc2', 'fc3'].map((name) => ({ name, weightBits: 3, actBits: 3 }));
    s().pickAllocation('uniform 3-bit', picked);
    s().applyAllocation();
    expect(s().experiment.quant.layers.fc2).toEqual({ weightBits: 3, actBits: 3 });
    s().solveAllocation();
    expect(s().sensPicked).toBeNull();
    expect(keepLayerAt8(DEFAULT_EXPERIMENT, 'fc1').quant.layers.fc1).toEqual({ weightBits: 8, actBits: 8 });
  });
});

describe('sensitivity selectors', () => {
  it('trace bars, the ranking warning and the allocation rows', () => {
    expect(traceBars(TRACES)[0]).toEqual({
      name: 'fc1',
      params: 100,
      seed1: 5,
      err1: 0.5,
      seed2: 5.5,
      err2: 0.5,
    });
    expect(rankingWarning(TRACES)).toBeNull();
    expect(rankingWarning({ ...TRACES, agreement: { sameOrder: false, overlapping: [] } })).toMatch(
      /differently/,
    );
    expect(
      rankingWarning({ ...TRACES, agreement: { sameOrder: true, overlapping: [{ a: 'fc2', b: 'fc3' }] } }),
    ).toMatch(/fc2\/fc3 overlap/);
    const exp = { ...DEFAULT_EXPERIMENT, model: { ...DEFAULT_EXPERIMENT.model, hidden: [64, 32] } };
    const rows = allocationRows(exp, ALLOCATION, TRACES, [2, 4, 8], 'bops');
    expect(rows.map((r) => [r.name, r.weightBits, r.uniformBits])).toEqual([
      ['fc1', 8, 4],
      ['fc2', 4, 4],
      ['fc3', 2, 4],
    ]);
    expect(rows[0]!.omega).toEqual([4, 1, 0.1]);
    // fc1 at W8A8: 784·64 MACs × 8 × 8 BOPs.
    expect(rows[0]!.cost).toBe(784 * 64 * 64);
  });
});
