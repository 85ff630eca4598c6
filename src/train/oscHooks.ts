/**
 * The oscillation machinery of one training run behind three hooks the trainer calls
 * (SCIENCE.md §2):
 *
 * ```
 * hooks.beforeStep(step)                  before the tape: dampening targets (constants)
 * hooks.lossTerm()                         inside the gradient tape: λ(t)·L_damp (or null)
 * hooks.afterStep(step + 1)                right after the optimizer step: pin frozen weights,
 *                                          track codes, freeze, hand the frozen set to the quantizer
 * hooks.report(step)                       at report steps: ONE readback of every statistic
 * ```
 *
 * Which layers: tracking (and so freezing) covers layers with ≤ 4-bit weights, or every quantized
 * layer with `trackAll` (the authors track only ≤ 4-bit layers); dampening covers every quantized
 * layer, as the authors' `DampeningLoss` does. Float (32-bit) layers have no grid and are skipped.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Experiment } from '../experiment/schema';
import { FLOAT_BITS } from '../experiment/schema';
import type { ModelLayer, QuantModel } from '../models/build';
import { weightChannelAxis } from '../models/quantizers';
import { dampeningFromTargets, dampeningTargets, type DampeningTargets } from './dampening';
import { WeightFreezer } from './freezing';
import { OscillationTracker, STATS_FIELDS, frequencyEdges, gatherSamples, pickSampleIndices, statsFromArray } from './oscillation';
import { dampeningLambda, freezeThresholdAt } from './oscSchedule';
import type { LayerReport, OscillationSummary, StepReport, WeightSample } from './types';

/** Histogram bins of f; the range is 10× the report threshold so the threshold sits at bin 2. */
export const HISTOGRAM_BINS = 20;
const HISTOGRAM_RANGE_FACTOR = 10;
/** Tracking only pays off at low precision (the authors' rule). */
export const MAX_TRACKED_BITS = 4;

/** Numbers per tracked layer in the report readback: the stats, then the frozen fraction. */
const LAYER_FIELDS = STATS_FIELDS.length + 1;
/** Rows of the per-layer sample block: latent, code, frozen, flips. */
const SAMPLE_ROWS = 4;

interface TrackedLayer {
  layer: ModelLayer;
  tracker: OscillationTracker;
  freezer: WeightFreezer | null;
  /** The weight quantizer reads the freezer's set by reference (shareFrozen) since freezing began. */
  shared: boolean;
  sampleIndices: number[];
  history: OscillationSummary['history'];
}

/** What {@link OscillationHooks.report} adds to a step report. */
export type OscillationReport = Pick<StepReport, 'samples' | 'frequencyHistogram'> & {
  layers: Map<string, Pick<LayerReport, 'oscillatingFraction' | 'meanFrequency' | 'flips' | 'frozenFraction'>>;
};

/** Layers whose weights are tracked (and may freeze) under `exp`. */
export function isTrackedLayer(exp: Experiment, layer: ModelLayer): boolean {
  const bits = layer.spec.weightBits;
  return bits !== FLOAT_BITS && (exp.oscillation.trackAll || bits <= MAX_TRACKED_BITS);
}

/**
 * What decides the tracker layout: a change here invalidates the codes and histories. `spec`
 * holds the resolved bits, read from `exp` because a live bit change rebuilds quantizers only.
 */
function trackingLayout(exp: Experiment, model: QuantModel): string {
  const o = exp.oscillation;
  const on = o.track || o.freezeThreshold > 0;
  const w = exp.quant.weight;
  return JSON.stringify([on, o.trackAll, o.sampleWeights, w.bits, w.symmetric, w.perChannel, w.range, exp.quant.layers, exp.quant.firstLastBits8, model.layers.length]);
}

/** Tracker, freezer and dampening of one run. Owns its tensors: call {@link dispose}. */
export class OscillationHooks {
  private exp: Experiment;
  private readonly model: QuantModel;
  private readonly tracked: TrackedLayer[];
  private readonly history: OscillationSummary['history'] = [];
  /** λ and dampening targets of the current step (from beforeStep to afterStep). */
  private lambda = 0;
  private targets: { layer: ModelLayer; targets: DampeningTargets }[] = [];

  constructor(exp: Experiment, model: QuantModel) {
    this.exp = exp;
    this.model = model;
    const o = exp.oscillation;
    const wantTracking = o.track || o.freezeThreshold > 0;
    this.tracked = wantTracking ? model.layers.filter((l) => isTrackedLayer(exp, l)).map((l) => this.trackLayer(l)) : [];
  }

  private trackLayer(layer: ModelLayer): TrackedLayer {
    const { momentum, sampleWeights } = this.exp.oscillation;
    const sampleIndices = pickSampleIndices(layer.spec.weightCount, sampleWeights, this.exp.seed, `osc-samples/${layer.spec.name}`);
    const tracked: TrackedLayer = {
      layer,
      tracker: new OscillationTracker(layer.spec.weightShape, momentum, sampleIndices),
      freezer: null,
      shared: false,
      sampleIndices,
      history: [],
    };
    this.syncFreezer(tracked);
    return tracked;
  }

