/**
 * The stateful range estimators' rules (docs/science.md §5, §6), one object each; the tracker
 * (tracker.ts) owns the state and calls them. MSE's rule lives next to its search (mse.ts).
 *
 * | estimator  | training call                                        | eval call (training = false) |
 * |------------|------------------------------------------------------|------------------------------|
 * | minmax     | r = batch min/max                                    | same (dynamic)               |
 * | percentile | r = batch percentile (|x| or per side)               | same (dynamic)               |
 * | ema        | r ← (1−m)·r + m·batch (first call: r = batch); use r | stored r                     |
 * | hindsight  | use the stored r, then r ← (1−m)·r + m·batch         | stored r                     |
 * | mse        | MSE search on call 1 and every `recalibrateEvery`    | stored r                     |
 * Before any training call, eval calls fall back to the batch min/max (uncalibrated).
 */
import { channelMinMax, channelPercentile } from './reduce';
import type { RangeRule } from './tracker';

/** min–max: this batch's range, every call (fused on wasm). */
export const minMaxRule: RangeRule = {
  plan: () => ({ source: 'batch', store: true }),
};

/** Running min–max: an EMA of the batch ranges during training, the stored range in evaluation. */
export const emaRule: RangeRule = {
  plan(training, calls) {
    // Before any training call, eval calls use the batch range and leave the state alone.
    if (!training) return { source: calls === 0 ? 'batch' : 'stored', store: false };
    return { source: calls === 0 ? 'batch' : 'blend', store: true };
  },
};

/** Percentile of |x| (symmetric) or of each side, recomputed on every call. */
export const percentileRule: RangeRule = {
  train: (x, s) => s.store(channelPercentile(x, s.opts.axis, s.opts.percentile, s.opts.symmetric)),
  eval: (x, s) => s.store(channelPercentile(x, s.opts.axis, s.opts.percentile, s.opts.symmetric)),
};

/** In-hindsight: quantize with the range of earlier iterations, then fold this batch in (§6). */
export const hindsightRule: RangeRule = {
  train(x, s) {
    if (s.calls === 0) return s.store(channelMinMax(x, s.opts.axis));
    const previous = s.copy();
    s.store(s.blend(channelMinMax(x, s.opts.axis)));
    return previous;
  },
};
