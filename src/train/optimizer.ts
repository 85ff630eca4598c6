/**
 * The optimizers (tf.train SGD, momentum, Adam, and AdaHessian) behind one small interface whose
 * learning rate can change every step (schedules, live edits) without losing the optimizer's
 * state.
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerName } from '../experiment/schema';
import { createRng } from '../tensor/rng';
import { ADAHESSIAN_DEFAULTS, AdaHessianOptimizer } from './adaHessian';
import { FusedAdamOptimizer, NO_PINNED, NO_PINS, type WeightPins } from './fusedAdam';

/** Momentum coefficient of the 'momentum' optimizer (classic heavy ball, no Nesterov). */
export const MOMENTUM = 0.9;

/** Gradients in the optimizer's list form (name of the variable, its gradient). */
export type NamedGradients = { name: string; tensor: tf.Tensor }[];

/** The Hessian-diagonal estimate a curvature-aware optimizer asks for (AdaHessian). */
export interface CurvatureEstimator {
  /** The curvature of `loss()` for each of `variables`, by name (call inside tf.tidy). */
  curvature(loss: () => tf.Scalar, variables: readonly tf.Variable[]): Map<string, tf.Tensor>;
}

/** An optimizer plus a learning-rate setter. Owns the optimizer's slot variables. */
export interface ManagedOptimizer {
  readonly name: OptimizerName;
  /** Current learning rate. */
  readonly learningRate: number;
  /** Sets the learning rate used by the next applyGradients (no-op when unchanged). */
  setLearningRate(lr: number): void;
  /**
   * Present when the update needs the loss's curvature (AdaHessian): the caller computes it with
   * this and hands it to {@link ManagedOptimizer.apply}.
   */
  readonly curvature?: CurvatureEstimator;
  /**
   * One update. An optimizer that can pins the weights of `pins` in the same pass (fused Adam on
   * wasm) and returns them; the others return an empty set and the caller restores them itself.
   * `curvature` is required when {@link ManagedOptimizer.curvature} is present.
   */
  apply(
    grads: NamedGradients,
    pins?: WeightPins,
    curvature?: ReadonlyMap<string, tf.Tensor>,
  ): ReadonlySet<tf.Variable>;
  dispose(): void;
}

/** A first-order optimizer: a tf.train optimizer inside (usable with `minimize`). */
export interface FirstOrderOptimizer extends ManagedOptimizer {
  readonly optimizer: tf.Optimizer;
}

/** Names of the first-order optimizers. */
export type FirstOrderName = Exclude<OptimizerName, 'adahessian'>;

/** Construction options of {@link createOptimizer}. */
export interface OptimizerOptions {
  /** Adam's fused wasm update (default true; false for the stock update, to compare). */
  fusedAdam?: boolean;
  /** Seed of AdaHessian's probes (stream 'hutchinson'); default 1. */
  seed?: number;
  /** AdaHessian's Hessian power k in (0, 1]; default 1. */
  hessianPower?: number;
}

/**
 * Creates an optimizer (Adam: tf.train.adam's update, fused into one wasm kernel per parameter on
 * wasm unless `fusedAdam` is false; see fusedAdam.ts). SGD and momentum expose setLearningRate;
 * Adam reads its `learningRate` field on every update (tfjs-core 4.22 adam_optimizer.js), so
 * setting the field is enough. AdaHessian: ./adaHessian.ts.
 */
export function createOptimizer(
  name: FirstOrderName,
  lr: number,
  options?: OptimizerOptions,
): FirstOrderOptimizer;
export function createOptimizer(
  name: OptimizerName,
  lr: number,
  options?: OptimizerOptions,
): ManagedOptimizer;
export function createOptimizer(
  name: OptimizerName,
  lr: number,
  options: OptimizerOptions = {},
): ManagedOptimizer {
  if (name === 'adahessian') return createAdaHessian(lr, options);
  const adam = name === 'adam' ? new FusedAdamOptimizer(lr, options.fusedAdam ?? true) : null;
  const optimizer = adam ?? (name === 'sgd' ? tf.train.sgd(lr) : tf.train.momentum(lr, MOMENTUM));
  let current = lr;
  const managed: FirstOrderOptimizer = {
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
  return managed;
}

/** AdaHessian behind the interface; it pins nothing (the caller restores frozen weights). */
function createAdaHessian(lr: number, options: OptimizerOptions): ManagedOptimizer {
  const hessianPower = options.hessianPower ?? ADAHESSIAN_DEFAULTS.hessianPower;
  const opt = new AdaHessianOptimizer(lr, hessianPower, createRng(options.seed ?? 1, 'hutchinson'));
  return {
    name: 'adahessian',
    curvature: opt,
    get learningRate() {
      return opt.learningRate;
    },
    setLearningRate(next: number) {
      opt.learningRate = next;
    },
    apply(grads, _pins, curvature) {
      if (!curvature) throw new Error('AdaHessian needs the curvature of the loss for its update');
      opt.apply(grads, curvature);
      return NO_PINNED;
    },
    dispose() {
      opt.dispose();
    },
  };
}

/**
 * Learning-rate ratio of the quantizer parameters' Adam to AdaHessian: the two methods' paper
 * defaults, 10⁻³ / 0.15, so that lr 0.15 trains LSQ scales at Adam's 10⁻³ (docs/adahessian.md §2).
 */
export const QUANTIZER_LR_RATIO = 1e-3 / ADAHESSIAN_DEFAULTS.lr;

/**
 * The optimizer of the quantizer parameters (LSQ scales): the model's optimizer, except under
 * AdaHessian, whose curvature is the float model's and so has none for them; they get Adam at
 * lr × {@link QUANTIZER_LR_RATIO}.
 */
export function createQuantizerOptimizer(
  name: OptimizerName,
  lr: number,
  options: OptimizerOptions = {},
): ManagedOptimizer {
  if (name !== 'adahessian') return createOptimizer(name, lr, options);
  const adam = createOptimizer('adam', lr * QUANTIZER_LR_RATIO, options);
  return {
    name: 'adam',
    get learningRate() {
      return adam.learningRate / QUANTIZER_LR_RATIO;
    },
    setLearningRate: (next: number) => adam.setLearningRate(next * QUANTIZER_LR_RATIO),
    apply: (grads, pins) => adam.apply(grads, pins),
    dispose: () => adam.dispose(),
  };
}
