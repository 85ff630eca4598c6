/** Sweep slice with a fake pool: planning, streamed results, progress/ETA, cancel, failures, file import. */
import { describe, expect, it } from 'vitest';
import { createLabStore } from '../../../app/store';
import {
  DEFAULT_SWEEP_SETTINGS,
  planSweep,
  sweepEtaMs,
  type SweepEffects,
  type SweepListener,
} from '../../../app/store/sweepSlice';
import { DEFAULT_EXPERIMENT } from '../../../src/experiment/schema';
import {
  buildSweepFile,
  pointFromResult,
  runPool,
  type GridPoint,
  type SweepPoint,
} from '../../../src/sweep';
import { recordingEffects } from './fixtures';

/** Accuracy grows with the weight bits, so the fake results have a clear frontier. */
const fakeAccuracy = (p: GridPoint) => Math.min(0.97, 0.8 + 0.02 * Math.min(p.coords.weightBits, 8));

/** A pool whose tasks finish when `release()` is called (or fail for the listed ids). */
function fakePool(opts: { failIds?: string[] } = {}) {
  const waiting: (() => void)[] = [];
  let controller = new AbortController();
  const fx: SweepEffects = {
    poolSize: (n) => n ?? 2,
    run: async (points, workers, listener: SweepListener) => {
      controller = new AbortController();
      await runPool(
        points,
        workers,
        (p, _i, signal) =>
          new Promise<SweepPoint>((resolve, reject) => {
            listener.onPointProgress(p.id, 0.5);
            signal.addEventListener('abort', () => reject(new Error('cancelled')));
            waiting.push(() =>
              opts.failIds?.includes(p.id)
                ? reject(new Error('boom'))
                : resolve(
                    pointFromResult(p.id, {
                      experiment: p.experiment,
                      status: 'completed',
                      testAccuracy: fakeAccuracy(p),
                      wallTimeMs: 10,
                    }),
                  ),
            );
          }),
        {
          signal: controller.signal,
          onSettled: (o, i, progress) => listener.onSettled(o, points[i], progress),
        },
      );
    },
    cancel: () => controller.abort(),
  };
  /** Finishes every task started so far, then lets the pool start the next ones. */
  const release = async () => {
    for (const done of waiting.splice(0)) done();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { fx, release };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('planSweep', () => {
  it('moves the current experiment along bits × widths × seeds with the sweep steps, without a twin', () => {
    const exp = {
      ...DEFAULT_EXPERIMENT,
      twin: {
        estimator: { ...DEFAULT_EXPERIMENT.estimator, name: 'tanh' as const },
        map: false,
        compareEvery: 10,
      },
    };
    const points = planSweep(exp, {
      ...DEFAULT_SWEEP_SETTINGS,
      weightBits: [2, 32],
      widths: [0.5, 1],
      seeds: 2,
      steps: 60,
    });
    expect(points).toHaveLength(8);
    expect(points.every((p) => p.experiment.train.steps === 60 && p.experiment.twin === undefined)).toBe(
      true,
    );
    expect(points.map((p) => p.id)).toContain('w32a32-x0p5-s2');
  });

  it('doubles the grid per on/off option and keeps the experiment activation bits on request', () => {
    const s = {
      ...DEFAULT_SWEEP_SETTINGS,
      weightBits: [4],
      quantNormBoth: true,
      doubleQuantBoth: true,
      actBits: 'base' as const,
    };
    const points = planSweep(DEFAULT_EXPERIMENT, s);
    expect(points.map((p) => p.id)).toEqual([
      'w4a4-x1-s1',
      'w4a4-x1-s1-dq',
      'w4a4-x1-s1-qn',
      'w4a4-x1-s1-qn-dq',
    ]);
    expect(
      planSweep(
        {
          ...DEFAULT_EXPERIMENT,
          quant: { ...DEFAULT_EXPERIMENT.quant, act: { ...DEFAULT_EXPERIMENT.quant.act, bits: 8 } },
        },
        s,
      )[0].coords.actBits,
    ).toBe(8);
  });
});

describe('sweepEtaMs', () => {
  it('extrapolates from settled and partial progress', () => {
    expect(sweepEtaMs({ done: 1, failed: 0, total: 4, partial: { a: 0.5, b: 0.5 } }, 2000)).toBe(2000);
    expect(sweepEtaMs({ done: 0, failed: 0, total: 4, partial: {} }, 1000)).toBeNaN();
  });
});

describe('sweep slice', () => {
  it('streams results into the store as they finish, then marks the sweep done', async () => {
    const pool = fakePool();
    const store = createLabStore(recordingEffects().fx, DEFAULT_EXPERIMENT, pool.fx);
    store.getState().startSweep();
    let s = store.getState().sweep;
    expect(s.run).toMatchObject({ phase: 'running', total: 4, workers: 2, done: 0 });
    expect(Object.keys(s.run.partial)).toHaveLength(2);
    expect(s.run.etaMs).toBeGreaterThanOrEqual(0);
    await pool.release();
    s = store.getState().sweep;
    expect(s.run.done).toBe(2);
    expect(s.points.map((p) => p.key)).toEqual(['sweep 1/w2a2-x1-s1', 'sweep 1/w4a4-x1-s1']);
    await pool.release();
    await flush();
    s = store.getState().sweep;
    expect(s.run).toMatchObject({ phase: 'done', done: 4, failed: 0, partial: {} });
    expect(s.points.every((p) => p.source === 'sweep' && p.cost.acev2 > 0)).toBe(true);
  });

  it('cancel keeps finished points and does not count cancelled ones as failed', async () => {
    const pool = fakePool();
    const store = createLabStore(recordingEffects().fx, DEFAULT_EXPERIMENT, pool.fx);
    store.getState().startSweep();
    await pool.release();
    store.getState().cancelSweep();
    await flush();
    const { run, points } = store.getState().sweep;
    expect(run).toMatchObject({ phase: 'cancelled', done: 2, failed: 0 });
    expect(points).toHaveLength(2);
  });

  it('lists failed points and carries on', async () => {
    const pool = fakePool({ failIds: ['w2a2-x1-s1'] });
    const store = createLabStore(recordingEffects().fx, DEFAULT_EXPERIMENT, pool.fx);
    store.getState().startSweep();
    await pool.release();
    await pool.release();
    await flush();
    const { run } = store.getState().sweep;
    expect(run).toMatchObject({
      phase: 'done',
      done: 3,
      failed: 1,
      failures: [{ id: 'w2a2-x1-s1', error: 'boom' }],
    });
  });

  it('refuses an empty or invalid grid with a reason', () => {
    const store = createLabStore(recordingEffects().fx, DEFAULT_EXPERIMENT, fakePool().fx);
    store.getState().setSweepSettings({ weightBits: [] });
    store.getState().startSweep();
    expect(store.getState().sweep.run).toMatchObject({ phase: 'failed', total: 0 });
    store.getState().setSweepSettings({ weightBits: [4], steps: 0 });
    store.getState().startSweep();
    expect(store.getState().sweep.run.error).toMatch(/train\.steps/);
  });

  it('imports a CLI sweep file (re-import replaces) and rejects a bad one', () => {
    const store = createLabStore(recordingEffects().fx, DEFAULT_EXPERIMENT, fakePool().fx);
    const points = planSweep(DEFAULT_EXPERIMENT, DEFAULT_SWEEP_SETTINGS).map((p) =>
      pointFromResult(p.id, {
        experiment: p.experiment,
        status: 'completed',
        testAccuracy: fakeAccuracy(p),
        wallTimeMs: 1,
      }),
    );
    const file = JSON.parse(JSON.stringify(buildSweepFile(points)));
    expect(store.getState().importSweep(file, 'mlp.json')).toBeNull();
    expect(store.getState().importSweep(file, 'mlp.json')).toBeNull();
    const entries = store.getState().sweep.points;
    expect(entries).toHaveLength(4);
    expect(entries[0]).toMatchObject({ source: 'file', batch: 'mlp.json', key: 'mlp.json/w2a2-x1-s1' });
    expect(store.getState().importSweep({ kind: 'nope' }, 'bad.json')).toMatch(/^bad\.json: /);
  });
});
