/**
 * Per-channel reductions used by the range estimators. A "channel axis" of null means per-tensor
 * (one channel). Every result has shape [C] ([1] per-tensor). Callers run these inside a tf.tidy.
 */
import * as tf from '@tensorflow/tfjs-core';

/** x viewed as [pre, C, post] around the channel axis (no data movement: a reshape). */
function asPreChannelPost(x: tf.Tensor, axis: number | null): tf.Tensor3D {
  if (axis === null) return x.reshape([1, 1, x.size]);
  const pre = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const post = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return x.reshape([pre, x.shape[axis], post]);
}

/** Per-channel minimum and maximum. @returns {min, max}, each [C], input units */
export function channelMinMax(x: tf.Tensor, axis: number | null): { min: tf.Tensor1D; max: tf.Tensor1D } {
  const v = asPreChannelPost(x, axis);
  return { min: tf.min(v, [0, 2]) as tf.Tensor1D, max: tf.max(v, [0, 2]) as tf.Tensor1D };
}

/** Per-channel mean of |x|. @returns [C], input units */
export function channelMeanAbs(x: tf.Tensor, axis: number | null): tf.Tensor1D {
  return tf.mean(tf.abs(asPreChannelPost(x, axis)), [0, 2]) as tf.Tensor1D;
}

/** x as [C, M]: one row per channel (a transpose when the channel axis is not the first). */
export function channelRows(x: tf.Tensor, axis: number | null): tf.Tensor2D {
  if (axis === null) return x.reshape([1, x.size]);
  const v = asPreChannelPost(x, axis);
  return tf.transpose(v, [1, 0, 2]).reshape([x.shape[axis], -1]);
}

/**
 * 0-based index of the q-th percentile in an ascending sort of m values (nearest-rank method):
 * i = ceil(q/100·m) − 1, clamped to [0, m − 1]. q = 100 → the maximum. Truth table (m = 100):
 * q = 99 → 98 (the 99th smallest); q = 99.9 → 99; q = 50 → 49.
 */
export function percentileIndex(q: number, m: number): number {
  return Math.min(m - 1, Math.max(0, Math.ceil((q / 100) * m) - 1));
}

/** k-th largest value per row of [C, M] (k ≥ 1). @returns [C] */
function kthLargest(rows: tf.Tensor2D, k: number): tf.Tensor1D {
  const { values } = tf.topk(rows, k, true);
  return values.slice([0, k - 1], [-1, 1]).reshape([-1]) as tf.Tensor1D;
}

/**
 * Per-channel percentile range (an option of min-max, docs/science.md §5).
 * Symmetric: the q-th percentile of |x|, returned as [−p, p]. Asymmetric: the (100 − q)-th and q-th
 * percentiles of x, one per side.
 * @param q percentile in (50, 100]
 * @returns {min, max}, each [C], input units
 */
export function channelPercentile(
  x: tf.Tensor,
  axis: number | null,
  q: number,
  symmetric: boolean,
): { min: tf.Tensor1D; max: tf.Tensor1D } {
  const rows = channelRows(x, axis);
  const m = rows.shape[1];
  // The q-th percentile in ascending order is the (m − i)-th largest.
  const k = m - percentileIndex(q, m);
  if (symmetric) {
    const p = kthLargest(tf.abs(rows), k);
    return { min: tf.neg(p), max: p };
  }
  return { min: tf.neg(kthLargest(tf.neg(rows), k)), max: kthLargest(rows, k) };
}
