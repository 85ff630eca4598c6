import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRunStore, type RunStore, toRunStoreError } from '../../../app/persist/runStore';
import { createLabStore } from '../../../app/store';
import { installPersistSync, runHistory, storedStatus, toStoredRun } from '../../../app/store/persistSync';
import { applyLink, currentHash, readLink, shareSummary } from '../../../app/store/urlSync';
import { experimentToJson } from '../../../src/experiment/export';
import { decodeLink } from '../../../src/experiment/url';
import { DEFAULT_EXPERIMENT } from '../../../src/experiment/schema';
import { recordingEffects, report } from './fixtures';

let dbs = 0;
function setup(runStore: RunStore = createRunStore({ dbName: `saved-${++dbs}` })) {
  const store = createLabStore(recordingEffects().fx, DEFAULT_EXPERIMENT, undefined, runStore);
  return { store, runStore, s: () => store.getState() };
}
const flush = () => new Promise((r) => setTimeout(r, 20));
const RESULT = {
  status: 'completed' as const,
  testAccuracy: 0.5,
  backend: 'cpu',
  wallTimeMs: 10,
  stepsPerSec: 5,
  experiment: DEFAULT_EXPERIMENT,
};

describe('saved runs slice', () => {
  it('persists lab runs at start, progress and finish under one id, and reloads them', async () => {
    const { store, runStore, s } = setup();
    const stop = installPersistSync(store, 0);
    s().play();
    const labId = s().activeRunId!;
    await flush();
    expect(s().savedOrder).toHaveLength(1);
    const id = s().savedOrder[0];
    expect(s().saved[id].status).toBe('running');
    s().ingest([
      { type: 'progress', runId: labId, reports: [report(50), report(100)], stepsDone: 100, stepsPerSec: 50 },
    ]);
    s().ingest([{ type: 'done', runId: labId, status: 'completed', result: RESULT }]);
    await flush();
    stop();
    expect(s().savedOrder).toEqual([id]);
    const fresh = setup(runStore);
    await fresh.s().loadSaved();
    const back = fresh.s().saved[id];
    expect(back.status).toBe('completed');
    expect(back.history.map((p) => p.step)).toEqual([50, 100]);
    expect(back.result?.testAccuracy).toBe(0.5);
  });

  it('marks runs left running as interrupted on load', async () => {
    const { store, runStore, s } = setup();
    installPersistSync(store, 0);
    s().play();
    await flush();
    const fresh = setup(runStore);
    await fresh.s().loadSaved();
    expect(Object.values(fresh.s().saved).map((r) => r.status)).toEqual(['interrupted']);
  });

  it('renames, deletes and clears (and a deleted live run is not saved again)', async () => {
    const { store, runStore, s } = setup();
    installPersistSync(store, 0);
    s().play();
    const labId = s().activeRunId!;
    await flush();
    const id = s().savedOrder[0];
    await s().renameSaved(id, '  my run ');
    expect((await runStore.load(id)).ok && s().saved[id].name).toBe('my run');
    await s().deleteSaved(id);
    s().ingest([{ type: 'progress', runId: labId, reports: [report(5)], stepsDone: 5, stepsPerSec: 5 }]);
    await flush();
    expect(s().savedOrder).toEqual([]);
    expect((await runStore.list()).runs).toEqual([]);
    await s().importRunFile(readFileSync('tests/e2e/fixtures/runner-result.json', 'utf8'), 'r.json');
    expect(s().savedOrder).toHaveLength(1);
    await s().clearSaved();
    expect(s().savedOrder).toEqual([]);
    expect((await runStore.list()).runs).toEqual([]);
  });

  it('imports a runner result as a completed, compared run and an experiment into the controls', async () => {
    const { s } = setup();
    const res = await s().importRunFile(
      readFileSync('tests/e2e/fixtures/runner-result.json', 'utf8'),
      'result.json',
    );
    expect(res.ok).toBe(true);
    const id = s().savedOrder[0];
    expect(s().saved[id]).toMatchObject({ status: 'completed' });
    expect(s().saved[id].history.length).toBeGreaterThan(0);
    expect(s().compareIds).toEqual([id]);
    const exp = { ...DEFAULT_EXPERIMENT, seed: 42 };
    expect((await s().importRunFile(experimentToJson(exp), 'e.json')).ok).toBe(true);
    expect(s().experiment.seed).toBe(42);
    const bad = await s().importRunFile('{"status": 1, "history": []}', 'bad.json');
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/bad\.json/);
  });

  it('a full storage is reported to the user, not swallowed', async () => {
    const full: RunStore = {
      ...createRunStore({ dbName: `full-${++dbs}` }),
      save: () => Promise.reject(toRunStoreError({ name: 'QuotaExceededError' }, 'saving run "x"')),
    };
    const { store, s } = setup(full);
    installPersistSync(store, 0);
    s().play();
    await flush();
    expect(s().savedError).toMatch(/storage is full/i);
    s().dismissSavedError();
    expect(s().savedError).toBeNull();
  });
});

