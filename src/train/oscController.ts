/**
 * The one owner of a trainer's oscillation machinery (docs/science.md §2; docs/architecture.md,
 * "The oscillation controller"): tracking, dampening, iterative freezing and their reports. It
 * owns every tracked layer's state (oscLayer.ts) and the weights' pins, and the trainer calls it at
 * fixed points of each step through its plugin (the factory at the end of this file):
 *
 * ```
 * beforeStep(stepsDone)   before the tape: dampening targets (constants) while λ(t) > 0
 * lossTerm()              inside the gradient tape: λ(t)·L_damp (or null)
 * pins()                  before the optimizer update: the frozen weights it may pin itself
 * afterStep(pinned)       after the update: restore what the optimizer did not pin, track, freeze
 * report(step)            at report steps: ONE readback of every statistic
 * update(next, rebuilt)   a live change; summary() at the end; dispose()
 * ```
 *
 * Which fused kernels it uses (the oscillation step, the report block) is fixed at construction
 * (KernelChoice, plugins.ts); nothing is switched from outside. Which layers: tracking (and so
 * freezing) covers layers with ≤ 4-bit weights, or every quantized layer with `trackAll`;
 * dampening covers every quantized layer, as the authors' `DampeningLoss` does. Float layers have
 * no grid and are skipped.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Experiment } from '../experiment/schema';
import { FLOAT_BITS } from '../experiment/schema';
import type { ModelLayer, QuantModel } from '../models/build';
import { underPrefix } from '../checkpoint/check';
import type { NamedTensors } from '../quant/types';
import { weightChannelAxis } from '../models/quantizers';
import { rangeHoldsTensor } from '../quant/quantizer';
import { dampeningFromTargets, dampeningTargets, type DampeningTargets } from './dampening';
import type { WeightPin, WeightPins } from './fusedAdam';
import { OscLayer } from './oscLayer';
import { readReport, type OscillationReport } from './oscReport';
import { dampeningLambda, freezeThresholdAt } from './oscSchedule';
import type { KernelChoice, TrainerPlugin, TrainerPluginFactory } from './plugins';
import type { OscillationSummary } from './types';

/** Tracking only pays off at low precision (the authors' rule). */
export const MAX_TRACKED_BITS = 4;

/** Layers whose weights are tracked (and may freeze) under `exp`. */
export function isTrackedLayer(exp: Experiment, layer: ModelLayer): boolean {
  const bits = layer.spec.weightBits;
  return bits !== FLOAT_BITS && (exp.oscillation.trackAll || bits <= MAX_TRACKED_BITS);
}

/**
 * What decides the tracked layers' layout: a change here invalidates the codes and histories.
 * Bits are read from `exp` because a live bit change rebuilds quantizers only.
 */
