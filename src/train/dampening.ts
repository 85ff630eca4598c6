/**
 * Oscillation dampening (docs/science.md §2, after the authors' `DampeningLoss`):
 *
 * ```
 * L_damp = Σ_layers agg( (sg[q(w)] − clip(w, s·(n−z), s·(p−z)))² )
 * L      = L_task + λ(t)·L_damp                       (λ(t): oscSchedule.ts)
 * ```
 *
 * sg = stop-gradient: the quantized weight is a fixed target, so the only gradient is
 * 2(clip(w) − q(w)) on w inside the clip range, pulling each latent weight toward its grid point.
 * The clip uses the quantizer's own range, so weights beyond it (already at the edge code) add
 * nothing, and the scale gets no gradient from this term (range learning is left alone).
 *
 * Aggregation "kernel_mean" (the authors' default): sum over PyTorch's dim 0, then the mean of the
 * rest. PyTorch's dim 0 is the output-channel axis ([out, in] dense, [out, in, kh, kw] conv,
 * [C, 1, kh, kw] depthwise). tfjs stores those channels elsewhere (dense [in, out], conv
 * [kh, kw, in, out], depthwise [kh, kw, C, 1]), so the lab sums over the layer's output-channel
 * axis (the quantizer's channel axis: last for dense/conv, 2 for depthwise) and averages over the
 * other axes: the same number as the PyTorch code computes on the same weights.
 *
 * Two phases: {@link dampeningTargets} runs before the gradient tape (so sg[·] is free: the
 * targets are constants), {@link dampeningFromTargets} inside it.
 */
import * as tf from '@tensorflow/tfjs-core';

/** One layer's share of the dampening loss. */
export interface DampeningInput {
  /** Latent weight w (a trainable variable), any layout. */
  latent: tf.Tensor;
  /** Integer codes of w as the forward pass uses them (frozen entries: their frozen code). */
  codes: tf.Tensor;
  /** Scale s: [1] per tensor or [C] per output channel. */
  scale: tf.Tensor;
  /** Zero point z, same shape as `scale`; omitted = 0 (symmetric). */
  zeroPoint?: tf.Tensor;
  /** Integer grid limits n and p. */
  qmin: number;
  qmax: number;
  /** The output-channel axis of `latent` (summed over by "kernel_mean"). */
  channelAxis: number;
  /**
   * Every weight is known to lie inside the clip range, so the mask is skipped (4 comparison ops
   * over the whole weight). True for a symmetric min-max range: s = max|w|/p puts max|w| at the
   * top code, and the signed grid reaches one step further down. Not with the full-range signed
   * grid (s = max|w|/(p + ½): max|w| lies half a step past the top code; `rangeHoldsTensor`,
   * src/quant/quantizer.ts).
   */
  allInside?: boolean;
}

/**
 * Identity in the forward pass, zero gradient in the backward pass (tfjs has no stop_gradient).
 * Unlike a true stop, it does not cut the tape: ops between a variable and this call still need
 * gradient functions (e.g. no LogicalAnd). Call inside a tidy or optimizer.minimize.
 */
export const stopGradient: (x: tf.Tensor) => tf.Tensor = tf.customGrad((...args) => ({
  value: tf.clone(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as (x: tf.Tensor) => tf.Tensor;

/** Reshapes a [1] or [C] per-channel tensor so it broadcasts against `shape` along `axis`. */
export function broadcastChannels(t: tf.Tensor, shape: number[], axis: number): tf.Tensor {
  if (t.size === 1) return tf.reshape(t, []);
  return tf.reshape(
    t,
    shape.map((d, i) => (i === axis ? d : 1)),
  );
}

/** The fixed part of one layer's dampening term: computed outside the gradient tape. */
export interface DampeningTargets {
  /** sg[q(w)] = s·(x_int − z), shape of the weight. */
  target: tf.Tensor;
  /** 1 where w lies inside the clip range [s·(n−z), s·(p−z)], else 0; null = all inside. */
  inside: tf.Tensor | null;
}

/**
 * Target and clip mask of one layer (no gradient flows through them). Computing them before the
 * gradient tape is both the stop-gradient and a large saving: inside the tape, tfjs would still
 * back-propagate (zeros) through the scale's max-reduction, whose gradient is an `Equal` over the
 * whole weight (≈ 80 ms per step for a 270k-weight MLP on wasm). Call inside a tidy.
 */
export function dampeningTargets(input: DampeningInput): DampeningTargets {
  const { latent, channelAxis } = input;
  const s = broadcastChannels(input.scale, latent.shape, channelAxis);
  const z = input.zeroPoint ? broadcastChannels(input.zeroPoint, latent.shape, channelAxis) : tf.scalar(0);
  const target = tf.mul(s, tf.sub(tf.cast(input.codes, 'float32'), z));
  if (input.allInside) return { target, inside: null };
  const lo = tf.mul(s, tf.sub(input.qmin, z));
  const hi = tf.mul(s, tf.sub(input.qmax, z));
  const inside = tf.cast(tf.logicalAnd(tf.greaterEqual(latent, lo), tf.lessEqual(latent, hi)), 'float32');
  return { target, inside };
}

/**
 * One layer's dampening loss from precomputed targets, "kernel_mean" aggregated (float32 scalar).
 * (sg[q(w)] − clip(w))² = inside·(target − w)²: outside the range the clamped code's value is the
 * clip edge itself, so the term is 0 there, as in the formula. Gradient 2·inside·(w − target)/K.
 */
export function dampeningFromTargets(
  latent: tf.Tensor,
  targets: DampeningTargets,
  channelAxis: number,
): tf.Scalar {
  const diff = tf.sub(latent, targets.target);
  const err = tf.square(targets.inside ? tf.mul(diff, targets.inside) : diff);
  const perKernel = latent.rank > 1 ? tf.sum(err, channelAxis) : err;
  return tf.mean(perKernel) as tf.Scalar;
}
