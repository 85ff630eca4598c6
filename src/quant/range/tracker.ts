/**
 * The state of a stateful range estimator: a per-channel range [lo, hi] in tf.Variables of shape
 * [C] and a count of training calls. Which range quantizes each call is the estimator's
 * {@link RangeRule} (rules.ts has the table); the tracker runs the rule and keeps the state.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MseSearch } from '../../experiment/schema';
import type { Grid, NamedTensors } from '../types';
import { filledVariable } from '../variables';
import { channelMinMax } from './reduce';

/** What a range tracker needs to know. */
export interface RangeTrackerOptions {
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
  /** MSE: the 1-D shrink or the 2-D search over both ends (mse.ts); default 1-D. */
  mseSearch?: MseSearch;
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
  /** `range_min`, `range_max` ([C]) and `range_calls` (int32 scalar), new tensors (checkpoints). */
  saveState(): NamedTensors;
  /** Restores {@link saveState}'s tensors (names and shapes checked by the caller). */
  loadState(named: NamedTensors): void;
  dispose(): void;
}

/** What a rule sees of the tracker's state. */
export interface RangeState {
  readonly opts: RangeTrackerOptions;
  /** Training calls before this one. */
  readonly calls: number;
  /** Makes r the stored range; returns r. */
  store(r: Range): Range;
  /** (1−m)·stored + m·r (new tensors). */
  blend(r: Range): Range;
  /** A copy of the stored range. */
  copy(): Range;
}

/**
 * How one range estimator picks each call's range. Either min-max based — a {@link MinMaxPlan} per
 * call, which the wasm kernel can fuse — or free-form: `train` for training calls, `eval` for the
 * others (default: the stored range, or the batch min/max before any training call).
 */
export type RangeRule =
  | { plan(training: boolean, calls: number): MinMaxPlan }
  | { train(x: tf.Tensor, s: RangeState): Range; eval?(x: tf.Tensor, s: RangeState): Range };

/** Creates the tracker that runs `rule` (one of the non-learned range estimators). */
export function createRangeTracker(opts: RangeTrackerOptions, rule: RangeRule): RangeTracker {
  const lo = filledVariable([opts.channels], 0, false);
  const hi = filledVariable([opts.channels], 0, false);
  let calls = 0;

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

  const state: RangeState = {
    opts,
    get calls() {
      return calls;
    },
    store,
    blend,
    copy,
  };

  /** The min-max based rules' plan for this call; null for the other estimators. */
  const minMaxPlan = (training: boolean): MinMaxPlan | null =>
    'plan' in rule ? rule.plan(training, calls) : null;

  function runPlan(plan: MinMaxPlan, x: tf.Tensor): Range {
    if (plan.source === 'stored') return copy();
    const batch = channelMinMax(x, opts.axis);
    const r = plan.source === 'blend' ? blend(batch) : batch;
    return plan.store ? store(r) : r;
  }

  function resolveFree(x: tf.Tensor, training: boolean): Range {
    if ('plan' in rule) throw new Error('unreachable: min-max based estimators follow their plan');
    if (!training)
      return rule.eval ? rule.eval(x, state) : calls === 0 ? channelMinMax(x, opts.axis) : copy();
    // The rule sees the calls before this one; the count includes this call afterwards.
    const r = rule.train(x, state);
    calls++;
    return r;
  }

  return {
    resolve(x, training) {
      const plan = minMaxPlan(training);
      if (!plan) return resolveFree(x, training);
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
    saveState: () => ({
      range_min: lo.clone(),
      range_max: hi.clone(),
      range_calls: tf.scalar(calls, 'int32'),
    }),
    loadState(named) {
      lo.assign(named.range_min);
      hi.assign(named.range_max);
      calls = named.range_calls.dataSync()[0];
    },
    dispose() {
      lo.dispose();
      hi.dispose();
    },
  };
}