  /** Creates the layer's freezer when freezing is on, drops it (unfreezing all) when off. */
  private syncFreezer(t: TrackedLayer): void {
    const { freezeThreshold, momentum, freezeUseEma } = this.exp.oscillation;
    if (freezeThreshold > 0 && !t.freezer) {
      t.freezer = new WeightFreezer(t.layer.spec.weightShape, { momentum, useEma: freezeUseEma });
    } else if (freezeThreshold <= 0 && t.freezer) {
      t.layer.quantizers.weight.unfreeze?.();
      t.freezer.dispose();
      t.freezer = null;
      t.shared = false;
    }
    if (t.freezer) {
      t.freezer.momentum = momentum;
      t.freezer.useEma = freezeUseEma;
    }
  }

  /**
   * Applies a live change in place (momentum, report threshold, λ, freezing threshold and use-EMA;
   * the schedules read `train.steps` live too). Returns false when the change needs fresh hooks:
   * tracking switched on or off, or the tracked layers, their bits or the sample count changed.
   */
  update(next: Experiment): boolean {
    if (trackingLayout(this.exp, this.model) !== trackingLayout(next, this.model)) return false;
    this.exp = next;
    for (const t of this.tracked) {
      t.tracker.momentum = next.oscillation.momentum;
      this.syncFreezer(t);
    }
    return true;
  }

  /**
   * Before the gradient tape of a step (`step` = steps done before it; inside the step's tidy):
   * computes the dampening targets while λ(step) > 0, so the tape only sees constants.
   */
  beforeStep(step: number): void {
    this.lambda = dampeningLambda(step, this.exp.train.steps, this.exp.oscillation.dampening);
    this.targets = this.lambda > 0 ? this.dampedLayers().map((l) => ({ layer: l, targets: this.targetsOf(l) })) : [];
  }

  /** λ·L_damp for the gradient tape, or null while λ = 0 (no dampening graph at all). */
  lossTerm(): tf.Scalar | null {
    if (this.targets.length === 0) return null;
    const terms = this.targets.map(({ layer, targets }) => dampeningFromTargets(layer.weight, targets, weightChannelAxis(layer.spec)));
    return tf.mul(tf.addN(terms), this.lambda) as tf.Scalar;
  }

  private dampedLayers(): ModelLayer[] {
    return this.model.layers.filter((l) => l.spec.weightBits !== FLOAT_BITS);
  }

  private targetsOf(l: ModelLayer): DampeningTargets {
    const q = l.quantizers.weight;
    return dampeningTargets({
      latent: l.weight,
      // toInt already applies the quantizer's frozen codes: the target is what the forward uses.
      codes: q.toInt(l.weight),
      scale: q.scale(),
      zeroPoint: q.zeroPoint(),
      qmin: q.grid.qmin,
      qmax: q.grid.qmax,
      channelAxis: weightChannelAxis(l.spec),
      allInside: this.exp.quant.weight.range === 'minmax' && this.exp.quant.weight.symmetric,
    });
  }

  /**
   * After the optimizer step (`stepsDone` counts it): pins frozen latent weights, tracks the codes,
   * freezes what crossed f_th(t) and hands the frozen set to the weight quantizer. Ops only.
   */
  afterStep(stepsDone: number): void {
    // The step's tidy has disposed the targets.
    this.targets = [];
    const threshold = freezeThresholdAt(stepsDone, this.exp.train.steps, this.exp.oscillation.freezeThreshold);
    for (const t of this.tracked) {
      const { weight, quantizers } = t.layer;
      const q = quantizers.weight;
      t.freezer?.restore(weight);
      tf.tidy(() => {
        // With the quantizer's freeze hook, toInt already returns the codes the forward uses.
        const raw = q.toInt(weight);
        const codes = t.freezer && !q.freeze ? t.freezer.effectiveCodes(raw) : raw;
        t.tracker.update(codes);
        if (!t.freezer) return;
        t.freezer.update(t.tracker.frequency, codes, weight, threshold);
        // Only once freezing can have happened: before, the forward pass skips the freeze ops.
        if (threshold !== null) this.attachFrozen(t);
      });
    }
  }

  /**
   * Hands the layer's frozen set to its weight quantizer: by reference once (later assigns show
   * through), or as a copy every step for a quantizer without shareFrozen.
   */
  private attachFrozen(t: TrackedLayer): void {
    const q = t.layer.quantizers.weight;
    const state = t.freezer?.state;
    if (!state || t.shared) return;
    if (q.shareFrozen) {
      q.shareFrozen(state);
      t.shared = true;
    } else {
      tf.tidy(() => q.freeze?.(tf.sub(1, state.keep), state.codes));
    }
  }

