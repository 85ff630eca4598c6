/**
 * The write-ahead journal of the user's edits to saved runs (delete, rename, clear).
 *
 * Why: an IndexedDB write is asynchronous. idb-keyval opens the database, starts a readwrite
 * transaction and the transaction commits only after its requests succeed, several event-loop turns
 * after the click. A page that unloads before then (a reload, a closed tab) has its unfinished
 * transactions aborted, so a run deleted just before a reload came back. Awaiting the transaction
 * before hiding the row does not help: the reload can still come first, and the user saw the row
 * go. So the intent is written first, synchronously, to `localStorage` (its writes are visible to the
 * next page of this origin as soon as `setItem` returns, and the browser keeps them when the tab
 * closes); then the IndexedDB write runs; when it completes (or fails, which the user is told about)
 * the entry is settled. An entry still present when a page starts is a write cut off by the unload:
 * {@link RunStore.list} applies it to IndexedDB again (every edit is idempotent) before listing, and
 * hides its effect from the listing even if that replay fails.
 *
 * Only small intents are journaled, never run records, so `localStorage` never fills up. Saving a
 * record needs no journal: an IndexedDB put is atomic, so a tab closed mid-write keeps the previous
 * version of the run whole, and the next progress save (or `pagehide` flush) writes the newer one.
 */

/** Edits started but not known to be stored in IndexedDB. */
export interface PendingEdits {
  /** Ids deleted by the user. */
  deleted: string[];
  /** New names by run id (the latest rename wins). */
  renamed: Record<string, string>;
  /** "Clear all" time (ms since the epoch): runs created up to then are deleted. */
  clearedAt?: number;
}

/** The part of the Web Storage API the journal uses (tests pass a Map-backed fake). */
export type JournalStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** Reads, records and settles pending edits under one storage key. Never throws. */
export interface EditJournal {
  read(): PendingEdits;
  recordDelete(id: string): void;
  settleDelete(id: string): void;
  recordRename(id: string, name: string): void;
  /** Settles a rename unless a later rename of the same run is still pending. */
  settleRename(id: string, name: string): void;
  recordClear(at: number): void;
  settleClear(at: number): void;
}

const EMPTY: PendingEdits = { deleted: [], renamed: {} };

function parse(text: string | null): PendingEdits {
  if (!text) return EMPTY;
  try {
    const raw = JSON.parse(text) as Partial<PendingEdits>;
    return {
      deleted: Array.isArray(raw.deleted)
        ? raw.deleted.filter((x): x is string => typeof x === 'string')
        : [],
      renamed: typeof raw.renamed === 'object' && raw.renamed !== null ? { ...raw.renamed } : {},
      ...(typeof raw.clearedAt === 'number' ? { clearedAt: raw.clearedAt } : {}),
    };
  } catch {
    return EMPTY;
  }
}

/** In-memory storage (where `localStorage` is missing or blocked): edits then last as long as the page. */
export function memoryStorage(): JournalStorage {
  const map = new Map<string, string>();
  return {
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

/** The storage key of the journal of one IndexedDB object store. */
export function journalKey(dbName: string, storeName: string): string {
  return `quant-lab:pending-edits:${dbName}/${storeName}`;
}

/** `localStorage` if this context has a working one, else {@link memoryStorage}. */
export function defaultJournalStorage(): JournalStorage {
  try {
    const ls = globalThis.localStorage;
    if (ls) {
      ls.getItem('quant-lab:probe');
      return ls;
    }
  } catch {
    // Blocked storage (some private modes, sandboxed frames) throws on access.
  }
  return memoryStorage();
}

/** A journal stored under `key` in `storage`. A failing storage only loses the journal, never throws. */
export function createEditJournal(storage: JournalStorage, key: string): EditJournal {
  const read = () => {
    try {
      return parse(storage.getItem(key));
    } catch {
      return EMPTY;
    }
  };
  const write = (edit: (p: PendingEdits) => PendingEdits) => {
    try {
      const next = edit(read());
      if (
        next.deleted.length === 0 &&
        Object.keys(next.renamed).length === 0 &&
        next.clearedAt === undefined
      ) {
        storage.removeItem(key);
      } else storage.setItem(key, JSON.stringify(next));
    } catch {
      // Storage full or blocked: the IndexedDB write still runs; only the unload guarantee is lost.
    }
  };
  const withoutRename = (renamed: Record<string, string>, id: string) => {
    const { [id]: _dropped, ...rest } = renamed;
    return rest;
  };
  return {
    read,
    recordDelete: (id) =>
      write((p) => ({
        ...p,
        deleted: p.deleted.includes(id) ? p.deleted : [...p.deleted, id],
        renamed: withoutRename(p.renamed, id),
      })),
    settleDelete: (id) => write((p) => ({ ...p, deleted: p.deleted.filter((x) => x !== id) })),
    recordRename: (id, name) => write((p) => ({ ...p, renamed: { ...p.renamed, [id]: name } })),
    settleRename: (id, name) =>
      write((p) => (p.renamed[id] === name ? { ...p, renamed: withoutRename(p.renamed, id) } : p)),
    recordClear: (at) => write(() => ({ deleted: [], renamed: {}, clearedAt: at })),
    settleClear: (at) =>
      write((p) => {
        if (p.clearedAt !== at) return p;
        const { clearedAt: _done, ...rest } = p;
        return rest;
      }),
  };
}
