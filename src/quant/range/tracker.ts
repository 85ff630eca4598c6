/**
 * Range estimators with state (docs/science.md §5, §6): each keeps a per-channel range [lo, hi] in
 * tf.Variables of shape [C] and decides, per call, which range quantizes the current tensor.
 *
 * | estimator  | training call                                      | eval call (training = false)  |
 * |------------|----------------------------------------------------|-------------------------------|
 * | minmax     | r = batch min/max                                  | same (dynamic)                |
 * | percentile | r = batch percentile (|x| or per side)             | same (dynamic)                |
 * | ema        | r ← (1−m)·r + m·batch (first call: r = batch); use r | stored r                    |
 * | hindsight  | use the stored r, then r ← (1−m)·r + m·batch       | stored r                      |
 * | mse        | MSE search on call 1 and every `recalibrateEvery`  | stored r                      |
 * Before any training call, eval calls fall back to the batch min/max (uncalibrated).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { RangeEstimatorName } from '../../experiment/schema';
import type { Grid } from '../types';
import { filledVariable } from '../variables';
import { mseRange } from './mse';
import { channelMinMax, channelPercentile } from './reduce';

/** What a range tracker needs to know. */
export interface RangeTrackerOptions {
  kind: Exclude<RangeEstimatorName, 'lsq'>;
  grid: Grid;
  symmetric: boolean;
  /** Channel axis of the tensors passed in, or null for per-tensor. */
  axis: number | null;
  /** Number of channels C (1 per-tensor). */
  channels: number;
  /** EMA / hindsight momentum m ∈ (0, 1]. */
  momentum: number;
  /** Percentile q ∈ (50, 100] for `percentile`. */
  percentile: number;
  /** MSE: re-run the search every this many training calls (0 = only on the first). */
  recalibrateEvery: number;
}

/** A per-channel range [lo, hi] (each [C], input units). */
export interface Range {
  min: tf.Tensor;
  max: tf.Tensor;
}

/**
 * How a min-max based estimator (minmax, ema) picks one call's range, from the table above:
 * `batch` = this batch's min/max, `blend` = (1−m)·stored + m·batch, `stored` = the stored range;
 * `store` = the result becomes the new state.
 */
export interface MinMaxPlan {
  source: 'batch' | 'blend' | 'stored';
  store: boolean;
}

/**
 * One call of a minmax / ema tracker handed to a fused kernel (src/quant/fusedFakeQuant.ts): the
 * kernel computes the range from `plan`, the state and the momentum, then `commit` records the
 * call exactly as {@link RangeTracker.resolve} would (counts it, stores the range if the plan says so).
 */
export interface FusedRangeCall {
  plan: MinMaxPlan;
  lo: tf.Variable;
  hi: tf.Variable;
  momentum: number;
  /** Call once, with the range the kernel used ([1] tensors; assigned, so the caller may dispose). */
  commit(r: Range): void;
}

/** Stateful range estimator. Owns two variables; `dispose()` frees them. */
export interface RangeTracker {
  /** The range to quantize x with; updates the state on training calls (variable.assign). */
  resolve(x: tf.Tensor, training: boolean): Range;
  /**
   * This call's plan for a fused kernel, without changing any state; null for the estimators
   * that are not min-max based (percentile, hindsight, mse).
   */
  fused(training: boolean): FusedRangeCall | null;
  /** The stored range (new tensors the caller owns); zeros before the first call. */
  stored(): Range;
  /** Whether a training call has set the state yet. */
  readonly calibrated: boolean;
  dispose(): void;
}

/** Creates the tracker for one of the non-learned range estimators. */
export function createRangeTracker(opts: RangeTrackerOptions): RangeTracker {
  const lo = filledVariable([opts.channels], 0, false);
  const hi = filledVariable([opts.channels], 0, false);
  let calls = 0;

  const batchStat = (x: tf.Tensor): Range =>
    opts.kind === 'percentile'
      ? channelPercentile(x, opts.axis, opts.percentile, opts.symmetric)
      : channelMinMax(x, opts.axis);
  const store = (r: Range): Range => {
    lo.assign(r.min);
    hi.assign(r.max);
    return r;
  };
  const blend = (r: Range): Range => {
    const m = opts.momentum;
    return {
      min: tf.add(tf.mul(lo, 1 - m), tf.mul(r.min, m)),
      max: tf.add(tf.mul(hi, 1 - m), tf.mul(r.max, m)),
    };
  };
  const copy = (): Range => ({ min: lo.clone(), max: hi.clone() });

  /** The minmax / ema rows of the table; null for the other estimators. */
  function minMaxPlan(training: boolean): MinMaxPlan | null {
    if (opts.kind === 'minmax') return { source: 'batch', store: true };
    if (opts.kind !== 'ema') return null;
    // Before any training call, eval calls use the batch range and leave the state alone.
    if (!training) return { source: calls === 0 ? 'batch' : 'stored', store: false };
    return { source: calls === 0 ? 'batch' : 'blend', store: true };
  }

  function runPlan(plan: MinMaxPlan, x: tf.Tensor): Range {
    if (plan.source === 'stored') return copy();
    const batch = channelMinMax(x, opts.axis);
    const r = plan.source === 'blend' ? blend(batch) : batch;
    return plan.store ? store(r) : r;
  }

  function resolveTraining(x: tf.Tensor): Range {
    const first = calls === 0;
    calls++;
    switch (opts.kind) {
      case 'minmax':
      case 'ema':
        throw new Error('unreachable: min-max based estimators follow minMaxPlan');
      case 'percentile':
        return store(batchStat(x));
      case 'hindsight': {
        if (first) return store(batchStat(x));
        // Quantize with the range of earlier iterations, then fold this batch in (docs/science.md §6).
        const previous = copy();
        store(blend(batchStat(x)));
        return previous;
      }
      case 'mse': {
        const due = first || (opts.recalibrateEvery > 0 && (calls - 1) % opts.recalibrateEvery === 0);
        return due ? store(mseRange(x, opts.axis, opts.grid, opts.symmetric)) : copy();
      }
    }
  }

  function resolveEval(x: tf.Tensor): Range {
    if (opts.kind === 'percentile') return store(batchStat(x));
    return calls === 0 ? channelMinMax(x, opts.axis) : copy();
  }

  return {
    resolve(x, training) {
      const plan = minMaxPlan(training);
      if (!plan) return training ? resolveTraining(x) : resolveEval(x);
      if (training) calls++;
      return runPlan(plan, x);
    },
    fused(training) {
      const plan = minMaxPlan(training);
      if (!plan) return null;
      return {
        plan,
        lo,
        hi,
        momentum: opts.momentum,
        commit(r) {
          if (training) calls++;
          if (plan.store) store(r);
        },
      };
    },
    stored: copy,
    get calibrated() {
      return calls > 0;
    },
    dispose() {
      lo.dispose();
      hi.dispose();
    },
  };
}
