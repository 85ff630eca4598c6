/**
 * Saved runs in IndexedDB (via idb-keyval): every run's experiment, history and result survive a
 * reload or a worker crash. No React: the store slice calls these functions and keeps the results.
 *
 * Failure policy: a write that fails (storage full, IndexedDB blocked) rejects with a
 * {@link RunStoreError} whose message a user can act on; it is never swallowed. A record that cannot
 * be read (corrupted, or written by a newer Quant Lab in another tab) is skipped with a warning and
 * left in place, so nothing is deleted behind the user's back.
 *
 * Durability: the user's edits (delete, rename, clear) are journaled synchronously before their
 * IndexedDB write and replayed by the next page if the write was cut off (see pendingEdits.ts), so
 * a run deleted or renamed just before a reload or a tab close stays deleted or renamed.
 */
import {
  clear,
  createStore,
  del,
  delMany,
  entries,
  get,
  set,
  setMany,
  update,
  type UseStore,
} from 'idb-keyval';
import { z } from 'zod';
import { parseRunFile } from '../../src/experiment/export';
import { historyPointSchema } from '../../src/experiment/result';
import { loadExperiment } from '../../src/experiment/load';
import type { Experiment } from '../../src/experiment/schema';
import type { HistoryPoint, RunResult } from '../../src/train/types';
import {
  createEditJournal,
  defaultJournalStorage,
  journalKey,
  type JournalStorage,
  type PendingEdits,
} from './pendingEdits';

/** Status of a stored run; `interrupted` = it was `running` when the page closed or the worker died. */
export const STORED_RUN_STATUSES = [
  'running',
  'completed',
  'diverged',
  'stopped',
  'interrupted',
  'failed',
] as const;
export type StoredRunStatus = (typeof STORED_RUN_STATUSES)[number];

/** One saved run. Plain data (structured-cloneable). */
export interface StoredRun {
  id: string;
  /** Display name (editable); the experiment is never changed by a rename. */
  name: string;
  /** Creation time, ms since the epoch. */
  createdAt: number;
  experiment: Experiment;
  /** History so far (downsampled by the run slice, so it stays bounded). */
  history: HistoryPoint[];
  /** Present once the run finished. */
  result?: RunResult;
  status: StoredRunStatus;
}

/** Why a storage operation failed: `quota` (storage full), `unavailable` (IndexedDB blocked), `failed`. */
export type RunStoreErrorKind = 'quota' | 'unavailable' | 'failed';

/** A storage failure with a message fit to show the user. */
export class RunStoreError extends Error {
  readonly kind: RunStoreErrorKind;
  constructor(kind: RunStoreErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunStoreError';
    this.kind = kind;
  }
}

/** Outcome of {@link RunStore.load}. */
export type LoadedRun = { ok: true; run: StoredRun; warnings: string[] } | { ok: false; error: string };

/** The saved-runs API. Every method rejects only with a {@link RunStoreError}. */
export interface RunStore {
  /** Inserts or overwrites the run with `run.id` (call it on start, at each eval and at the end). */
  save(run: StoredRun): Promise<void>;
  load(id: string): Promise<LoadedRun>;
  /**
   * All readable runs, oldest first; unreadable records become warnings. Edits an earlier page
   * journaled but did not finish storing are applied first (and hidden from the list regardless).
   */
  list(): Promise<{ runs: StoredRun[]; warnings: string[] }>;
  /** Renames a run; false if there is no such run. Journaled before the call returns. */
  rename(id: string, name: string): Promise<boolean>;
  /** Deletes a run. Journaled before the call returns, so a reload right after cannot undo it. */
  delete(id: string): Promise<void>;
  /** Deletes every saved run (created up to now). Journaled before the call returns. */
  clear(): Promise<void>;
  /** Marks runs left `running` by a closed page or crashed worker as `interrupted`; returns how many. */
  markInterrupted(): Promise<number>;
}

const QUOTA_NAMES = new Set(['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED']);
const UNAVAILABLE_NAMES = new Set(['SecurityError', 'InvalidStateError', 'InvalidAccessError']);

function errorName(err: unknown): { name?: string; code?: number; message?: string } {
  return typeof err === 'object' && err !== null
    ? (err as { name?: string; code?: number; message?: string })
    : {};
}

