/**
 * Checkpoints in the training worker (docs/checkpoints.md, "In the app"): thin glue from the
 * `checkpoint` and `open` commands to src/train. Saving encodes the session's model between training
 * chunks; opening builds a trainer from a checkpoint and evaluates it before anything is replaced,
 * so a checkpoint that does not fit leaves the current run as it was.
 */
import { serializeCheckpoint, type Checkpoint } from '../../src/checkpoint/format';
import type { MnistData } from '../../src/data/mnist';
import { createTrainer } from '../../src/train/trainer';
import type { HistoryPoint, Trainer } from '../../src/train/types';
import type { WorkerEvent } from './protocol';
import type { Session } from './session';

/** Said when a save is asked for while the run trains (the model changes under the encoder). */
export const CHECKPOINT_WHILE_TRAINING = 'Training is running: pause or finish the run first.';
export const CHECKPOINT_TWIN = 'A twin run trains two models side by side; a checkpoint holds one.';
export const CHECKPOINT_NO_RUN = 'That run is no longer in the worker: train or open a model first.';

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Encodes the session's model as checkpoint file text and posts it (or why it could not). */
export async function saveCheckpoint(
  requestId: string,
  session: Session | null,
  post: (e: WorkerEvent) => void,
): Promise<void> {
  const fail = (message: string) => post({ type: 'checkpointFailed', requestId, message });
  if (!session) return fail(CHECKPOINT_NO_RUN);
  if (session.isPlaying) return fail(CHECKPOINT_WHILE_TRAINING);
  try {
    const file = await session.withTrainer((t) => {
      if (!t.checkpoint) throw new Error(CHECKPOINT_TWIN);
      return t.checkpoint();
    });
    if (!file) return fail(CHECKPOINT_NO_RUN);
    const { experiment, stepsDone } = file;
    post({ type: 'checkpointSaved', requestId, text: serializeCheckpoint(file), experiment, stepsDone });
  } catch (err) {
    fail(messageOf(err));
  }
}

/** A trainer holding the checkpoint's model (resumed at its step) and its test evaluation. */
export interface OpenedModel {
  trainer: Trainer;
  evaluation: HistoryPoint;
}

/**
 * Builds a trainer from `checkpoint` under its own experiment and evaluates it on the test split.
 * Returns null after posting `openFailed` when it does not fit (nothing was changed).
 */
export async function openCheckpoint(
  runId: string,
  checkpoint: Checkpoint,
  data: MnistData,
  post: (e: WorkerEvent) => void,
): Promise<OpenedModel | null> {
  let trainer: Trainer | null = null;
  try {
    trainer = await createTrainer(checkpoint.experiment, data, { from: { checkpoint } });
    return { trainer, evaluation: await trainer.evaluate() };
  } catch (err) {
    trainer?.dispose();
    post({ type: 'openFailed', runId, message: messageOf(err) });
    return null;
  }
}

/** The `opened` event of a model now held by the worker's session: a finished run at its step. */
export function openedEvent(runId: string, opened: OpenedModel): WorkerEvent {
  const { history: _h, weights: _w, ...result } = opened.trainer.result();
  return {
    type: 'opened',
    runId,
    stepsDone: opened.trainer.stepsDone,
    evaluation: opened.evaluation,
    result: { ...result, status: 'completed' },
  };
}
