import 'fake-indexeddb/auto';
import { createStore, get, set } from 'idb-keyval';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createRunStore,
  newRunId,
  readRecord,
  RunStoreError,
  type StoredRun,
  toRunStoreError,
} from '../../../app/persist/runStore';
import { createEditJournal, journalKey, memoryStorage } from '../../../app/persist/pendingEdits';
import { DEFAULT_EXPERIMENT, QBITOPT_DEFAULTS as QBITOPT } from '../../../src/experiment/schema';
import type { RunResult } from '../../../src/train/types';

let dbCount = 0;
/** A store over a fresh database, plus raw access to it for planting bad records. */
function freshStore() {
  const dbName = `test-${++dbCount}`;
  return { store: createRunStore({ dbName }), raw: createStore(dbName, 'runs') };
}

function makeRun(id: string, over: Partial<StoredRun> = {}): StoredRun {
  return {
    id,
    name: `run ${id}`,
    createdAt: 1000 + Number(id.replace(/\D/g, '') || 0),
    experiment: DEFAULT_EXPERIMENT,
    history: [
      { step: 10, loss: 2, trainAccuracy: 0.3, lr: 1e-3 },
      { step: 20, loss: NaN, trainAccuracy: 0.1, lr: 1e-3, testAccuracy: 0.2 },
    ],
    status: 'completed',
    ...over,
  };
}

const result: RunResult = {
  experiment: DEFAULT_EXPERIMENT,
  status: 'completed',
  testAccuracy: 0.9,
  history: [{ step: 10, loss: 2, trainAccuracy: 0.3, lr: 1e-3 }],
  backend: 'wasm',
  wallTimeMs: 10,
  stepsPerSec: 100,
};

afterEach(() => vi.restoreAllMocks());

