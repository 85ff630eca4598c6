/**
 * The optimizers (tf.train SGD, momentum, Adam) behind one small interface whose learning rate can
 * change every step (schedules, live edits) without losing the optimizer's state.
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerName } from '../experiment/schema';
import { FusedAdamOptimizer, NO_PINNED, NO_PINS, type WeightPins } from './fusedAdam';

/** Momentum coefficient of the 'momentum' optimizer (classic heavy ball, no Nesterov). */
export const MOMENTUM = 0.9;

/** Gradients in the optimizer's list form (name of the variable, its gradient). */
export type NamedGradients = { name: string; tensor: tf.Tensor }[];

/** A tf.train optimizer plus a learning-rate setter. Owns the optimizer's slot variables. */
export interface ManagedOptimizer {
  readonly name: OptimizerName;
  readonly optimizer: tf.Optimizer;
  /** Current learning rate. */
  readonly learningRate: number;
  /** Sets the learning rate used by the next applyGradients (no-op when unchanged). */
  setLearningRate(lr: number): void;
  /**
   * One update. An optimizer that can pins the weights of `pins` in the same pass (fused Adam on
   * wasm) and returns them; the others return an empty set and the caller restores them itself.
   */
  apply(grads: NamedGradients, pins?: WeightPins): ReadonlySet<tf.Variable>;
  dispose(): void;
}

/**
 * Creates an optimizer (Adam: tf.train.adam's update, fused into one wasm kernel per parameter on
 * wasm unless `fusedAdam` is false; see fusedAdam.ts). SGD and momentum expose setLearningRate;
 * Adam reads its `learningRate` field on every update (tfjs-core 4.22 adam_optimizer.js), so
 * setting the field is enough.
 */
export function createOptimizer(name: OptimizerName, lr: number, fusedAdam = true): ManagedOptimizer {
  const adam = name === 'adam' ? new FusedAdamOptimizer(lr, fusedAdam) : null;
  const optimizer = adam ?? (name === 'sgd' ? tf.train.sgd(lr) : tf.train.momentum(lr, MOMENTUM));
  let current = lr;
  return {
    name,
    optimizer,
    get learningRate() {
      return current;
    },
    setLearningRate(next: number) {
      if (next === current) return;
      current = next;
      // Not `instanceof`: tfjs' Optimizer[Symbol.hasInstance] accepts any optimizer.
      if (adam) (adam as unknown as { learningRate: number }).learningRate = next;
      else (optimizer as tf.SGDOptimizer).setLearningRate(next);
    },
    apply(grads, pins = NO_PINS) {
      if (adam) return adam.applyPinned(grads, pins);
      optimizer.applyGradients(grads);
      return NO_PINNED;
    },
    dispose() {
      optimizer.dispose();
      // tfjs 4.22 MomentumOptimizer.dispose forgets SGD's learning-rate scalar `c` (one leaked
      // tensor per optimizer); SGDOptimizer.dispose itself does dispose it.
      if (name === 'momentum') (optimizer as unknown as { c?: tf.Tensor }).c?.dispose();
    },
  };
}
