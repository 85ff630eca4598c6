/**
 * Checkpoint slice (docs/checkpoints.md, "In the app"): saving the active run's model (the worker
 * encodes it, this slice stores it through an injected {@link CheckpointStore}), the list of saved
 * checkpoints, and opening one (a file's text or a saved one) as a new run whose model the worker
 * holds, so the post-training ladder and fine-tuning can start from it.
 *
 * Bad input loses nothing: a file is parsed here first (a truncated, foreign or newer one is refused
 * with the parser's message, and nothing else changes); one that parses but does not fit a model is
 * refused by the worker, which keeps its current run, and the run entry made for it is removed.
 */
import type { StateCreator } from 'zustand/vanilla';
import { parseCheckpointText, type Checkpoint } from '../../src/checkpoint/format';
import type { CheckpointStore, StoredCheckpoint } from '../persist/checkpointStore';
import { newRunId, toRunStoreError } from '../persist/runStore';
import type { ClientEvent } from '../worker/protocol';
import { isFinished } from './ingest';
import { defaultRunName } from './persistSync';
import { ladderSource } from './ptqSelectors';
import { activeRun, addRun, patchRun, startRun, playRun, type Get, type Set } from './runSlice';
import { seriesPoints } from './series';
import type { LabEffects, LabState, Notice } from './types';

/** Why there is no model to save, by {@link ladderSource} kind. */
export const SAVE_REFUSALS = {
  none: 'There is no model to save: train a model (or open a checkpoint) first.',
  training: 'Training is running: pause or finish the run first.',
  twin: 'A twin run trains two models side by side; a checkpoint holds one.',
} as const;

