/**
 * The oscillation machinery of one training run behind three hooks the trainer calls
 * (docs/science.md §2):
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
import { rangeHoldsTensor } from '../quant/quantizer';
import { dampeningFromTargets, dampeningTargets, type DampeningTargets } from './dampening';
import { WeightFreezer } from './freezing';
import { OscillationTracker, pickSampleIndices } from './oscillation';
import {
  decodeReport,
  histogramEdges,
  reportTensor,
  type OscillationReport,
  type TrackedLayer,
} from './oscReport';
import { dampeningLambda, freezeThresholdAt } from './oscSchedule';
import { fusedOscStep } from './oscFused';
import type { OscillationSummary } from './types';

/** Tracking only pays off at low precision (the authors' rule). */
export const MAX_TRACKED_BITS = 4;

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
  return JSON.stringify([
    on,
    o.trackAll,
    o.sampleWeights,
    w.bits,
    w.symmetric,
    w.perChannel,
    w.range,
    exp.quant.layers,
    exp.quant.firstLastBits8,
    model.layers.length,
  ]);
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
    this.tracked = wantTracking
      ? model.layers.filter((l) => isTrackedLayer(exp, l)).map((l) => this.trackLayer(l))
      : [];
  }

  private trackLayer(layer: ModelLayer): TrackedLayer {
    const { momentum, sampleWeights } = this.exp.oscillation;
    const sampleIndices = pickSampleIndices(
      layer.spec.weightCount,
      sampleWeights,
      this.exp.seed,
      `osc-samples/${layer.spec.name}`,
    );
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
    this.targets =
      this.lambda > 0 ? this.dampedLayers().map((l) => ({ layer: l, targets: this.targetsOf(l) })) : [];
  }

  /** λ·L_damp for the gradient tape, or null while λ = 0 (no dampening graph at all). */
  lossTerm(): tf.Scalar | null {
    if (this.targets.length === 0) return null;
    const terms = this.targets.map(({ layer, targets }) =>
      dampeningFromTargets(layer.weight, targets, weightChannelAxis(layer.spec)),
    );
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
      allInside: rangeHoldsTensor(this.exp.quant.weight) && this.exp.quant.weight.symmetric,
    });
  }

  /**
   * After the optimizer step (`stepsDone` counts it): pins frozen latent weights, tracks the codes,
   * freezes what crossed f_th(t) and hands the frozen set to the weight quantizer. Ops only.
   */
  afterStep(stepsDone: number): void {
    // The step's tidy has disposed the targets.
    this.targets = [];
    const threshold = freezeThresholdAt(
      stepsDone,
      this.exp.train.steps,
      this.exp.oscillation.freezeThreshold,
    );
    for (const t of this.tracked) {
      const { weight, quantizers } = t.layer;
      const q = quantizers.weight;
      t.freezer?.restore(weight);
      // The frozen set goes to the quantizer from the first step on, empty until something
      // freezes: the fused step's x̂ presets (oscFused.ts) are made with it applied.
      if (fusedOscStep(t, threshold)) {
        this.attachFrozen(t);
        continue;
      }
      tf.tidy(() => {
        // With the quantizer's freeze hook, toInt already returns the codes the forward uses.
        const raw = q.toInt(weight);
        const codes = t.freezer && !q.freeze ? t.freezer.effectiveCodes(raw) : raw;
        t.tracker.update(codes);
        if (!t.freezer) return;
        t.freezer.update(t.tracker.frequency, codes, weight, threshold);
        this.attachFrozen(t);
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

  /** Histogram edges of the frequency chart under the current report threshold. */
  edges(): number[] {
    return histogramEdges(this.exp.oscillation.reportThreshold);
  }

  /**
   * Reads every statistic back in one go (report steps only; layout in ./oscReport.ts) and
   * appends to the histories.
   */
  async report(step: number): Promise<OscillationReport> {
    if (this.tracked.length === 0) return { layers: new Map(), samples: [] };
    const edges = this.edges();
    const t = reportTensor(this.tracked, this.exp.oscillation.reportThreshold, edges);
    const v = await t.data();
    t.dispose();
    const out = decodeReport(v, this.tracked, edges);
    let size = 0;
    let oscSum = 0;
    let frozenSum = 0;
    let flipSum = 0;
    let reversalSum = 0;
    for (const tl of this.tracked) {
      const { name, weightCount } = tl.layer.spec;
      const layer = out.layers.get(name);
      const fraction = layer?.oscillatingFraction ?? 0;
      const frozenFraction = layer?.frozenFraction ?? 0;
      const flips = layer?.flips ?? 0;
      const reversals = layer?.reversals ?? 0;
      tl.history.push({ step, fraction, frozenFraction, flips, reversals });
      size += weightCount;
      oscSum += fraction * weightCount;
      frozenSum += frozenFraction * weightCount;
      flipSum += flips;
      reversalSum += reversals;
    }
    this.history.push({
      step,
      fraction: oscSum / size,
      frozenFraction: frozenSum / size,
      flips: flipSum,
      reversals: reversalSum,
    });
    return out;
  }

  /** The run's oscillation summary (final values = the last report). Undefined when nothing is tracked. */
  summary(): OscillationSummary | undefined {
    if (this.tracked.length === 0) return undefined;
    const last = this.history[this.history.length - 1];
    const layers: OscillationSummary['layers'] = {};
    for (const t of this.tracked) {
      const end = t.history[t.history.length - 1];
      layers[t.layer.spec.name] = {
        fraction: end?.fraction ?? 0,
        frozenFraction: end?.frozenFraction ?? 0,
        weights: t.layer.spec.weightCount,
        history: t.history,
      };
    }
    return {
      fraction: last?.fraction ?? 0,
      frozenFraction: last?.frozenFraction ?? 0,
      weights: this.tracked.reduce((a, t) => a + t.layer.spec.weightCount, 0),
      history: this.history,
      layers,
    };
  }

  dispose(): void {
    for (const t of this.tracked) {
      t.tracker.dispose();
      t.freezer?.dispose();
      t.layer.quantizers.weight.unfreeze?.();
    }
  }
}
