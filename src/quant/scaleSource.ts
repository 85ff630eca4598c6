/**
 * Where a quantizer's scale comes from: a range tracker (minmax, ema, mse, percentile, hindsight)
 * or the LSQ learned scale, with optional double quantization of the per-channel scales. Which one
 * a config gets is the range estimator registry's business (range/registry.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { QuantizerConfig } from '../experiment/schema';
import { quantizeScales } from './doubleQuant';
import { RANGE_EPS, rangeToScaleTensor } from './grid';
import { createLsqState } from './range/lsq';
import { rangeEstimatorDef } from './range/registry';
import { createRangeTracker, type FusedRangeCall, type RangeRule } from './range/tracker';
import type { Grid, NamedTensors } from './types';

/** Default MSE re-search period, in training calls. */
export const DEFAULT_RECALIBRATE_EVERY = 100;

/** Channel layout of the tensors a quantizer receives (see quantizer.ts). */
export interface ChannelLayout {
  /** Channel axis of the runtime tensor, or null (per-tensor). */
  axis: number | null;
  channels: number;
  /** Elements per channel of one quantized tensor (weights) or one sample (activations). */
  perChannelCount: number;
}

/** Options of {@link createScaleSource}. */
export interface ScaleSourceOptions {
  config: QuantizerConfig;
  grid: Grid;
  layout: ChannelLayout;
  doubleQuant: boolean;
  recalibrateEvery?: number;
  lsqGradScale?: boolean;
}

/** A scale source. Owns its variables. */
export interface ScaleSource {
  /**
   * Per-channel scale [C] and zero point [C] (null when symmetric) for x; updates range state on
   * training calls. x = null reads the stored state (for scale()/zeroPoint()). Call inside tidy.
   */
  channelScale(x: tf.Tensor | null, training: boolean): { s: tf.Tensor; z: tf.Tensor | null };
  /**
   * This call's range plan for the fused per-tensor kernel (src/quant/fusedFakeQuant.ts), or null
   * where the scale is not a plain function of a minmax / ema range (LSQ, other estimators,
   * double quantization). Changes nothing until the returned call's `commit`.
   */
  fusedRange(training: boolean): FusedRangeCall | null;
  /** LSQ gradient scale g, or null when the scale is not learned. */
  readonly learnedGradScale: number | null;
  readonly trainable: tf.Variable[];
  /** The persistent state (Quantizer.saveState): the tracker's or the LSQ state's. */
  saveState(): NamedTensors;
  /** Restores {@link saveState}'s tensors. */
  loadState(named: NamedTensors): void;
  dispose(): void;
}

/** The LSQ learned scale (docs/science.md): a trained [C] variable. */
export function createLsqSource(o: ScaleSourceOptions): ScaleSource {
  const { config, grid, layout } = o;
  const lsq = createLsqState({
    grid,
    symmetric: config.symmetric,
    ...layout,
    useGradScale: o.lsqGradScale ?? true,
  });
  return {
    channelScale(x) {
      if (x) lsq.ensureInit(x);
      // max(s, eps) keeps the learned scale positive; its gradient passes wherever s > eps.
      const s = tf.maximum(lsq.scale, RANGE_EPS);
      return { s: o.doubleQuant ? quantizeScales(s) : s, z: lsq.zeroPoint };
    },
    fusedRange: () => null,
    learnedGradScale: lsq.gradScale,
    trainable: [lsq.scale],
    saveState: () => lsq.saveState(),
    loadState: (named) => lsq.loadState(named),
    dispose: () => lsq.dispose(),
  };
}

/** A scale from a range tracker running `rule` (the non-learned range estimators). */
export function createTrackedSource(o: ScaleSourceOptions, rule: RangeRule): ScaleSource {
  const { config, grid, layout } = o;
  const tracker = createRangeTracker(
    {
      grid,
      symmetric: config.symmetric,
      axis: layout.axis,
      channels: layout.channels,
      momentum: config.rangeMomentum,
      percentile: config.percentile,
      recalibrateEvery: o.recalibrateEvery ?? DEFAULT_RECALIBRATE_EVERY,
      mseSearch: config.mseSearch,
    },
    rule,
  );
  return {
    channelScale(x, training) {
      const r = x ? tracker.resolve(x, training) : tracker.stored();
      const { scale, zeroPoint } = rangeToScaleTensor(r.min, r.max, grid, config.symmetric);
      // Double quant: the zero point was set from the unquantized scale (they differ by < 0.2%).
      return { s: o.doubleQuant ? quantizeScales(scale) : scale, z: zeroPoint };
    },
    fusedRange: (training) => (o.doubleQuant ? null : tracker.fused(training)),
    learnedGradScale: null,
    trainable: [],
    saveState: () => tracker.saveState(),
    loadState: (named) => tracker.loadState(named),
    dispose: () => tracker.dispose(),
  };
}

/** The scale source a config asks for: its range estimator's (range/registry.ts). */
export function createScaleSource(o: ScaleSourceOptions): ScaleSource {
  return rangeEstimatorDef(o.config.range).createSource(o);
}