describe('run records', () => {
  it('maps phases to stored statuses', () => {
    expect(storedStatus('paused')).toBe('running');
    expect(storedStatus('crashed')).toBe('interrupted');
    expect(storedStatus('diverged')).toBe('diverged');
  });
  it('history merges evaluations whose report was downsampled away (NaN, nothing made up)', () => {
    const { s } = setup();
    s().play();
    const run = s().runs[s().activeRunId!];
    const h = runHistory({
      ...run,
      evals: { points: [{ step: 7, testAccuracy: 0.4 }], every: 1, seen: 1, tail: null },
    });
    expect(h).toEqual([{ step: 7, loss: NaN, trainAccuracy: NaN, lr: NaN, testAccuracy: 0.4 }]);
    expect(toStoredRun(run, 'x', { name: 'kept', createdAt: 3 }, 9)).toMatchObject({
      id: 'x',
      name: 'kept',
      createdAt: 3,
    });
  });
});

describe('url sync (pure parts)', () => {
  it('no hash is no link; a garbage hash is an error shown in the slice', () => {
    expect(readLink('')).toBeNull();
    expect(readLink('#')).toBeNull();
    const { store, s } = setup();
    applyLink(store, readLink('#garbage'));
    expect(s().linkError).toMatch(/truncated or corrupted/);
    expect(s().experiment).toEqual(DEFAULT_EXPERIMENT);
  });

  it('the current hash round-trips experiment, classroom options and the last finished summary', () => {
    const { store, s } = setup();
    s().setHiddenControls(['controls.estimatorSection']);
    s().play();
    const labId = s().activeRunId!;
    expect(shareSummary(s())).toBeUndefined();
    s().ingest([
      { type: 'progress', runId: labId, reports: [report(50), report(100)], stepsDone: 100, stepsPerSec: 50 },
    ]);
    s().ingest([{ type: 'done', runId: labId, status: 'completed', result: RESULT }]);
    const decoded = decodeLink(currentHash(s(), true));
    expect(decoded.ok && decoded.experiment).toEqual(s().experiment);
    expect(decoded.ok && decoded.hide).toEqual(['controls.estimatorSection']);
    expect(decoded.ok && decoded.summary?.testAccuracy).toBe(0.5);
    applyLink(store, decoded);
    expect(s().linkSummary?.steps).toEqual([50, 100]);
    expect(decoded.ok && decoded.tour).toBeUndefined();
    // A copied link asks for the tour when the class options say so; the address bar never does.
    s().setTourInLink(true);
    const copied = decodeLink(currentHash(s(), true));
    expect(copied.ok && copied.tour).toBe(true);
    const address = decodeLink(currentHash(s(), false));
    expect(address.ok && address.tour).toBeUndefined();
    // A changed experiment no longer matches the finished run: no summary.
    s().updateExperiment((e) => ({ ...e, seed: 99 }));
    expect(shareSummary(s())).toBeUndefined();
  });
});
