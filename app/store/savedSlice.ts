/**
 * Saved-runs slice: the runs kept in IndexedDB (through an injected {@link RunStore}), which of them
 * the comparison overlays, and the comparison's smoothing. Every storage failure is shown to the user
 * (`savedError`), never swallowed. Writing live runs is `persistSync.ts`'s job.
 *
 * A delete, rename or clear updates the rows at once: the run store journals the edit synchronously
 * in the same call (runStore.ts, pendingEdits.ts), so a reload right after cannot bring a deleted run
 * back or undo a rename, even though the IndexedDB write is still in flight.
 */
import type { StateCreator } from 'zustand/vanilla';
import { parseRunFileText } from '../../src/experiment/export';
import { newRunId, type RunStore, type StoredRun, toRunStoreError } from '../persist/runStore';
import type { LabState } from './types';

/** Runs overlaid at once (more lines than this are unreadable). */
export const MAX_COMPARE = 8;

export interface SavedSlice {
  /** Saved runs by id. */
  saved: Record<string, StoredRun>;
  /** Saved run ids, oldest first. */
  savedOrder: string[];
  /** Ids overlaid in the comparison charts. */
  compareIds: string[];
  /** EMA weight of the comparison curves, 0 (raw) – 0.99. */
  smoothing: number;
  /** Whether runs differing only in seed are drawn as a mean with a band. */
  groupSeeds: boolean;
  /** The last storage failure, in words a user can act on (null: none). */
  savedError: string | null;
  /** Warnings from loading (unreadable records, migrated experiments). */
  savedWarnings: string[];
  /** Whether the first {@link SavedSlice.loadSaved} has finished (until then the list is incomplete). */
  savedLoaded: boolean;
  /** Marks runs left running as interrupted, then lists all saved runs. */
  loadSaved: () => Promise<void>;
  /** Writes a run (insert or overwrite by id) and shows it at once. */
  saveRun: (run: StoredRun) => Promise<void>;
  renameSaved: (id: string, name: string) => Promise<void>;
  deleteSaved: (id: string) => Promise<void>;
  clearSaved: () => Promise<void>;
  /**
   * Opens a file's text: a runner result becomes a saved completed run (selected for comparison);
   * an experiment loads into the controls. Returns a message for the user (error or what happened).
   */
  importRunFile: (text: string, fileName: string) => Promise<{ ok: boolean; message: string }>;
  toggleCompare: (id: string) => void;
  setSmoothing: (w: number) => void;
  setGroupSeeds: (on: boolean) => void;
  dismissSavedError: () => void;
}

export function createSavedSlice(runStore: RunStore): StateCreator<LabState, [], [], SavedSlice> {
  return (set, get) => {
    /** Runs `op`; a failure becomes `savedError` (and is returned as false). */
    const guard = async (action: string, op: () => Promise<void>): Promise<boolean> => {
      try {
        await op();
        return true;
      } catch (err) {
        set({ savedError: toRunStoreError(err, action).message });
        return false;
      }
    };
    const remove = (ids: string[]) => {
      const saved = { ...get().saved };
      for (const id of ids) delete saved[id];
      set({
        saved,
        savedOrder: get().savedOrder.filter((id) => !ids.includes(id)),
        compareIds: get().compareIds.filter((id) => !ids.includes(id)),
      });
    };
    const upsert = (run: StoredRun) => {
      const s = get();
      set({
        saved: { ...s.saved, [run.id]: run },
        savedOrder: s.savedOrder.includes(run.id) ? s.savedOrder : [...s.savedOrder, run.id],
      });
    };

    return {
      saved: {},
      savedOrder: [],
      compareIds: [],
      smoothing: 0,
      groupSeeds: true,
      savedError: null,
      savedWarnings: [],
      savedLoaded: false,
      loadSaved: async () => {
        await guard('loading saved runs', async () => {
          await runStore.markInterrupted();
          const { runs, warnings } = await runStore.list();
          // Runs saved meanwhile by this page (a run started before the list returned) are kept.
          const saved = { ...Object.fromEntries(runs.map((r) => [r.id, r])), ...get().saved };
          const order = [
            ...runs.map((r) => r.id),
            ...get().savedOrder.filter((id) => !runs.some((r) => r.id === id)),
          ];
          set({ saved, savedOrder: order, savedWarnings: warnings });
        });
        set({ savedLoaded: true });
      },
      saveRun: async (run) => {
        upsert(run);
        await guard(`saving run "${run.name}"`, () => runStore.save(run));
      },
      renameSaved: async (id, name) => {
        const run = get().saved[id];
        const clean = name.trim().slice(0, 120);
        if (!run || !clean) return;
        upsert({ ...run, name: clean });
        await guard(`renaming run "${run.name}"`, async () => {
          await runStore.rename(id, clean);
        });
      },
      deleteSaved: async (id) => {
        remove([id]);
        await guard(`deleting run ${id}`, () => runStore.delete(id));
      },
      clearSaved: async () => {
        remove([...get().savedOrder]);
        await guard('clearing saved runs', () => runStore.clear());
      },
      importRunFile: async (text, fileName) => {
        const parsed = parseRunFileText(text);
        if (!parsed.ok) return { ok: false, message: `Could not open ${fileName}: ${parsed.error}` };
        const file = parsed.value;
        const warn = file.warnings.length ? ` (${file.warnings.join('; ')})` : '';
        if (file.kind === 'experiment') {
          get().setExperiment(file.experiment);
          return { ok: true, message: `Loaded the experiment from ${fileName} into the controls${warn}.` };
        }
        const r = file.result;
        const run: StoredRun = {
          id: newRunId(),
          name: `${r.experiment.name || fileName.replace(/\.json$/i, '')} (imported)`,
          createdAt: Date.now(),
          experiment: r.experiment,
          history: r.history,
          result: r,
          status: r.status,
        };
        const ok = await guard(`saving imported run "${run.name}"`, () => runStore.save(run));
        upsert(run);
        set({ compareIds: [...get().compareIds, run.id].slice(-MAX_COMPARE) });
        return {
          ok,
          message: ok
            ? `Imported ${fileName} as a saved run${warn}.`
            : `Imported ${fileName}, but it could not be saved.`,
        };
      },
      toggleCompare: (id) => {
        const ids = get().compareIds;
        set({
          compareIds: ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id].slice(-MAX_COMPARE),
        });
      },
      setSmoothing: (w) => set({ smoothing: Math.min(0.99, Math.max(0, Number.isFinite(w) ? w : 0)) }),
      setGroupSeeds: (on) => set({ groupSeeds: on }),
      dismissSavedError: () => set({ savedError: null }),
    };
  };
}
