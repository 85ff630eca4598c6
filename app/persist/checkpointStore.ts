/**
 * Checkpoints saved in the browser (docs/checkpoints.md, "In the app"), in IndexedDB via idb-keyval
 * like the saved runs (./runStore.ts), in a database of their own: a checkpoint is megabytes, and
 * idb-keyval keeps one object store per database.
 *
 * Each checkpoint is two records written in one transaction: `meta:<id>` (name, experiment, step,
 * size: what the list shows) and `file:<id>` (the checkpoint file text, exactly what the runner
 * writes). Listing reads only the `meta:` records, so a long list does not load every model.
 *
 * Failure policy as for saved runs: a write that fails rejects with a {@link RunStoreError} whose
 * message a user can act on; an unreadable record is skipped with a warning and left in place.
 */
import { createStore, delMany, get, getMany, keys, setMany, type UseStore } from 'idb-keyval';
import { z } from 'zod';
import { loadExperiment } from '../../src/experiment/load';
import type { Experiment } from '../../src/experiment/schema';
import { RunStoreError, toRunStoreError } from './runStore';

/** What the list shows of a saved checkpoint (its file text is stored beside it). */
export interface StoredCheckpoint {
  id: string;
  /** Display name; the download is `<name>.ckpt.json`. */
  name: string;
  /** Saving time, ms since the epoch. */
  createdAt: number;
  /** The experiment the model was trained under. */
  experiment: Experiment;
  stepsDone: number;
  /** Length of the file text (≈ bytes: it is ASCII JSON). */
  sizeBytes: number;
  /** Test accuracy of the model when it was saved, if measured. */
  testAccuracy?: number;
}

/** The checkpoint store. Every method rejects only with a {@link RunStoreError}. */
export interface CheckpointStore {
  /** Stores a checkpoint's list entry and file text together (one transaction). */
  save(entry: StoredCheckpoint, text: string): Promise<void>;
  /** Readable entries, oldest first; unreadable ones become warnings. */
  list(): Promise<{ checkpoints: StoredCheckpoint[]; warnings: string[] }>;
  /** The file text of checkpoint `id`, or null if there is none. */
  read(id: string): Promise<string | null>;
  delete(id: string): Promise<void>;
}

const META = 'meta:';
const FILE = 'file:';

const entrySchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  createdAt: z.number(),
  experiment: z.unknown(),
  stepsDone: z.number().int().min(0),
  sizeBytes: z.number().min(0),
  testAccuracy: z.number().optional(),
});

/** Validates a stored list entry (its experiment migrated like any experiment); an error names what is wrong. */
export function readCheckpointEntry(
  raw: unknown,
): { ok: true; entry: StoredCheckpoint } | { ok: false; error: string } {
  const rec = entrySchema.safeParse(raw);
  if (!rec.success) {
    const issue = rec.error.issues[0];
    return { ok: false, error: `${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  const exp = loadExperiment(rec.data.experiment);
  if (!exp.ok) return { ok: false, error: `experiment: ${exp.error}` };
  return { ok: true, entry: { ...rec.data, experiment: exp.value } };
}

/** A storage failure as a message about checkpoints (a full disk asks for downloads, not CSV exports). */
export function toCheckpointStoreError(err: unknown, action: string): RunStoreError {
  const e = toRunStoreError(err, action);
  if (e.kind !== 'quota') return e;
  return new RunStoreError(
    'quota',
    `Browser storage is full: ${action} failed. Download the checkpoints you want to keep, then delete old ones to free space.`,
    { cause: err },
  );
}

/** Options of {@link createCheckpointStore}; tests pass a fresh `dbName`. */
export interface CheckpointStoreOptions {
  dbName?: string;
  storeName?: string;
}

/** Creates a checkpoint store over one IndexedDB object store (opened lazily on first use). */
export function createCheckpointStore({
  dbName = 'quant-lab-checkpoints',
  storeName = 'checkpoints',
}: CheckpointStoreOptions = {}): CheckpointStore {
  let idb: UseStore | undefined;
  const guarded = async <T>(action: string, op: (store: UseStore) => Promise<T>): Promise<T> => {
    try {
      if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not defined');
      idb ??= createStore(dbName, storeName);
      return await op(idb);
    } catch (err) {
      throw toCheckpointStoreError(err, action);
    }
  };
  return {
    save: (entry, text) =>
      guarded(`saving checkpoint "${entry.name}"`, (s) => {
        if (!entry.id) throw new RunStoreError('failed', 'saving a checkpoint failed: it has no id');
        return setMany(
          [
            [META + entry.id, entry],
            [FILE + entry.id, text],
          ],
          s,
        );
      }),
    list: () =>
      guarded('listing saved checkpoints', async (s) => {
        const metaKeys = (await keys(s)).filter((k) => String(k).startsWith(META));
        const checkpoints: StoredCheckpoint[] = [];
        const warnings: string[] = [];
        for (const [i, raw] of (await getMany(metaKeys, s)).entries()) {
          const read = readCheckpointEntry(raw);
          if (read.ok) checkpoints.push(read.entry);
          else
            warnings.push(
              `saved checkpoint ${String(metaKeys[i]).slice(META.length, 60)} is unreadable and was skipped (${read.error})`,
            );
        }
        checkpoints.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
        return { checkpoints, warnings };
      }),
    read: (id) =>
      guarded(`reading checkpoint ${id}`, async (s) => {
        const text: unknown = await get(FILE + id, s);
        return typeof text === 'string' ? text : null;
      }),
    delete: (id) => guarded(`deleting checkpoint ${id}`, (s) => delMany([META + id, FILE + id], s)),
  };
}

let defaultStore: CheckpointStore | undefined;

/** The app's checkpoint store (database `quant-lab-checkpoints`). */
export function getCheckpointStore(): CheckpointStore {
  return (defaultStore ??= createCheckpointStore());
}

/** `<name>.ckpt.json`, the name made safe for a file system (the runner reads any name). */
export function checkpointFileName(name: string): string {
  const safe = name
    .replace(/[^A-Za-z0-9._ -]+/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  return `${safe || 'checkpoint'}.ckpt.json`;
}