/**
 * Classifies any storage failure as a {@link RunStoreError}. `action` completes "… failed", e.g.
 * `saving run "W4 MLP"`. Quota errors are recognised by name (Chrome, Firefox, Safari) or legacy code.
 */
export function toRunStoreError(err: unknown, action: string): RunStoreError {
  if (err instanceof RunStoreError) return err;
  const e = errorName(err);
  if ((e.name && QUOTA_NAMES.has(e.name)) || e.code === 22 || e.code === 1014) {
    return new RunStoreError(
      'quota',
      `Browser storage is full: ${action} failed. Export the runs you want to keep (CSV or JSON), then delete old runs to free space.`,
      { cause: err },
    );
  }
  if (typeof indexedDB === 'undefined' || (e.name && UNAVAILABLE_NAMES.has(e.name))) {
    return new RunStoreError(
      'unavailable',
      `Saved runs are unavailable (this browser blocks IndexedDB, e.g. in private mode): ${action} failed, and runs will not survive a reload.`,
      { cause: err },
    );
  }
  return new RunStoreError('failed', `${action} failed: ${e.message ?? String(err)}`, { cause: err });
}

const recordSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  createdAt: z.number(),
  experiment: z.unknown(),
  history: z.array(historyPointSchema),
  result: z.unknown().optional(),
  status: z.enum(STORED_RUN_STATUSES),
});

/**
 * Validates a raw record, migrating an experiment saved by an older version. A bad `result` is
 * dropped with a warning (the history still has the curves); anything else bad rejects the record.
 */