function trackingLayout(exp: Experiment, model: QuantModel): string {
  const o = exp.oscillation;
  const w = exp.quant.weight;
  return JSON.stringify([
    o.track || o.freezeThreshold > 0,
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

/** Construction-time settings of a controller. */
export interface OscillationControllerOptions {
  /** The fused kernels it may use (the rest of KernelChoice is the quantizers' and Adam's). */
  kernels: Pick<KernelChoice, 'oscStep' | 'oscReport'>;
  /** Steps the trainer has already taken (the schedules count from there). */
  stepsDone: number;
}

/** Tracker, freezer, pins and dampening of one run. Owns its tensors: call {@link dispose}. */
export class OscillationController {
  private exp: Experiment;
  private tracked: OscLayer[];
  private history: OscillationSummary['history'] = [];
  /** Steps completed, counted by afterStep so the schedules stay exact. */
  private steps: number;
  /** λ and dampening targets of the current step (from beforeStep to afterStep). */
  private lambda = 0;
  private targets: { layer: ModelLayer; targets: DampeningTargets }[] = [];
  /** The pins of the current freezers (rebuilt when freezers come or go). */
  private pinTable: Map<tf.Variable, WeightPin> | null = null;

  constructor(
    exp: Experiment,
    private readonly model: QuantModel,
    private readonly options: OscillationControllerOptions,
  ) {
    this.exp = exp;
    this.steps = options.stepsDone;
    this.tracked = this.trackLayers();
  }

  private trackLayers(): OscLayer[] {
    const o = this.exp.oscillation;
    if (!o.track && o.freezeThreshold <= 0) return [];
    return this.model.layers
      .filter((l) => isTrackedLayer(this.exp, l))
      .map((l) => new OscLayer(l, this.exp, this.options.kernels.oscStep));
  }

  /** The tracked layers, in model order. */
  get layers(): readonly OscLayer[] {
    return this.tracked;
  }

  /**
   * Before the gradient tape of a step (`stepsDone` = steps before it; inside the step's tidy):
   * computes the dampening targets while λ > 0, so the tape only sees constants.
   */
  beforeStep(stepsDone: number): void {
    this.lambda = dampeningLambda(stepsDone, this.exp.train.steps, this.exp.oscillation.dampening);
    this.targets =
      this.lambda > 0
        ? this.model.layers
            .filter((l) => l.spec.weightBits !== FLOAT_BITS)
            .map((l) => ({ layer: l, targets: this.targetsOf(l) }))
        : [];
  }

  /** λ·L_damp for the gradient tape, or null while λ = 0 (no dampening graph at all). */
  lossTerm(): tf.Scalar | null {
    if (this.targets.length === 0) return null;
    const terms = this.targets.map(({ layer, targets }) =>
      dampeningFromTargets(layer.weight, targets, weightChannelAxis(layer.spec)),
    );
    return tf.mul(tf.addN(terms), this.lambda) as tf.Scalar;
  }

  private targetsOf(l: ModelLayer): DampeningTargets {
    const q = l.quantizers.weight;
    const w = this.exp.quant.weight;
    return dampeningTargets({
      latent: l.weight,
      // toInt already applies the quantizer's frozen codes: the target is what the forward uses.
      codes: q.toInt(l.weight),
      scale: q.scale(),
      zeroPoint: q.zeroPoint(),
      qmin: q.grid.qmin,
      qmax: q.grid.qmax,
      channelAxis: weightChannelAxis(l.spec),
      allInside: rangeHoldsTensor(w) && w.symmetric,
    });
  }

  /** The frozen weights an optimizer may pin in its own update (empty without freezing). */
  pins(): WeightPins {
    this.pinTable ??= new Map(
      this.tracked.flatMap((t) => (t.freezer ? [[t.layer.weight, t.freezer.pin] as const] : [])),
    );
    return this.pinTable;
  }

  /**
   * After the optimizer step (inside a tidy): each tracked layer restores its frozen weights
   * unless the optimizer pinned them, tracks its codes and freezes what crossed f_th(t). Ops only.
   */
  afterStep(pinned: ReadonlySet<tf.Variable>): void {
    this.steps += 1;
    // The step's tidy has disposed the targets.
    this.targets = [];
    const { train, oscillation } = this.exp;
    const threshold = freezeThresholdAt(this.steps, train.steps, oscillation.freezeThreshold);
    for (const t of this.tracked) t.step(threshold, pinned.has(t.layer.weight));
  }

  /**
   * Reads every statistic back in one go (report steps only; layout in ./oscReport.ts) and
   * appends to the histories.
   */
  async report(step: number): Promise<OscillationReport> {
    const { reportThreshold } = this.exp.oscillation;
    const out = await readReport(this.tracked, reportThreshold, this.options.kernels.oscReport);
    if (this.tracked.length === 0) return out;
    let size = 0;
    const sum = { fraction: 0, frozenFraction: 0, flips: 0, reversals: 0 };
    for (const t of this.tracked) {
      const { name, weightCount } = t.layer.spec;
      const layer = out.layers.get(name);
      const point = {
        step,
        fraction: layer?.oscillatingFraction ?? 0,
        frozenFraction: layer?.frozenFraction ?? 0,
        flips: layer?.flips ?? 0,
        reversals: layer?.reversals ?? 0,
      };
      t.history.push(point);
      size += weightCount;
      sum.fraction += point.fraction * weightCount;
      sum.frozenFraction += point.frozenFraction * weightCount;
      sum.flips += point.flips;
      sum.reversals += point.reversals;
    }
    this.history.push({
      step,
      fraction: sum.fraction / size,
      frozenFraction: sum.frozenFraction / size,
      flips: sum.flips,
      reversals: sum.reversals,
    });
    return out;
  }

  /**
   * Applies a live change (momentum, report threshold, λ, freezing threshold and use-EMA; the
   * schedules read `train.steps` live too). A change of the tracked layout (tracking on or off,
   * the tracked layers, their bits or grid, the sample count) starts fresh layers and histories.
   * `quantizersRebuilt`: the weight quantizers are new and need the frozen sets again.
   */
  update(next: Experiment, quantizersRebuilt: boolean): void {
    this.pinTable = null;
    if (trackingLayout(this.exp, this.model) !== trackingLayout(next, this.model)) {
      this.disposeLayers();
      this.exp = next;
      this.history = [];
      this.tracked = this.trackLayers();
      return;
    }
    this.exp = next;
    for (const t of this.tracked) {
      t.configure(next);
      if (quantizersRebuilt) t.reattach();
    }
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

  /**
   * The tracked layers' state for a checkpoint, as `<layer>/osc/tracker/…` and `<layer>/osc/freezer/…`
   * (docs/checkpoints.md). New tensors the caller owns; {} when nothing is tracked.
   */
  saveState(): NamedTensors {
    const out: NamedTensors = {};
    for (const t of this.tracked)
      for (const [name, v] of Object.entries(t.saveState())) out[`${t.layer.spec.name}/osc/${name}`] = v;
    return out;
  }

  /**
   * Resuming from a checkpoint written under `saved`: restores the tracked layers' state when the
   * tracked layout is unchanged (else they start fresh, as after a live change of it). Returns
   * the first missing or misshapen tensor, or null.
   */
  loadState(named: NamedTensors, saved: Experiment): string | null {
    if (trackingLayout(saved, this.model) !== trackingLayout(this.exp, this.model)) return null;
    for (const t of this.tracked) {
      const prefix = `${t.layer.spec.name}/osc/`;
      const problem = t.loadState(underPrefix(named, prefix), prefix);
      if (problem) return problem;
    }
    this.pinTable = null;
    return null;
  }

  private disposeLayers(): void {
    for (const t of this.tracked) t.dispose();
    this.tracked = [];
    this.pinTable = null;
  }

  dispose(): void {
    this.disposeLayers();
  }
}

/**
 * The controller as a trainer plugin, in {@link DEFAULT_PLUGINS} (plugins.ts). Always present (it
 * costs nothing while tracking, dampening and freezing are off) so a live change can switch any
 * of them on.
 */
export const oscillationPlugin: TrainerPluginFactory = (ctx): TrainerPlugin => {
  const osc = new OscillationController(ctx.experiment, ctx.model, {
    kernels: ctx.kernels,
    stepsDone: ctx.stepsDone,
  });
  return {
    name: 'oscillation',
    beforeStep: (c) => osc.beforeStep(c.stepsDone),
    lossTerm: () => osc.lossTerm(),
    pins: () => osc.pins(),
    afterStep: (_c, pinned) => osc.afterStep(pinned),
    async report(report) {
      const out = await osc.report(report.point.step);
      for (const layer of report.layers) Object.assign(layer, out.layers.get(layer.name));
      report.samples.push(...out.samples);
      if (out.frequencyHistogram) report.frequencyHistogram = out.frequencyHistogram;
    },
    updated: (c, quantizersRebuilt) => osc.update(c.experiment, quantizersRebuilt),
    saveState: () => osc.saveState(),
    loadState: (named, saved) => osc.loadState(named, saved),
    finish(result) {
      const summary = osc.summary();
      if (summary) result.oscillation = summary;
    },
    dispose: () => osc.dispose(),
  };
};
