/**
 * Iterative weight freezing (docs/science.md §2, after the authors' `TrackOscillation` freezing branch).
 *
 * A weight freezes once its oscillation frequency f exceeds the threshold f_th(t) (see
 * oscSchedule.ts) and stays frozen to the end of training:
 *
 * ```
 * newly      = f > f_th  ∧ ¬frozen
 * code[newly] = round(EMA(x_int))  (use_ema)  |  x_int  (¬use_ema)
 * EMA(x_int) ← m·x_int + (1−m)·EMA(x_int)     (after the freezing decision, as the authors do)
 * forward:    x_int = ¬frozen·x_int + frozen·code     (the quantizer's freeze hook)
 * ```
 *
 * Deviations, on purpose:
 * - The authors re-assign `code` for every frozen weight whose f is still above f_th; here a
 *   weight's code is set once, when it freezes. Both give the same code (the EMA of a frozen weight
 *   converges to its code), but "once" keeps a frozen weight visibly constant.
 * - The code EMA runs from the first step, not only once the threshold turns on (the authors create
 *   it lazily at t0); with m ≈ 0.01 it forgets the first quarter anyway.
 * - The latent weight is pinned too: {@link WeightFreezer.restore} writes the value it had when it
 *   froze back after every optimizer step. A zero gradient alone is not enough: Adam's momentum and
 *   weight decay keep moving an entry whose gradient is zero, and a drifting latent weight would
 *   shift a min-max scale and the sample charts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensors } from '../quant/types';
import type { WeightPin } from './fusedAdam';

/**
 * What the weight quantizer's freeze hook takes (structurally `FrozenCodes` of
 * src/quant/fakeQuant.ts): the forward pass uses `x_int·keep + codes`.
 */
export interface FreezeState {
  /** float32, shape of the weight: 1 where the entry is free, 0 where frozen. */
  keep: tf.Tensor;
  /** float32 frozen integer codes, 0 where free. */
  codes: tf.Tensor;
}

/** Freezing options of one layer (from `experiment.oscillation`). */
export interface FreezerOptions {
  /** EMA momentum m of the integer-code average (the tracker's momentum). */
  momentum: number;
  /** Freeze to round(EMA of past codes) (true) or to the current code (false). */
  useEma: boolean;
}

/**
 * Frozen mask, frozen codes and pinned latent values of one weight tensor. Owns its variables.
 * The mask is stored as the float `keep` the quantizer hook multiplies by, so the hook costs no
 * conversion per step; `codes` and `pinned` are 0 on free entries, so freezing is exact adds.
 */
export class WeightFreezer {
  momentum: number;
  useEma: boolean;
  private readonly keep: tf.Variable;
  private readonly codes: tf.Variable;
  private readonly pinned: tf.Variable;
  private readonly codeEma: tf.Variable;
  private primed = false;

  constructor(shape: number[], options: FreezerOptions) {
    this.momentum = options.momentum;
    this.useEma = options.useEma;
    [this.keep, this.codes, this.pinned, this.codeEma] = tf.tidy(() => [
      tf.variable(tf.ones(shape), false),
      tf.variable(tf.zeros(shape), false),
      tf.variable(tf.zeros(shape), false),
      tf.variable(tf.zeros(shape), false),
    ]);
  }

  /** `keep` and `codes` for the quantizer's freeze hook. The tensors are variables: do not dispose. */
  get state(): FreezeState {
    return { keep: this.keep, codes: this.codes };
  }

  /**
   * The codes the forward pass really uses, `x_int·keep + codes` (exact for integer codes). Returns
   * a new float32 tensor (call inside a tidy).
   */
  effectiveCodes(codes: tf.Tensor): tf.Tensor {
    return tf.add(tf.mul(tf.cast(codes, 'float32'), this.keep), this.codes);
  }

