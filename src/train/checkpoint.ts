/**
 * A trainer's side of checkpoints (docs/checkpoints.md): writing the model and the plugins' state
 * (the oscillation controller's), and starting a trainer from a checkpoint — resuming at its step,
 * or fine-tuning from its weights with the step count at 0. The optimizer's state (Adam's moments,
 * momentum) is not stored: a resumed run rebuilds it from zero.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '../checkpoint/check';
import {
  decodeCheckpointTensors,
  encodeCheckpoint,
  type Checkpoint,
  type CheckpointFile,
} from '../checkpoint/format';
import { loadModelState, modelState } from '../checkpoint/model';
import type { BatchSampler } from '../data/batches';
import type { Experiment } from '../experiment/schema';
import type { QuantModel } from '../models/build';
import type { NamedTensors } from '../quant/types';
import type { TrainerPlugin } from './plugins';

/** Where a trainer starts when not from the seeded initialization (`TrainerOptions.from`). */
export interface TrainerStart {
  checkpoint: Checkpoint;
  /**
   * Count steps from 0: a new run of `train.steps` steps (fresh schedules and oscillation state)
   * on the checkpoint's weights and quantizer state. Default false: resume at its `stepsDone`.
   */
  finetune?: boolean;
}

/** A checkpoint of `model` and the plugins' state. Reads the tensors back once. */
export async function trainerCheckpoint(
  model: QuantModel,
  plugins: readonly TrainerPlugin[],
  meta: { experiment: Experiment; stepsDone: number; createdBy?: string },
): Promise<CheckpointFile> {
  const named: NamedTensors = modelState(model);
  for (const p of plugins) Object.assign(named, p.saveState?.());
  try {
    return await encodeCheckpoint(meta, named);
  } finally {
    tf.dispose(Object.values(named));
  }
}

/** The decoded tensors of a start, for {@link startModel} and {@link startPlugins}; dispose them after. */
export function startTensors(start: TrainerStart | undefined): NamedTensors {
  return start ? decodeCheckpointTensors(start.checkpoint) : {};
}

/**
 * Loads the checkpoint's variables and quantizer state into `model` (built for `exp`) and moves
 * the data order to where the saved run was (resuming). Returns the steps done to count from.
 * @throws CheckpointError naming what does not fit
 */
export function startModel(
  model: QuantModel,
  exp: Experiment,
  start: TrainerStart,
  named: NamedTensors,
  sampler: BatchSampler,
): number {
  const saved = start.checkpoint.experiment;
  const loaded = loadModelState(model, exp, named, saved);
  if (!loaded.ok) throw new CheckpointError(loaded.error);
  if (start.finetune) return 0;
  // The data order is a function of the seed: replay the batches the saved run drew.
  for (let i = 0; i < start.checkpoint.stepsDone; i += 1) sampler.next(saved.train.batchSize);
  return start.checkpoint.stepsDone;
}

/**
 * Restores the plugins' state when resuming (a fine-tuning run starts them fresh).
 * @throws CheckpointError naming a missing or misshapen tensor
 */
export function startPlugins(
  plugins: readonly TrainerPlugin[],
  start: TrainerStart,
  named: NamedTensors,
): void {
  if (start.finetune) return;
  for (const p of plugins) {
    const problem = p.loadState?.(named, start.checkpoint.experiment);
    if (problem) throw new CheckpointError(problem);
  }
}
