/**
 * Runs one experiment to the end on the active backend: the shared code path of the headless
 * runner, the sweep and the tests (the browser worker drives a Trainer in chunks instead).
 */
import type { CheckpointFile } from '../checkpoint/format';
import type { MnistData } from '../data/mnist';
import type { Experiment } from '../experiment/schema';
import { costOfExperiment } from '../cost/report';
import { createTrainer, type TrainerOptions } from './trainer';
import type { RunResult, StepReport, Trainer } from './types';

/** Steps per `Trainer.run` call; reports are delivered after each chunk. */
const CHUNK_STEPS = 50;

/**
 * Steers a run between chunks by live changes (`trainer.update`), e.g. the per-layer bits learned
 * during QAT (src/mixed/qbitopt.ts). Steered once before the first step, then at each stop.
 */
export interface RunSteering {
  /** Changes the trainer's experiment (or not) at its current step. */
  steer(trainer: Trainer): Promise<void>;
  /** The next step after `stepsDone` at which to steer (Infinity: no more). */
  nextStop(stepsDone: number): number;
  /** Adds the steering's record to the result. */
  finish(result: RunResult): void;
}

/** Options of {@link runExperiment}. */
export interface RunOptions extends TrainerOptions {
  /** Include each layer's integer codes and scales (`--save-weights`). */
  saveWeights?: boolean;
  /** Stops the run after the current chunk; the result then has status 'stopped'. */
  signal?: AbortSignal;
  /** Receives a checkpoint of the trained model at the end, whatever the status (`--checkpoint`). */
  onCheckpoint?: (checkpoint: CheckpointFile) => void;
  /** Called with the trained model's trainer before it is disposed (a lesson's ladder measures it). */
  onTrained?: (trainer: Trainer) => Promise<void>;
  /** Live changes between chunks ({@link RunSteering}). */
  steering?: RunSteering;
}

/**
 * Trains `exp` on `data` until done (completed or diverged), calling `onReport` for every step
 * report, and returns the result. The trainer is always disposed.
 */
export async function runExperiment(
  exp: Experiment,
  data: MnistData,
  onReport?: (report: StepReport) => void,
  options: RunOptions = {},
): Promise<RunResult> {
  const trainer = await createTrainer(exp, data, options);
  const { steering } = options;
  try {
    if (steering) await steering.steer(trainer);
    while (!trainer.done && !options.signal?.aborted) {
      const stop = steering?.nextStop(trainer.stepsDone) ?? Infinity;
      const reports = await trainer.run(Math.min(CHUNK_STEPS, stop - trainer.stepsDone));
      if (onReport) reports.forEach(onReport);
      if (steering && trainer.stepsDone === stop && !trainer.done) await steering.steer(trainer);
    }
    const result = trainer.result();
    steering?.finish(result);
    // Cost is a pure function of the (final, live-changed) experiment: the same object `quant-lab cost` prints.
    result.cost = costOfExperiment(result.experiment);
    if (options.saveWeights) result.weights = await trainer.weights();
    if (options.onCheckpoint) {
      if (!trainer.checkpoint) throw new Error('this run has no single model to checkpoint (a twin run)');
      options.onCheckpoint(await trainer.checkpoint());
    }
    await options.onTrained?.(trainer);
    return result;
  } finally {
    trainer.dispose();
  }
}