export function readRecord(raw: unknown): LoadedRun {
  const rec = recordSchema.safeParse(raw);
  if (!rec.success) {
    const issue = rec.error.issues[0];
    return { ok: false, error: `${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  const exp = loadExperiment(rec.data.experiment);
  if (!exp.ok) return { ok: false, error: `experiment: ${exp.error}` };
  const warnings = [...exp.warnings];
  const { result: rawResult, ...fields } = rec.data;
  const run: StoredRun = { ...fields, experiment: exp.value };
  if (rawResult !== undefined) {
    const res = parseRunFile(rawResult);
    if (res.ok && res.value.kind === 'result') run.result = res.value.result;
    else
      warnings.push(
        `result of run "${run.name}" is unreadable and was left out (${res.ok ? 'not a result' : res.error})`,
      );
  }
  return { ok: true, run, warnings };
}

/** Options of {@link createRunStore}; tests pass a fresh `dbName` and their own journal storage. */
export interface RunStoreOptions {
  dbName?: string;
  storeName?: string;
  /** Where pending edits are journaled (default: `localStorage`, else memory). */
  journalStorage?: JournalStorage;
}

/** A listed run with the pending edits applied; null if it is pending deletion. */
function withPending(run: StoredRun, pending: PendingEdits): StoredRun | null {
  if (pending.deleted.includes(run.id)) return null;
  if (pending.clearedAt !== undefined && run.createdAt <= pending.clearedAt) return null;
  const name = pending.renamed[run.id];
  return name === undefined ? run : { ...run, name };
}

/** Creates a run store over one IndexedDB object store (opened lazily on first use). */
export function createRunStore({
  dbName = 'quant-lab',
  storeName = 'runs',
  journalStorage = defaultJournalStorage(),
}: RunStoreOptions = {}): RunStore {
  let idb: UseStore | undefined;
  const journal = createEditJournal(journalStorage, journalKey(dbName, storeName));
  /** Runs a journaled write; the entry is settled once the write completed or failed (and was reported). */
  const settled = async <T>(write: Promise<T>, settle: () => void): Promise<T> => {
    try {
      return await write;
    } finally {
      settle();
    }
  };
  // Guard every call: idb-keyval touches `indexedDB` on first use, which throws where it is missing.
  const guarded = async <T>(action: string, op: (store: UseStore) => Promise<T>): Promise<T> => {
    try {
      if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not defined');
      idb ??= createStore(dbName, storeName);
      return await op(idb);
    } catch (err) {
      throw toRunStoreError(err, action);
    }
  };
  const NOT_FOUND = Symbol('not found');
  const renameStored = (id: string, name: string) =>
    guarded(`renaming run ${id}`, async (s) => {
      try {
        await update(
          id,
          (old) => {
            if (typeof old !== 'object' || old === null) throw NOT_FOUND;
            return { ...old, name };
          },
          s,
        );
        return true;
      } catch (err) {
        if (err === NOT_FOUND) return false;
        throw err;
      }
    });
  /**
   * Applies the edits of a page that closed before storing them (each is idempotent), settling each
   * one once stored. A failure leaves the rest in the journal for the next page.
   */
  const replayPending = async (s: UseStore, pending: PendingEdits): Promise<void> => {
    if (pending.clearedAt !== undefined) {
      const at = pending.clearedAt;
      const stale = (await entries(s)).filter(([, raw]) => {
        const createdAt = (raw as { createdAt?: unknown } | null)?.createdAt;
        return typeof createdAt !== 'number' || createdAt <= at;
      });
      await delMany(
        stale.map(([key]) => key),
        s,
      );
      journal.settleClear(at);
    }
    if (pending.deleted.length > 0) {
      await delMany(pending.deleted, s);
      for (const id of pending.deleted) journal.settleDelete(id);
    }
    for (const [id, name] of Object.entries(pending.renamed)) {
      await renameStored(id, name);
      journal.settleRename(id, name);
    }
  };

  return {
    save: (run) =>
      guarded(`saving run "${run.name}"`, (s) => {
        if (!run.id) throw new RunStoreError('failed', 'saving a run failed: the run has no id');
        return set(run.id, run, s);
      }),
    load: (id) =>
      guarded(`loading run ${id}`, async (s) => {
        const raw = await get(id, s);
        if (raw === undefined) return { ok: false as const, error: `no saved run with id ${id}` };
        const read = readRecord(raw);
        return read.ok
          ? read
          : { ok: false as const, error: `saved run ${id} is unreadable (${read.error})` };
      }),
    list: () =>
      guarded('listing saved runs', async (s) => {
        const pending = journal.read();
        try {
          await replayPending(s, pending);
        } catch {
          // Kept in the journal for the next page; the listing below hides the edits meanwhile.
        }
        const runs: StoredRun[] = [];
        const warnings: string[] = [];
        for (const [key, raw] of await entries(s)) {
          const read = readRecord(raw);
          const run = read.ok ? withPending(read.run, pending) : null;
          if (run) {
            runs.push(run);
            if (read.ok) warnings.push(...read.warnings);
          } else if (!read.ok)
            warnings.push(
              `saved run ${String(key).slice(0, 60)} is unreadable and was skipped (${read.error})`,
            );
        }
        runs.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
        return { runs, warnings };
      }),
    rename: (id, name) => {
      journal.recordRename(id, name);
      return settled(renameStored(id, name), () => journal.settleRename(id, name));
    },
    delete: (id) => {
      journal.recordDelete(id);
      return settled(
        guarded(`deleting run ${id}`, (s) => del(id, s)),
        () => journal.settleDelete(id),
      );
    },
    clear: () => {
      const at = Date.now();
      journal.recordClear(at);
      return settled(
        guarded('clearing saved runs', (s) => clear(s)),
        () => journal.settleClear(at),
      );
    },
    markInterrupted: () =>
      guarded('marking interrupted runs', async (s) => {
        const stale = (await entries(s)).filter(
          ([, raw]) =>
            typeof raw === 'object' && raw !== null && (raw as { status?: unknown }).status === 'running',
        );
        await setMany(
          stale.map(([key, raw]) => [key, { ...(raw as object), status: 'interrupted' }]),
          s,
        );
        return stale.length;
      }),
  };
}

let defaultStore: RunStore | undefined;

/** The app's run store (database `quant-lab`, object store `runs`). */
export function getRunStore(): RunStore {
  return (defaultStore ??= createRunStore());
}

/** A new run id (random UUID where available). */
export function newRunId(): string {
  return (
    globalThis.crypto?.randomUUID?.() ??
    `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`
  );
}

/**
 * Asks the browser to keep this origin's storage under pressure (no eviction of saved runs).
 * Resolves false where unsupported or refused; never rejects.
 */
export async function requestPersistentStorage(): Promise<boolean> {
  try {
    return (await globalThis.navigator?.storage?.persist?.()) ?? false;
  } catch {
    return false;
  }
}
