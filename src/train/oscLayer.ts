/**
 * One tracked layer of the oscillation controller (oscController.ts; docs/architecture.md, "The
 * oscillation controller"): its tracker (EMA frequencies, previous codes, flip and reversal
 * counts), its freezer (frozen mask, codes, pinned latent values, code EMA) when freezing is on,
 * its sampled weights and its history, and the one step the controller runs after each optimizer
 * update: restore the pins, quantize, track, freeze, hand the frozen set to the weight quantizer.
 *
 * The step runs as the fused wasm kernel (src/tensor/kernels/oscStep.ts, ~40 fewer tfjs kernels
 * per layer and step) where the layer was built with it — the kernel on, the backend wasm, the
 * weight's size a multiple of 4 — and the call is covered (a freezer, a per-channel axis that is
 * the last, a channel count that is 1 or a multiple of 4); else as ops. Both give bit-identical
 * training (tests/unit/perf/oscFused.test.ts). The kernel computes the weight's codes anyway, so
 * where the quantizer accepts it (Quantizer.presetOutput) it also writes x̂ for the next forward pass.
 */
import * as tf from '@tensorflow/tfjs-core';
import { firstMismatch, underPrefix, withPrefix } from '../checkpoint/check';
import type { Experiment } from '../experiment/schema';
import type { NamedTensors } from '../quant/types';
import type { ModelLayer } from '../models/build';
import { oscStep, oscStepAvailable } from '../tensor/kernels/oscStep';
import { WeightFreezer } from './freezing';
import { OscillationTracker, pickSampleIndices } from './oscillation';
import type { TrackedLayer } from './oscReport';
import type { OscillationSummary } from './types';

/** The tracker, freezer and history of one tracked layer. Owns its tensors: call {@link dispose}. */
export class OscLayer implements TrackedLayer {
  readonly tracker: OscillationTracker;
  readonly sampleIndices: readonly number[];
  readonly history: OscillationSummary['history'] = [];
  private frozenSet: WeightFreezer | null = null;
  /** The weight quantizer reads the freezer's set by reference (shareFrozen) since it was handed over. */
  private shared = false;
  /** The fused step may run for this layer (fixed at construction). */
  private readonly fused: boolean;

  /**
   * @param fusedStep the trainer's KernelChoice.oscStep; the layer also needs wasm and a size the
   *   kernel covers
   */
  constructor(
    readonly layer: ModelLayer,
    exp: Experiment,
    fusedStep: boolean,
  ) {
    const { momentum, sampleWeights } = exp.oscillation;
    this.sampleIndices = pickSampleIndices(
      layer.spec.weightCount,
      sampleWeights,
      exp.seed,
      `osc-samples/${layer.spec.name}`,
    );
    this.tracker = new OscillationTracker(layer.spec.weightShape, momentum, [...this.sampleIndices]);
    this.fused = fusedStep && oscStepAvailable(layer.spec.weightCount, 1);
    this.configure(exp);
  }

  /** The layer's freezer, or null while freezing is off. */
  get freezer(): WeightFreezer | null {
    return this.frozenSet;
  }

  /**
   * Applies the live oscillation settings: momentum and use-EMA; creates the freezer when freezing
   * is switched on, drops it (unfreezing every weight) when switched off.
   */
  configure(exp: Experiment): void {
    const { freezeThreshold, momentum, freezeUseEma } = exp.oscillation;
    this.tracker.momentum = momentum;
    if (freezeThreshold > 0 && !this.frozenSet) {
      this.frozenSet = new WeightFreezer(this.layer.spec.weightShape, { momentum, useEma: freezeUseEma });
    } else if (freezeThreshold <= 0 && this.frozenSet) {
      this.layer.quantizers.weight.unfreeze?.();
      this.frozenSet.dispose();
      this.frozenSet = null;
      this.shared = false;
    }
    if (this.frozenSet) {
      this.frozenSet.momentum = momentum;
      this.frozenSet.useEma = freezeUseEma;
    }
  }

