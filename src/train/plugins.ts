/**
 * Extension points of the training loop. Features that ride on training without changing it —
 * oscillation tracking, dampening, iterative freezing, twin comparison — are plugins: the trainer
 * calls each hook at a fixed place of the step, in registration order, and knows nothing else
 * about them. Add a default plugin by appending its factory to {@link DEFAULT_PLUGINS}.
 *
 * Step anatomy (trainer.ts, step.ts):
 *   beforeStep → [tape: forward → task loss + Σ lossTerm → gradients] → apply (with Σ pins)
 *   → afterStep (told which weights the optimizer pinned) → (report step) report → (eval step) evaluation
 */
import type * as tf from '@tensorflow/tfjs';
import type { Experiment } from '../experiment/schema';
import type { QuantModel } from '../models/build';
import type { NamedTensors } from '../quant/types';
import type { WeightPins } from './fusedAdam';
import { oscillationPlugin } from './oscController';
import type { RunResult, StepReport } from './types';

/**
 * Which of the lab's fused wasm kernels a trainer may use where they cover a call (docs/performance.md
 * §6), fixed when the trainer is built. All on by default; tests turn one off to compare it with
 * the op path it replaces.
 */
export interface KernelChoice {
  /** Fake quantization of minmax / ema quantizers (src/quant/fusedFakeQuant.ts). */
  fakeQuant: boolean;
  /** Adam's update, with frozen weights pinned in the same pass (fusedAdam.ts). */
  adam: boolean;
  /** The oscillation step: quantize, track, freeze (oscLayer.ts). */
  oscStep: boolean;
  /** The oscillation report block (oscReport.ts). */
  oscReport: boolean;
}

/** Every kernel on: what the app, the runner and the bench use. */
export const ALL_KERNELS: Readonly<KernelChoice> = {
  fakeQuant: true,
  adam: true,
  oscStep: true,
  oscReport: true,
};

/** What a plugin may read about the run. Live values: read them when a hook runs. */
export interface TrainerContext {
  readonly experiment: Experiment;
  readonly model: QuantModel;
  /** Steps completed (inside the tape / afterStep of step t this is t − 1 / t). */
  readonly stepsDone: number;
  /** Learning rate of the current step. */
  readonly lr: number;
  /** The fused kernels this trainer may use (fixed at construction). */
  readonly kernels: Readonly<KernelChoice>;
}

/** One plugin. Every hook is optional; tensors it allocates in hooks are tidied by the trainer. */
export interface TrainerPlugin {
  readonly name: string;
  /** Before a step's tape (e.g. a freezing schedule). Runs inside a tf.tidy. */
  beforeStep?(ctx: TrainerContext): void;
  /**
   * An extra loss term added to the task loss inside the gradient tape (e.g. dampening
   * λ(t)·L_damp), or null for none this step.
   */
  lossTerm?(ctx: TrainerContext): tf.Scalar | null;
  /**
   * Weights the optimizer should pin in its own update (frozen entries keep their value), or null.
   * Asked once per step, before the update; an optimizer that cannot pin ignores them.
   */
  pins?(ctx: TrainerContext): WeightPins | null;
  /**
   * After the optimizer update, inside a tf.tidy (e.g. oscillation tracking, freezing). `pinned`:
   * the weights of {@link pins} the optimizer did pin (their restore is done).
   */
  afterStep?(ctx: TrainerContext, pinned: ReadonlySet<tf.Variable>): void;
  /** A multiplier of the learning rate (e.g. the SGD mapping factor α of docs/science.md §1). */
  learningRateScale?(ctx: TrainerContext): number;
  /** At a report step: fill report fields (layer oscillation stats, samples, histogram). May read back. */
  report?(report: StepReport, ctx: TrainerContext): Promise<void>;
  /**
   * A live experiment change. Return false when it needs a fresh trainer; the trainer then
   * changes nothing (plugins are asked before the trainer applies anything).
   */
  canUpdate?(next: Experiment, ctx: TrainerContext): boolean;
  /** The change was applied (`ctx.experiment` is the new one). */
  updated?(ctx: TrainerContext, quantizersRebuilt: boolean): void;
  /**
   * State a checkpoint stores (docs/checkpoints.md): new tensors the caller owns, named so that
   * they clash with no other plugin's or the model's.
   */
  saveState?(): NamedTensors;
  /**
   * Resuming from a checkpoint written under `saved`: restores {@link saveState}'s tensors where
   * they still apply. Returns a message naming a missing or misshapen tensor, or null.
   */
  loadState?(named: NamedTensors, saved: Experiment): string | null;
  /** Adds the plugin's summary to the run result (e.g. `oscillation`, `twin`). */
  finish?(result: RunResult, ctx: TrainerContext): void;
  dispose?(): void;
}

/**
 * Creates a plugin for a freshly built trainer, or null when the experiment does not need it.
 * Runs before the first step, so it may also adjust the initial weights (e.g. twin mapping).
 */
export type TrainerPluginFactory = (ctx: TrainerContext) => TrainerPlugin | null;

/** Plugins every trainer gets unless `createTrainer(…, { plugins })` says otherwise. */
export const DEFAULT_PLUGINS: TrainerPluginFactory[] = [oscillationPlugin];
