/**
 * One optimization step: forward on a batch, task loss plus extra terms (weight decay, plugin loss
 * terms), gradients, and the update of model and quantizer parameters. Nothing is read back; at a
 * report step the batch's loss and correct count are kept for the caller to read.
 */
import * as tf from '@tensorflow/tfjs';
import { labelBatch, type ImageBatcher } from '../data/batches';
import type { QuantModel } from '../models/build';
import { floatLoss } from '../hessian/hvp';
import { forward } from '../models/forward';
import { correctCount, crossEntropy } from './metrics';
import type { WeightPins } from './fusedAdam';
import type { ManagedOptimizer } from './optimizer';
import type { TrainerContext, TrainerPlugin } from './plugins';

/** Tensors kept from a report step's batch; the caller reads them back and disposes them. */
export interface StepTensors {
  /** Task loss (cross-entropy) of the batch, before extra terms. */
  loss: tf.Scalar;
  /** Number of correctly classified samples in the batch. */
  correct: tf.Scalar;
}

/** What one step needs. */
export interface StepInput {
  model: QuantModel;
  /** The training split's image batches (its uploaded pixels on wasm); labels come from its split. */
  images: ImageBatcher;
  /** Sample indices of the batch. */
  indices: Int32Array;
  /** Updates model parameters (weights, biases, BN γ/β). */
  optimizer: ManagedOptimizer;
  /** Updates quantizer parameters (LSQ scales); null when the model has none. */
  quantOptimizer: ManagedOptimizer | null;
  /** L2 coefficient: adds ½·wd·Σ‖W‖² over weight kernels (so the gradient is wd·W). */
  weightDecay: number;
  plugins: readonly TrainerPlugin[];
  ctx: TrainerContext;
  /** Keep the batch's loss and correct count (report steps). */
  keepMetrics: boolean;
}

/** Task loss + weight decay + plugin loss terms. Runs inside the gradient tape. */
function totalLoss(task: tf.Scalar, input: StepInput): tf.Scalar {
  let total = task;
  if (input.weightDecay > 0) {
    const squares = input.model.kernels().map((k) => tf.sum(tf.square(k)));
    total = tf.add(total, tf.mul(0.5 * input.weightDecay, tf.addN(squares)));
  }
  for (const plugin of input.plugins) {
    const term = plugin.lossTerm?.(input.ctx);
    if (term) total = tf.add(total, term);
  }
  return total;
}

/**
 * Gradients in `vars` order, skipping variables the loss does not reach. Optimizers key their slot
 * variables by position, so the list order must be stable across steps.
 */
function namedGrads(vars: tf.Variable[], grads: tf.NamedTensorMap): { name: string; tensor: tf.Tensor }[] {
  return vars.filter((v) => grads[v.name]).map((v) => ({ name: v.name, tensor: grads[v.name] }));
}

/** The plugins' pins of this step (usually one plugin has any: its table, unmerged). */
function stepPins(input: StepInput): WeightPins | undefined {
  let found: WeightPins | undefined;
  for (const plugin of input.plugins) {
    const pins = plugin.pins?.(input.ctx);
    if (!pins || pins.size === 0) continue;
    found = found ? new Map([...found, ...pins]) : pins;
  }
  return found;
}

/**
 * Runs one training step (inside its own tidy, so only variables and the kept metrics survive).
 * Equivalent to optimizer.minimize over all parameters, split over two optimizers so that
 * rebuilding quantizers (new LSQ variables) never disturbs the weights' optimizer state.
 */
export function trainStep(input: StepInput): StepTensors | null {
  const params = input.model.parameters();
  const quantParams = input.model.quantizerParameters();
  let kept: StepTensors | null = null;
  let pinned: ReadonlySet<tf.Variable> = new Set();
  tf.tidy(() => {
    for (const plugin of input.plugins) plugin.beforeStep?.(input.ctx);
    const x = input.images.batch(input.indices);
    const labels = labelBatch(input.images.split, input.indices);
    const { grads } = tf.variableGrads(() => {
      // The clip fractions are read only with a report: record them on report steps only.
      const logits = forward(input.model, x, { training: true, recordClip: input.keepMetrics });
      const task = crossEntropy(labels, logits);
      if (input.keepMetrics)
        kept = { loss: tf.keep(tf.clone(task)), correct: tf.keep(correctCount(labels, logits)) };
      return totalLoss(task, input);
    }, [...params, ...quantParams]);
    // AdaHessian: the curvature of the float model's training loss on the same batch (quantizers
    // bypassed: the quantized loss is piecewise constant; BN with batch statistics; no weight
    // decay), docs/adahessian.md §2.
    const curvature = input.optimizer.curvature?.curvature(
      () => floatLoss(input.model, { x, labels }, 'train'),
      params,
    );
    pinned = input.optimizer.apply(namedGrads(params, grads), stepPins(input), curvature);
    if (input.quantOptimizer && quantParams.length)
      input.quantOptimizer.apply(namedGrads(quantParams, grads));
  });
  tf.tidy(() => {
    for (const plugin of input.plugins) plugin.afterStep?.(input.ctx, pinned);
  });
  return kept;
}