export interface CheckpointSlice {
  /** Checkpoints saved in the browser, oldest first. */
  checkpoints: StoredCheckpoint[];
  /** Warnings from listing (unreadable entries). */
  checkpointWarnings: string[];
  /** What is in progress (saving, opening), in words; null when idle. */
  checkpointBusy: string | null;
  /** Lists the saved checkpoints. */
  loadCheckpoints: () => Promise<void>;
  /** Saves the active run's model (paused or finished) under its run name; the outcome is a notice. */
  saveCheckpoint: () => void;
  /**
   * Opens checkpoint file text as a new run in the worker. A file that does not parse is refused at
   * once, with the parser's message as an error notice; returns whether it was sent to the worker.
   */
  openCheckpointText: (text: string, name: string) => boolean;
  /** Opens a saved checkpoint (see {@link CheckpointSlice.openCheckpointText}). */
  openSavedCheckpoint: (id: string) => Promise<void>;
  /** The file text of a saved checkpoint (null: gone, or storage failed; the notice says which). */
  readCheckpoint: (id: string) => Promise<string | null>;
  deleteCheckpoint: (id: string) => Promise<void>;
  /** The run opened from a checkpoint whose checkpoint is kept for fine-tuning (null: none). */
  fineTuneRunId: string | null;
  /**
   * Trains a new run of the current experiment starting from the active run's opened checkpoint,
   * with the step count from 0 (fine-tuning); false when the active run was not opened from one.
   */
  fineTuneOpened: () => boolean;
  /** Handles the worker's checkpoint events (the run slice's `ingest` hands every batch on). */
  ingestCheckpoints: (events: ClientEvent[]) => void;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e6 ? 2 : 1)} MB`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function createCheckpointSlice(
  fx: LabEffects,
  store: CheckpointStore,
): StateCreator<LabState, [], [], CheckpointSlice> {
  return (set, get) => {
    const notice = (kind: Notice['kind'], text: string) => set({ notice: { kind, id: 'checkpoint', text } });
    /** Saves asked of the worker, by request id: the name and accuracy to store with the text. */
    const saving = new Map<string, { name: string; testAccuracy?: number }>();
    /** Checkpoints sent to the worker, by run id, until it answers. */
    const opening = new Map<string, { name: string; checkpoint: Checkpoint }>();
    /** The checkpoint run `fineTuneRunId` was opened from (one at a time: it is megabytes). */
    let opened: Checkpoint | null = null;
    const idle = () => set({ checkpointBusy: saving.size + opening.size > 0 ? get().checkpointBusy : null });

    const storeSaved = async (e: Extract<ClientEvent, { type: 'checkpointSaved' }>) => {
      const { text } = e;
      const asked = saving.get(e.requestId);
      saving.delete(e.requestId);
      idle();
      if (!asked) return;
      const entry: StoredCheckpoint = {
        id: newRunId(),
        name: asked.name,
        createdAt: Date.now(),
        experiment: e.experiment,
        stepsDone: e.stepsDone,
        sizeBytes: text.length,
        ...(asked.testAccuracy !== undefined && { testAccuracy: asked.testAccuracy }),
      };
      try {
        await store.save(entry, text);
      } catch (err) {
        return notice('error', toRunStoreError(err, `saving checkpoint "${entry.name}"`).message);
      }
      set({ checkpoints: [...get().checkpoints, entry] });
      notice('info', `Saved checkpoint "${entry.name}" (${mb(entry.sizeBytes)}).`);
    };

    const onOpened = (runId: string, g: Get, s: Set) => {
      const asked = opening.get(runId);
      opening.delete(runId);
      idle();
      if (!asked) return;
      // The worker holds one model: the previous active run's is gone (a live one is marked so).
      const previous = activeRun(g());
      if (previous && previous.id !== runId) {
        fx.stop(previous.id);
        if (!isFinished(previous.phase))
          patchRun(g, s, previous.id, {
            phase: 'stopped',
            reason: 'Its model was replaced by an opened checkpoint.',
          });
      }
      opened = asked.checkpoint;
      s({ activeRunId: runId, viewRunId: null, fineTuneRunId: runId });
      // The controls show what it was trained under (no live run now, so nothing is reset).
      g().setExperiment(asked.checkpoint.experiment);
      const acc = g().runs[runId]?.result?.testAccuracy;
      notice(
        'info',
        `Opened ${asked.name}: step ${asked.checkpoint.stepsDone}${acc !== undefined ? `, test accuracy ${pct(acc)}` : ''}. The Post-training workspace can quantize it; Fine-tune trains on from it.`,
      );
    };

    const onOpenFailed = (runId: string, message: string) => {
      const asked = opening.get(runId);
      opening.delete(runId);
      idle();
      fx.stop(runId);
      const { [runId]: _gone, ...runs } = get().runs;
      set({ runs, runOrder: get().runOrder.filter((id) => id !== runId) });
      notice('error', `Could not open ${asked?.name ?? 'the checkpoint'}: ${message}`);
    };

    return {
      checkpoints: [],
      checkpointWarnings: [],
      checkpointBusy: null,
      loadCheckpoints: async () => {
        try {
          const { checkpoints, warnings } = await store.list();
          set({ checkpoints, checkpointWarnings: warnings });
        } catch (err) {
          notice('error', toRunStoreError(err, 'listing saved checkpoints').message);
        }
      },
      saveCheckpoint: () => {
        const source = ladderSource(get());
        if (source.kind !== 'ready') return notice('error', SAVE_REFUSALS[source.kind]);
        const run = source.run;
        const requestId = `ckpt-${newRunId()}`;
        const testAccuracy = seriesPoints(run.evals).at(-1)?.testAccuracy;
        const name = `${run.openedFrom ?? defaultRunName(run)} · step ${run.stepsDone}`;
        saving.set(requestId, { name, ...(testAccuracy !== undefined && { testAccuracy }) });
        set({ checkpointBusy: `Saving the model of run ${run.number}…` });
        fx.saveCheckpoint(requestId, run.id);
      },
      openCheckpointText: (text, name) => {
        const parsed = parseCheckpointText(text);
        if (!parsed.ok) {
          notice('error', `Could not open ${name}: ${parsed.error}`);
          return false;
        }
        const checkpoint = parsed.value;
        const run = addRun(get, set, checkpoint.experiment, { openedFrom: name });
        opening.set(run.id, { name, checkpoint });
        set({ checkpointBusy: `Opening ${name}…` });
        fx.open(run.id, checkpoint);
        return true;
      },
      openSavedCheckpoint: async (id) => {
        const entry = get().checkpoints.find((c) => c.id === id);
        const text = await get().readCheckpoint(id);
        if (entry && text !== null) get().openCheckpointText(text, entry.name);
      },
      readCheckpoint: async (id) => {
        try {
          const text = await store.read(id);
          if (text === null) notice('error', `Saved checkpoint ${id} is gone (deleted in another tab?).`);
          return text;
        } catch (err) {
          notice('error', toRunStoreError(err, `reading checkpoint ${id}`).message);
          return null;
        }
      },
      deleteCheckpoint: async (id) => {
        set({ checkpoints: get().checkpoints.filter((c) => c.id !== id) });
        try {
          await store.delete(id);
        } catch (err) {
          notice('error', toRunStoreError(err, `deleting checkpoint ${id}`).message);
        }
      },
      fineTuneRunId: null,
      fineTuneOpened: () => {
        const { fineTuneRunId, activeRunId, runs } = get();
        if (!opened || fineTuneRunId === null || fineTuneRunId !== activeRunId) return false;
        const from = runs[fineTuneRunId]?.openedFrom;
        const run = startRun(get, set, fx, { checkpoint: opened, finetune: true });
        patchRun(get, set, run.id, { openedFrom: from });
        opened = null;
        set({ fineTuneRunId: null });
        const n = get().autoPauseAfter;
        playRun(get, set, fx, get().runs[run.id], n ?? undefined);
        return true;
      },
      ingestCheckpoints: (events) => {
        for (const e of events) {
          if (e.type === 'checkpointSaved') void storeSaved(e);
          else if (e.type === 'checkpointFailed') {
            saving.delete(e.requestId);
            idle();
            notice('error', `Could not save the checkpoint: ${e.message}`);
          } else if (e.type === 'opened') onOpened(e.runId, get, set);
          else if (e.type === 'openFailed') onOpenFailed(e.runId, e.message);
          else if (e.type === 'crashed') {
            // Requests the dead worker never answered; its runs are marked crashed by ingest.
            saving.clear();
            opening.clear();
            idle();
          }
        }
      },
    };
  };
}