  /** Hands every frozen set to the (possibly rebuilt) weight quantizers again. */
  reattachFreeze(): void {
    for (const t of this.tracked) {
      if (!t.shared) continue;
      t.shared = false;
      this.attachFrozen(t);
    }
  }

  /** Histogram edges over [0, 10·reportThreshold] (capped at 1). */
  edges(): number[] {
    return frequencyEdges(Math.min(1, HISTOGRAM_RANGE_FACTOR * this.exp.oscillation.reportThreshold), HISTOGRAM_BINS);
  }

  /** Every statistic of every tracked layer as one flat tensor (see {@link report} for the layout). */
  private reportTensor(edges: number[]): tf.Tensor1D {
    const th = this.exp.oscillation.reportThreshold;
    return tf.tidy(() => {
      const parts: tf.Tensor[] = [];
      const hist = this.tracked.map((t) => t.tracker.histogramTensor(edges));
      for (const t of this.tracked) {
        parts.push(t.tracker.statsTensor(th), tf.reshape(t.freezer ? t.freezer.frozenFractionTensor() : tf.scalar(0), [1]));
      }
      parts.push(hist.length ? tf.addN(hist) : tf.zeros([HISTOGRAM_BINS]));
      for (const t of this.tracked) {
        const idx = t.tracker.sampleIndices;
        const flips = t.tracker.sampleFlips;
        if (!idx || !flips) continue;
        const w = t.layer.weight;
        const codes = t.layer.quantizers.weight.toInt(w);
        const frozen = t.freezer ? tf.sub(1, t.freezer.state.keep) : tf.zerosLike(w);
        parts.push(tf.reshape(gatherSamples(idx, [w, codes, frozen]), [-1]), flips);
      }
      return tf.concat(parts) as tf.Tensor1D;
    });
  }

  /**
   * Reads every statistic back in one go (report steps only) and appends to the histories.
   * Layout of the readback: per tracked layer [oscFraction, meanF, flips, reversals, frozen],
   * then the summed histogram, then per layer a [4, k] block of samples.
   */
  async report(step: number): Promise<OscillationReport> {
    const out: OscillationReport = { layers: new Map(), samples: [] };
    if (this.tracked.length === 0) return out;
    const edges = this.edges();
    const t = this.reportTensor(edges);
    const v = await t.data();
    t.dispose();
    let size = 0;
    let oscSum = 0;
    let frozenSum = 0;
    this.tracked.forEach((tl, i) => {
      const stats = statsFromArray(v, i * LAYER_FIELDS);
      const frozenFraction = v[i * LAYER_FIELDS + STATS_FIELDS.length];
      const { name, weightCount } = tl.layer.spec;
      out.layers.set(name, { oscillatingFraction: stats.oscillatingFraction, meanFrequency: stats.meanFrequency, flips: stats.flips, frozenFraction });
      tl.history.push({ step, fraction: stats.oscillatingFraction, frozenFraction });
      size += weightCount;
      oscSum += stats.oscillatingFraction * weightCount;
      frozenSum += frozenFraction * weightCount;
    });
    this.history.push({ step, fraction: oscSum / size, frozenFraction: frozenSum / size });
    let offset = this.tracked.length * LAYER_FIELDS;
    out.frequencyHistogram = { edges, counts: Array.from(v.subarray(offset, offset + HISTOGRAM_BINS)) };
    offset += HISTOGRAM_BINS;
    for (const tl of this.tracked) offset = readSamples(tl, v, offset, out.samples);
    return out;
  }

  /** The run's oscillation summary (final values = the last report). Undefined when nothing is tracked. */
  summary(): OscillationSummary | undefined {
    if (this.tracked.length === 0) return undefined;
    const last = this.history[this.history.length - 1];
    const layers: OscillationSummary['layers'] = {};
    for (const t of this.tracked) {
      const end = t.history[t.history.length - 1];
      layers[t.layer.spec.name] = { fraction: end?.fraction ?? 0, frozenFraction: end?.frozenFraction ?? 0, history: t.history };
    }
    return { fraction: last?.fraction ?? 0, frozenFraction: last?.frozenFraction ?? 0, history: this.history, layers };
  }

  dispose(): void {
    for (const t of this.tracked) {
      t.tracker.dispose();
      t.freezer?.dispose();
      t.layer.quantizers.weight.unfreeze?.();
    }
  }
}

/** Decodes one layer's [4, k] sample block starting at `offset`; returns the next offset. */
function readSamples(t: TrackedLayer, v: Float32Array | Int32Array | Uint8Array, offset: number, into: WeightSample[]): number {
  const k = t.sampleIndices.length;
  t.sampleIndices.forEach((index, j) => {
    into.push({
      layer: t.layer.spec.name,
      index,
      latent: v[offset + j],
      code: v[offset + k + j],
      frozen: v[offset + 2 * k + j] > 0.5,
      flips: v[offset + 3 * k + j],
    });
  });
  return offset + SAMPLE_ROWS * k;
}
