/**
 * The fake-quant op: forward and backward side by side, one tf.customGrad per call.
 *
 * forward:  v = x/s + z;  x_int = clamp(round(v), qmin, qmax)   (tf.round: half to even)
 *           frozen entries: x_int ← keep·x_int + frozenCodes     (keep = 1 − mask, docs/science.md §2)
 *           x̂ = s·(x_int − z)
 * backward: ∂L/∂x = estimator.backward(dy, v, qmin, qmax) · keep
 *           ∂L/∂s (learned scale only) = g · Σ_{non-channel axes} dy·((x_int − z) − inside·(v − z))
 *           with inside = 1[qmin ≤ v ≤ qmax] · keep  (LSQ: round(u) − u inside, qmin−z / qmax−z outside,
 *           x_int − z for frozen entries, whose value s·(code − z) still scales with s)
 *
 * Truth table (signed 4-bit, s = 0.5, z = 0, STE):
 * | x     | −5  | −4.1 | −0.3 | 0.25 | 0.3 | 0.75 | 3.4 | 3.8 |
 * | v     | −10 | −8.2 | −0.6 | 0.5  | 0.6 | 1.5  | 6.8 | 7.6 |
 * | x_int | −8  | −8   | −1   | 0    | 1   | 2    | 7   | 7   |
 * | x̂     | −4  | −4   | −0.5 | 0    | 0.5 | 1    | 3.5 | 3.5 |
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradientEstimator } from '../estimators/types';
import type { Grid } from './types';

/** Frozen entries (docs/science.md §2), same shape as the quantized tensor. */
export interface FrozenCodes {
  /** 1 − mask: 1 where the entry is free, 0 where frozen. */
  keep: tf.Tensor;
  /** mask · codes: the frozen integer codes, 0 where free. */
  codes: tf.Tensor;
}

/** Everything the op needs besides x (and the learned scale). */
export interface FakeQuantParams {
  grid: Grid;
  estimator: GradientEstimator;
  /** Zero point broadcastable to x, or null (symmetric: z = 0). */
  zeroPoint: tf.Tensor | null;
  frozen: FrozenCodes | null;
  /** Receives the fraction of entries the clamp changed (|v| beyond the grid by > ½), or null. */
  clipSink: tf.Variable | null;
}

/** Forward pass shared by both ops. @returns v (code units) and the final integer codes (float). */
function forwardCodes(x: tf.Tensor, scale: tf.Tensor, p: FakeQuantParams): { v: tf.Tensor; xi: tf.Tensor } {
  const u = tf.div(x, scale);
  const v = p.zeroPoint ? tf.add(u, p.zeroPoint) : u;
  const r = tf.round(v);
  let xi = tf.clipByValue(r, p.grid.qmin, p.grid.qmax);
  // The assign runs inside the op's forward tidy; the variable keeps its own reference.
  if (p.clipSink) p.clipSink.assign(tf.mean(tf.cast(tf.notEqual(r, xi), 'float32')));
  if (p.frozen) xi = tf.add(tf.mul(xi, p.frozen.keep), p.frozen.codes);
  return { v, xi };
}

function dequantize(xi: tf.Tensor, scale: tf.Tensor, zeroPoint: tf.Tensor | null): tf.Tensor {
  return tf.mul(zeroPoint ? tf.sub(xi, zeroPoint) : xi, scale);
}

/**
 * Integer codes of x (float-valued), no gradient: for toInt, tracking and export.
 * @param scale broadcastable to x, input units
 */
export function quantizeCodes(x: tf.Tensor, scale: tf.Tensor, p: FakeQuantParams): tf.Tensor {
  return tf.tidy(() => forwardCodes(x, scale, { ...p, clipSink: null }).xi);
}

/**
 * The backward pass of a fixed-scale fake quant: ∂L/∂x = estimator.backward(dy, v)·keep, with v
 * the one saved tensor when the estimator uses it (shared with the fused kernel, fusedFakeQuant.ts).
 */
export function fixedScaleGrad(
  p: Pick<FakeQuantParams, 'estimator' | 'grid' | 'frozen'>,
): (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] {
  const { estimator, grid, frozen } = p;
  return (dy, saved) => {
    const dx = estimator.backward(dy, estimator.usesInput ? saved[0] : dy, grid.qmin, grid.qmax);
    return [frozen ? tf.mul(dx, frozen.keep) : dx];
  };
}

/**
 * Fake quantization with a fixed scale (min-max, EMA, percentile, MSE, hindsight): the scale gets no
 * gradient. With the plain STE and no freezing the backward pass is dy itself and nothing is saved.
 * @param x any shape
 * @param scale broadcastable to x (shape [1] or 1s with C at the channel axis), input units
 */
export function fakeQuant(x: tf.Tensor, scale: tf.Tensor, p: FakeQuantParams): tf.Tensor {
  const op = tf.customGrad((xIn, saveFn) => {
    const save = saveFn as tf.GradSaveFunc;
    const { v, xi } = forwardCodes(xIn as tf.Tensor, scale, p);
    save(p.estimator.usesInput ? [v] : []);
    return { value: dequantize(xi, scale, p.zeroPoint), gradFunc: fixedScaleGrad(p) };
  });
  return op(x);
}

/**
 * Fake quantization with a learned scale (LSQ): gradients flow to x and to the scale.
 * @param scale broadcast shape (1s with C at `channelAxis`, or [1]); must come from the trainable
 *   variable through differentiable ops so the gradient reaches it
 * @param channelAxis axis of x that the scale varies along, or null (per-tensor)
 * @param gradScale LSQ gradient scale g = 1/√(p·N)
 */
export function fakeQuantLearned(
  x: tf.Tensor,
  scale: tf.Tensor,
  p: FakeQuantParams & { channelAxis: number | null; gradScale: number },
): tf.Tensor {
  const { estimator, grid, frozen, zeroPoint } = p;
  const op = tf.customGrad((xIn, sIn, saveFn) => {
    const save = saveFn as tf.GradSaveFunc;
    const s = sIn as tf.Tensor;
    const { v, xi } = forwardCodes(xIn as tf.Tensor, s, p);
    const centered = zeroPoint ? tf.sub(xi, zeroPoint) : xi;
    save(zeroPoint ? [v, centered, zeroPoint] : [v, centered]);
    return {
      value: tf.mul(centered, s),
      gradFunc: (dy, saved) => {
        const [v0, c0, z0] = saved;
        const dx = estimator.backward(dy, v0, grid.qmin, grid.qmax);
        let inside = tf.cast(
          tf.logicalAnd(tf.greaterEqual(v0, grid.qmin), tf.lessEqual(v0, grid.qmax)),
          'float32',
        );
        if (frozen) inside = tf.mul(inside, frozen.keep);
        const u = z0 ? tf.sub(v0, z0) : v0;
        const perElem = tf.mul(dy, tf.sub(c0, tf.mul(inside, u)));
        const axes = [...Array(perElem.rank).keys()].filter((a) => a !== p.channelAxis);
        const ds = tf.mul(tf.sum(perElem, axes, true), p.gradScale).reshape(s.shape);
        return [frozen ? tf.mul(dx, frozen.keep) : dx, ds];
      },
    };
  });
  return op(x, scale);
}