  /**
   * After the optimizer step: restores the frozen latent weights unless the optimizer pinned them
   * (`pinned`), tracks the codes, freezes what crossed `threshold` (null: nothing may freeze yet)
   * and hands the frozen set to the weight quantizer. Ops only, no readback.
   */
  step(threshold: number | null, pinned: boolean): void {
    const { weight, quantizers } = this.layer;
    const q = quantizers.weight;
    const freezer = this.frozenSet;
    if (freezer && !pinned) freezer.restore(weight);
    // The frozen set goes to the quantizer from the first step on, empty until something
    // freezes: the fused step's x̂ presets are made with it applied.
    if (this.fusedStep(threshold)) {
      this.attachFrozen();
      return;
    }
    tf.tidy(() => {
      // With the quantizer's freeze hook, toInt already returns the codes the forward uses.
      const raw = q.toInt(weight);
      const codes = freezer && !q.freeze ? freezer.effectiveCodes(raw) : raw;
      this.tracker.update(codes);
      if (!freezer) return;
      freezer.update(this.tracker.frequency, codes, weight, threshold);
      this.attachFrozen();
    });
  }

  /**
   * The step through the fused kernel, on the restored weight. Returns false, having changed
   * nothing, where it does not apply: not built with it, no freezer (tracking only), no
   * codeParams, a per-channel axis other than the last, a channel count not a multiple of 4.
   */
  private fusedStep(threshold: number | null): boolean {
    const { weight, quantizers, spec } = this.layer;
    const q = quantizers.weight;
    const freezer = this.frozenSet;
    if (!this.fused || !freezer || !q.codeParams) return false;
    return tf.tidy(() => {
      const { scale, zeroPoint, axis } = q.codeParams!(weight);
      if (!oscStepAvailable(spec.weightCount, scale.shape[0]) || (axis !== null && axis !== weight.rank - 1))
        return false;
      const { primed: trackerPrimed, ...tr } = this.tracker.fusedState();
      const { primed: freezerPrimed, ...fz } = freezer.fusedState();
      const dequantize = q.acceptsPreset?.(weight) ?? false;
      const out = oscStep(
        { weight, scale, zeroPoint, ...fz, ...tr },
        {
          qmin: q.grid.qmin,
          qmax: q.grid.qmax,
          momentum: this.tracker.momentum,
          threshold,
          trackerPrimed,
          freezerPrimed,
          useEma: freezer.useEma,
          dequantize,
        },
      );
      this.tracker.adoptFused(out);
      freezer.adoptFused(out);
      // The next forward pass quantizes this very weight with this frozen set: hand it x̂.
      if (out.dequantized) q.presetOutput?.(weight, out.dequantized, freezer.state);
      return true;
    });
  }

  /**
   * Hands the frozen set to the weight quantizer: by reference once (later assigns show through),
   * or as a copy every step for a quantizer without shareFrozen.
   */
  private attachFrozen(): void {
    const q = this.layer.quantizers.weight;
    const state = this.frozenSet?.state;
    if (!state || this.shared) return;
    if (q.shareFrozen) {
      q.shareFrozen(state);
      this.shared = true;
    } else {
      tf.tidy(() => q.freeze?.(tf.sub(1, state.keep), state.codes));
    }
  }

  /** Hands the frozen set to a rebuilt weight quantizer again. */
  reattach(): void {
    if (!this.shared) return;
    this.shared = false;
    this.attachFrozen();
  }

  /** The tracker's state under `tracker/`, the freezer's under `freezer/` (new tensors). */
  saveState(): NamedTensors {
    return {
      ...withPrefix(this.tracker.saveState(), 'tracker/'),
      ...(this.frozenSet && withPrefix(this.frozenSet.saveState(), 'freezer/')),
    };
  }

  /**
   * Restores {@link saveState}'s tensors, the freezer's only where the checkpoint has them (a run
   * that only tracked leaves a new freezer empty), and hands the frozen set to the quantizer at
   * once, as the saved run's quantizer had it. Returns the first missing or misshapen tensor
   * (changing nothing), or null.
   */
  loadState(named: NamedTensors, prefix: string): string | null {
    const tracker = underPrefix(named, 'tracker/');
    const freezer = this.frozenSet && 'freezer/keep' in named ? underPrefix(named, 'freezer/') : null;
    const expected = { tracker: this.tracker.saveState(), freezer: freezer && this.frozenSet!.saveState() };
    const problem =
      firstMismatch(expected.tracker, tracker, `${prefix}tracker/`) ??
      (freezer && firstMismatch(expected.freezer!, freezer, `${prefix}freezer/`));
    tf.dispose([...Object.values(expected.tracker), ...Object.values(expected.freezer ?? {})]);
    if (problem) return problem;
    this.tracker.loadState(tracker);
    if (freezer) this.frozenSet!.loadState(freezer);
    // Shared by reference already: the assigns show through; else hand it over now.
    this.attachFrozen();
    return null;
  }

  dispose(): void {
    this.tracker.dispose();
    this.frozenSet?.dispose();
    this.layer.quantizers.weight.unfreeze?.();
  }
}