describe('runStore', () => {
  it('saves, loads, lists, renames, deletes and clears', async () => {
    const { store } = freshStore();
    await store.save(makeRun('r2'));
    await store.save(makeRun('r1', { result }));
    const loaded = await store.load('r1');
    expect(loaded).toEqual({ ok: true, run: makeRun('r1', { result }), warnings: [] });
    expect((await store.list()).runs.map((r) => r.id)).toEqual(['r1', 'r2']);

    expect(await store.rename('r2', 'renamed')).toBe(true);
    expect(await store.rename('nope', 'x')).toBe(false);
    const r2 = await store.load('r2');
    expect(r2.ok && r2.run.name).toBe('renamed');
    expect(r2.ok && r2.run.experiment).toEqual(DEFAULT_EXPERIMENT);

    await store.delete('r1');
    expect((await store.list()).runs.map((r) => r.id)).toEqual(['r2']);
    expect(await store.load('r1')).toEqual({ ok: false, error: 'no saved run with id r1' });
    await store.clear();
    expect(await store.list()).toEqual({ runs: [], warnings: [] });
  });

  it('overwrites a run saved again under the same id (progress saves)', async () => {
    const { store } = freshStore();
    await store.save(makeRun('r1', { status: 'running', history: [] }));
    await store.save(makeRun('r1'));
    const { runs } = await store.list();
    expect(runs).toHaveLength(1);
    expect(runs[0].status).toBe('completed');
    expect(runs[0].history[1].loss).toBeNaN();
  });

  it('survives a "reload": a new store object over the same database sees the runs', async () => {
    const dbName = `test-${++dbCount}`;
    await createRunStore({ dbName }).save(makeRun('r1'));
    expect((await createRunStore({ dbName }).list()).runs).toHaveLength(1);
  });

  it('skips corrupted records with a warning and leaves them in place', async () => {
    const { store, raw } = freshStore();
    await store.save(makeRun('good'));
    await set('junk', 'not a run', raw);
    await set('bad-bits', { ...makeRun('bad-bits'), experiment: { quant: { weight: { bits: 99 } } } }, raw);
    await set('future', { ...makeRun('future'), experiment: { version: 5 } }, raw);
    const { runs, warnings } = await store.list();
    expect(runs.map((r) => r.id)).toEqual(['good']);
    expect(warnings).toHaveLength(3);
    expect(warnings.join('\n')).toMatch(
      /bad-bits is unreadable and was skipped \(experiment: quant\.weight\.bits/,
    );
    expect(warnings.join('\n')).toMatch(/newer version \(v5\)/);
    const junk = await store.load('junk');
    expect(junk.ok).toBe(false);
    expect((await store.list()).warnings).toHaveLength(3);
  });

  it('migrates an experiment saved by an older version and drops an unreadable result', async () => {
    const { store, raw } = freshStore();
    await set(
      'old',
      { ...makeRun('old'), experiment: { bits: 3, lr: 0.01 }, result: { nonsense: true } },
      raw,
    );
    const loaded = await store.load('old');
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.run.experiment.quant.weight.bits).toBe(3);
    expect(loaded.run.result).toBeUndefined();
    expect(loaded.warnings.join('\n')).toMatch(/v0[\s\S]*result of run "run old" is unreadable/);
  });

  it('marks runs left running as interrupted', async () => {
    const { store } = freshStore();
    await store.save(makeRun('r1', { status: 'running' }));
    await store.save(makeRun('r2'));
    expect(await store.markInterrupted()).toBe(1);
    expect((await store.list()).runs.map((r) => r.status)).toEqual(['interrupted', 'completed']);
    expect(await store.markInterrupted()).toBe(0);
  });

  it('surfaces a full disk as a typed quota error, not swallowed', async () => {
    const { store } = freshStore();
    await store.save(makeRun('r0'));
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    const err = await store.save(makeRun('r1')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunStoreError);
    expect((err as RunStoreError).kind).toBe('quota');
    expect((err as RunStoreError).message).toMatch(
      /^Browser storage is full: saving run "run r1" failed\. Export/,
    );
    expect((err as RunStoreError).cause).toBeInstanceOf(DOMException);
    await expect(store.rename('r0', 'x')).rejects.toMatchObject({ kind: 'quota' });
    vi.restoreAllMocks();
    expect((await store.list()).runs.map((r) => r.name)).toEqual(['run r0']);
  });

  it('classifies storage errors across browsers', () => {
    const quota = (e: unknown) => toRunStoreError(e, 'x').kind;
    expect(quota(new DOMException('', 'QuotaExceededError'))).toBe('quota');
    expect(quota({ name: 'NS_ERROR_DOM_QUOTA_REACHED' })).toBe('quota');
    expect(quota({ name: 'Error', code: 22 })).toBe('quota');
    expect(quota(new DOMException('', 'SecurityError'))).toBe('unavailable');
    expect(quota(new Error('boom'))).toBe('failed');
    expect(toRunStoreError(new Error('boom'), 'deleting run 7').message).toBe('deleting run 7 failed: boom');
  });

  it('reports a browser without IndexedDB as unavailable', async () => {
    vi.stubGlobal('indexedDB', undefined);
    try {
      await expect(createRunStore({ dbName: 'none' }).list()).rejects.toMatchObject({ kind: 'unavailable' });
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('validates records and makes unique ids', () => {
    expect(readRecord({ id: '' })).toMatchObject({ ok: false });
    expect(readRecord(makeRun('x'))).toMatchObject({ ok: true });
    expect(newRunId()).not.toBe(newRunId());
  });

  it('keeps a learned-bits run: its experiment’s qbitopt and its result’s history of bits', async () => {
    const { store } = freshStore();
    const bits = [{ name: 'fc1', weightBits: 4, actBits: 4 }];
    const cost = { bops: 10, size: 2, acev2: 20 };
    const experiment = { ...DEFAULT_EXPERIMENT, qbitopt: { ...QBITOPT, axis: 'bops' as const, budget: 12 } };
    const qbitopt: RunResult['qbitopt'] = {
      budget: { axis: 'bops', value: 12 },
      every: 100,
      freezeStep: 800,
      history: [{ step: 0, layers: bits, cost, objective: 0.5 }],
      final: { layers: bits, cost },
    };
    await store.save(makeRun('q1', { experiment, result: { ...result, experiment, qbitopt } }));
    const read = await store.load('q1');
    if (!read.ok) throw new Error(read.error);
    const loaded = read.run;
    expect(loaded.experiment.qbitopt).toEqual(experiment.qbitopt);
    expect(loaded.result?.qbitopt).toEqual(qbitopt);
    expect(loaded.result?.experiment.qbitopt?.budget).toBe(12);
  });
});

describe('runStore edits across a reload (journal)', () => {
  /** A database and a journal storage shared by the "pages" (store objects) of one test. */
  function origin() {
    const dbName = `journal-${++dbCount}`;
    const storage = memoryStorage();
    return {
      dbName,
      storage,
      page: () => createRunStore({ dbName, journalStorage: storage }),
      journal: () => createEditJournal(storage, journalKey(dbName, 'runs')),
      raw: createStore(dbName, 'runs'),
    };
  }

  it('a delete or rename cut off by the page closing is applied by the next page', async () => {
    const o = origin();
    await o.page().save(makeRun('r1'));
    await o.page().save(makeRun('r2'));
    await o.page().save(makeRun('r3'));
    // What a page that closed right after the clicks leaves: the journal, but no IndexedDB write.
    o.journal().recordDelete('r1');
    o.journal().recordRename('r2', 'renamed before the reload');

    const { runs } = await o.page().list();
    expect(runs.map((r) => [r.id, r.name])).toEqual([
      ['r2', 'renamed before the reload'],
      ['r3', 'run r3'],
    ]);
    // Replayed into IndexedDB and settled, so it no longer depends on the journal.
    expect(await get('r1', o.raw)).toBeUndefined();
    expect(await get<StoredRun>('r2', o.raw)).toMatchObject({ name: 'renamed before the reload' });
    expect(o.journal().read()).toEqual({ deleted: [], renamed: {} });
  });

  it('journals an edit synchronously and settles it once stored', async () => {
    const o = origin();
    const store = o.page();
    await store.save(makeRun('r1'));
    await store.save(makeRun('r2'));
    const deleting = store.delete('r1');
    const renaming = store.rename('r2', 'new');
    // Before any IndexedDB work: a reload now would already see both edits.
    expect(o.journal().read()).toEqual({ deleted: ['r1'], renamed: { r2: 'new' } });
    expect((await o.page().list()).runs.map((r) => [r.id, r.name])).toEqual([['r2', 'new']]);
    await Promise.all([deleting, renaming]);
    expect(o.journal().read()).toEqual({ deleted: [], renamed: {} });
  });

  it('a later rename is not settled by an earlier one finishing', () => {
    const journal = origin().journal();
    journal.recordRename('r1', 'a');
    journal.recordRename('r1', 'b');
    journal.settleRename('r1', 'a');
    expect(journal.read().renamed).toEqual({ r1: 'b' });
    journal.recordDelete('r1');
    expect(journal.read()).toEqual({ deleted: ['r1'], renamed: {} });
  });

  it('a cut-off clear deletes the runs created before it, not the ones saved after', async () => {
    const o = origin();
    await o.page().save(makeRun('r1', { createdAt: 1000 }));
    o.journal().recordClear(2000);
    await o.page().save(makeRun('r2', { createdAt: 3000 }));
    expect((await o.page().list()).runs.map((r) => r.id)).toEqual(['r2']);
    expect(await get('r1', o.raw)).toBeUndefined();
    expect(o.journal().read()).toEqual({ deleted: [], renamed: {} });
  });

  it('a failed write is settled (the user is told), not replayed later', async () => {
    const o = origin();
    await o.page().save(makeRun('r1'));
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    await expect(o.page().rename('r1', 'x')).rejects.toMatchObject({ kind: 'quota' });
    vi.restoreAllMocks();
    expect(o.journal().read()).toEqual({ deleted: [], renamed: {} });
    expect((await o.page().list()).runs.map((r) => r.name)).toEqual(['run r1']);
  });

  it('a corrupt or blocked journal storage never breaks the store', async () => {
    const o = origin();
    o.storage.setItem(journalKey(o.dbName, 'runs'), '{not json');
    await o.page().save(makeRun('r1'));
    expect((await o.page().list()).runs).toHaveLength(1);
    const blocked = {
      getItem: () => {
        throw new DOMException('blocked', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('blocked', 'SecurityError');
      },
      removeItem: () => undefined,
    };
    const store = createRunStore({ dbName: o.dbName, journalStorage: blocked });
    await store.delete('r1');
    expect((await store.list()).runs).toEqual([]);
  });
});
