/**
 * The float model's loss and its Hessian-vector products (docs/hessian.md §1–2).
 *
 * The Hessian is the float model's, as PyHessian and HAWQ take it: quantizers off (latent
 * weights), BN in evaluation mode with its running statistics, ReLU, pooling, and the mean
 * softmax cross-entropy of a fixed batch (no weight decay). AdaHessian takes the same loss with
 * BN in training mode (batch statistics, docs/adahessian.md §2). Every op runs through
 * {@link SECOND_ORDER_OPS}, whose gradients are differentiable.
 *
 * Hv = ∇_θ (∇_θ L · v): a gradient taken inside a gradient. tfjs records the inner backward pass on
 * the outer tape (one tape per nesting, `gradientDepth`), so the outer tf.grads differentiates it.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelLayer, QuantModel } from '../models/build';
import { BN_EPSILON } from '../models/batchnorm';
import type { OpSet } from '../tensor/backend';
import { SECOND_ORDER_OPS } from './secondOrderOps';
import { modelInput } from '../models/forward';

/**
 * How the float model's BN normalizes: 'eval' with its running statistics (PyHessian, HAWQ), or
 * 'train' with the batch's (mean and biased variance over every axis but the channel, as the
 * training step; tf.moments' ops are differentiable twice). 'train' leaves the running
 * statistics alone.
 */
export type HessianBnMode = 'eval' | 'train';

/** One layer of the float model, run with {@link SECOND_ORDER_OPS} (x [N, ...inShape]). */
export function floatLayer(
  layer: ModelLayer,
  x: tf.Tensor,
  ops: OpSet,
  first: boolean,
  bnMode: HessianBnMode,
): tf.Tensor {
  const { spec, bn } = layer;
  // The first layer's input is data: no gradient needed for it.
  let y = layer.def.op(x, layer.weight, !first, ops, tf);
  if (layer.bias) y = tf.add(y, layer.bias);
  if (bn) {
    const axes = y.shape.slice(0, -1).map((_, i) => i);
    const { mean, variance } =
      bnMode === 'train' ? tf.moments(y, axes) : { mean: bn.runningMean, variance: bn.runningVariance };
    const inv = tf.mul(tf.rsqrt(tf.add(variance, BN_EPSILON)), bn.gamma);
    y = tf.add(tf.mul(tf.sub(y, mean), inv), bn.beta);
  }
  if (spec.activation === 'relu') y = tf.relu(y);
  if (spec.pool === 'max2') y = ops.maxPool2(y as tf.Tensor4D);
  if (spec.pool === 'gap') y = tf.mean(y, [1, 2], true);
  if (spec.flatten) y = tf.reshape(y, [y.shape[0], -1]);
  return y;
}

/**
 * Logits [N, classes] of the float model for inputs x [N, d] (reshaped to the first layer's input).
 * `ops` must have twice-differentiable gradients (./secondOrderOps.ts).
 */
export function floatLogits(
  model: QuantModel,
  x: tf.Tensor2D,
  bnMode: HessianBnMode = 'eval',
  ops: OpSet = SECOND_ORDER_OPS,
): tf.Tensor2D {
  let h = modelInput(model, x);
  model.layers.forEach((layer, i) => {
    h = floatLayer(layer, h, ops, i === 0, bnMode);
  });
  return h as tf.Tensor2D;
}

/**
 * Mean softmax cross-entropy of logits [N, K] against one-hot labels [N, K]: the value of
 * tf.losses.softmaxCrossEntropy, with a gradient (softmax(z) − y)/N computed from the saved
 * logits. tfjs links a saved *input* to the tape but not a saved *output* (its clone is recorded
 * before the op that makes it), so the stock loss, LogSoftmax, Softmax and Exp lose their
 * curvature in a second backward pass; recomputing softmax from the input keeps it.
 */