  /**
   * Freezes the entries whose `frequency` exceeds `threshold` (null = no freezing at this step) and
   * advances the code EMA. `codes` are the effective codes after this step, `latent` the latent
   * weight whose frozen entries get pinned. Issues ops only, no readback.
   */
  update(frequency: tf.Tensor, codes: tf.Tensor, latent: tf.Tensor, threshold: number | null): void {
    tf.tidy(() => {
      const x = codes.dtype === 'float32' ? codes : tf.cast(codes, 'float32');
      if (!this.primed) {
        this.codeEma.assign(x);
        this.primed = true;
      }
      if (threshold !== null) {
        // newly = [f > f_th] on free entries, as 0/1 floats. step(f − f_th) is exact: for floats
        // with gradual underflow, a − b > 0 iff a > b. Unary ops are the cheap ones on wasm.
        const newly = tf.mul(tf.step(tf.sub(frequency, threshold)), this.keep);
        const target = this.useEma ? tf.round(this.codeEma) : x;
        this.codes.assign(tf.add(this.codes, tf.mul(newly, target)));
        this.pinned.assign(tf.add(this.pinned, tf.mul(newly, latent)));
        this.keep.assign(tf.sub(this.keep, newly));
      }
      // Without use_ema the average is never read: track the current code instead (an assign is
      // free), so switching use_ema on mid-run starts from the present, not from stale codes.
      if (this.useEma)
        this.codeEma.assign(tf.add(this.codeEma, tf.mul(tf.sub(x, this.codeEma), this.momentum)));
      else this.codeEma.assign(x);
    });
  }

  /**
   * What an optimizer needs to pin the weight in its own update instead of {@link restore}
   * (fused Adam: w'·keep + pinned in the same pass). The tensors are variables: do not dispose.
   */
  get pin(): WeightPin {
    return { keep: this.keep, pinned: this.pinned };
  }

  /** The state the fused step (src/tensor/kernels/oscStep.ts) reads. Do not dispose. */
  fusedState(): {
    keep: tf.Tensor;
    codes: tf.Tensor;
    pinned: tf.Tensor;
    codeEma: tf.Tensor;
    primed: boolean;
  } {
    return {
      keep: this.keep,
      codes: this.codes,
      pinned: this.pinned,
      codeEma: this.codeEma,
      primed: this.primed,
    };
  }

  /**
   * Takes the fused step's results, the same state {@link update} would leave (inside a tidy). A
   * step that froze nothing (`froze` false) hands back keep, codes and pinned themselves.
   */
  adoptFused(next: {
    keep: tf.Tensor;
    codes: tf.Tensor;
    pinned: tf.Tensor;
    codeEma: tf.Tensor;
    froze: boolean;
  }): void {
    if (next.froze) {
      this.keep.assign(next.keep);
      this.codes.assign(next.codes);
      this.pinned.assign(next.pinned);
    }
    this.codeEma.assign(next.codeEma);
    this.primed = true;
  }

  /**
   * Writes the pinned values back into the frozen entries of `weight` (w·keep + pinned, exact for
   * finite w); call right after each optimizer step that did not pin the weight itself (see
   * {@link pin}), so no optimizer (SGD, momentum, Adam, weight decay) moves a frozen weight.
   */
  restore(weight: tf.Variable): void {
    tf.tidy(() => {
      weight.assign(tf.add(tf.mul(weight, this.keep), this.pinned));
    });
  }

  /** Fraction of frozen entries as a float32 scalar (caller owns it; read back at reports). */
  frozenFractionTensor(): tf.Scalar {
    return tf.tidy(() => tf.sub(1, tf.mean(this.keep)) as tf.Scalar);
  }

  /**
   * The state a checkpoint stores (docs/checkpoints.md): `keep`, `codes`, `pinned`, `code_ema`
   * (shape of the weight) and `primed` (int32 0/1). New tensors the caller owns.
   */
  saveState(): NamedTensors {
    return {
      keep: this.keep.clone(),
      codes: this.codes.clone(),
      pinned: this.pinned.clone(),
      code_ema: this.codeEma.clone(),
      primed: tf.scalar(this.primed ? 1 : 0, 'int32'),
    };
  }

  /** Restores {@link saveState}'s tensors (names and shapes checked by the caller). */
  loadState(named: NamedTensors): void {
    this.keep.assign(named.keep);
    this.codes.assign(named.codes);
    this.pinned.assign(named.pinned);
    this.codeEma.assign(named.code_ema);
    this.primed = named.primed.dataSync()[0] === 1;
  }

  /** Unfreezes everything and forgets the code EMA. */
  reset(): void {
    tf.tidy(() => {
      this.keep.assign(tf.onesLike(this.keep));
      this.codes.assign(tf.zerosLike(this.codes));
      this.pinned.assign(tf.zerosLike(this.pinned));
    });
    this.primed = false;
  }

  dispose(): void {
    for (const v of [this.keep, this.codes, this.pinned, this.codeEma]) v.dispose();
  }
}