export const crossEntropySecondOrder = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [labels, logits, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([labels, logits]);
  const value = tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), 1)));
  const gradFunc = (dy: tf.Tensor, [y, z]: tf.Tensor[]) => {
    const scale = tf.div(dy, z.shape[0]);
    return [tf.mul(tf.neg(tf.logSoftmax(z)), scale), tf.mul(tf.sub(tf.softmax(z), y), scale)];
  };
  return { value, gradFunc };
}) as (labels: tf.Tensor2D, logits: tf.Tensor2D) => tf.Scalar;

/** The float model's loss on one batch: x [N, d], one-hot labels [N, K]. */
export interface HessianBatch {
  x: tf.Tensor2D;
  labels: tf.Tensor2D;
}

/** Where one variable sits in a flat parameter vector. */
export interface ParamSlice {
  variable: tf.Variable;
  offset: number;
  size: number;
}

/** v ↦ Hv on the flat vector of some variables (the Hessian block of those variables). */
export interface HvpOperator {
  /** Length of the vectors: the variables' total size. */
  readonly dim: number;
  readonly slices: readonly ParamSlice[];
  /** Hv for v [dim] (float64 in and out; float32 inside tfjs). */
  apply(v: Float64Array): Float64Array;
  /** Products computed so far. */
  readonly calls: number;
}

/** Flat layout of `variables`, in order. */
export function paramSlices(variables: readonly tf.Variable[]): ParamSlice[] {
  let offset = 0;
  return variables.map((variable) => {
    const slice = { variable, offset, size: variable.size };
    offset += variable.size;
    return slice;
  });
}

/**
 * Hv for the tensors `v` (one per variable, same shapes): the Hessian of `loss()` restricted to
 * `variables`. Call inside tf.tidy; `loss` must compute from the variables themselves.
 */
export function hessianVectorProduct(
  loss: () => tf.Scalar,
  variables: readonly tf.Variable[],
  v: readonly tf.Tensor[],
): tf.Tensor[] {
  const gradDotV = () => {
    const g = tf.grads(() => loss())(variables as tf.Variable[]);
    return tf.addN(g.map((gi, i) => tf.sum(tf.mul(gi, v[i])))) as tf.Scalar;
  };
  return tf.grads(gradDotV)(variables as tf.Variable[]);
}

/**
 * The Hessian-vector operator of the float model's loss on `batch`, restricted to `variables`
 * (default: every trainable parameter). The batch stays the caller's. `ops` is for comparisons
 * (tests, the bench); the default is the fast op set.
 */
export function createHvp(
  model: QuantModel,
  batch: HessianBatch,
  variables: readonly tf.Variable[] = model.parameters(),
  ops: OpSet = SECOND_ORDER_OPS,
): HvpOperator {
  const slices = paramSlices(variables);
  const dim = slices.reduce((s, p) => s + p.size, 0);
  const loss = () => crossEntropySecondOrder(batch.labels, floatLogits(model, batch.x, 'eval', ops));
  let calls = 0;
  return {
    dim,
    slices,
    get calls() {
      return calls;
    },
    apply(v: Float64Array): Float64Array {
      if (v.length !== dim) throw new Error(`Hv: expected a vector of ${dim}, got ${v.length}`);
      calls += 1;
      const out = tf.tidy(() => {
        const vs = slices.map((s) =>
          tf.tensor(Float32Array.from(v.subarray(s.offset, s.offset + s.size)), s.variable.shape),
        );
        const hv = hessianVectorProduct(loss, variables, vs);
        return tf.concat(hv.map((t) => tf.reshape(t, [-1])));
      });
      // One readback per product: the linear algebra around it runs in float64 (./linalg.ts).
      const values = out.dataSync();
      out.dispose();
      return Float64Array.from(values);
    },
  };
}

/** The float model's loss on `batch` (a new scalar; call inside tf.tidy). */
export function floatLoss(model: QuantModel, batch: HessianBatch, bnMode: HessianBnMode = 'eval'): tf.Scalar {
  return crossEntropySecondOrder(batch.labels, floatLogits(model, batch.x, bnMode));
}
