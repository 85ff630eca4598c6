/**
 * The quantizer contract between src/quant (which implements it) and src/models + src/train (which
 * use it). A quantizer is grid × calibration × granularity × gradient estimator (docs/style.md rule 7).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { QuantizerConfig } from '../experiment/schema';
import type { EstimatorSpec } from '../estimators/types';
import type { FrozenCodes } from './fakeQuant';

/** Integer grid of a quantizer: x_int ∈ [qmin, qmax]. */
export interface Grid {
  bits: number;
  qmin: number;
  qmax: number;
  /**
   * The code a symmetric range's end maps to, s = max|x|/rangeCode; absent = qmax. Set (to
   * (qmax − qmin)/2) only by the full-range signed grid (grid.ts, docs/conventions.md §1).
   */
  rangeCode?: number;
}

/** What a quantizer quantizes: a layer's weights or its input activations. */
export type QuantRole = 'weight' | 'act';

/**
 * Named tensors of a component's persistent state, for checkpoints (names and their meaning:
 * docs/checkpoints.md). Counters and flags are int32 scalars.
 */
export type NamedTensors = Record<string, tf.Tensor>;

/** What a quantizer needs to know about the tensor it quantizes. */
export interface QuantizerOptions {
  config: QuantizerConfig;
  estimator: EstimatorSpec;
  role: QuantRole;
  /** Shape of the tensor quantized (weights: the weight shape; activations: one sample's shape). */
  shape: number[];
  /**
   * Per-channel axis, counted in `shape` (weights: last axis for dense/conv, axis 2 for depthwise;
   * activations: an axis of one sample, the batch axis is added in front at run time).
   * Used when `config.perChannel`; default: the last axis of `shape`.
   */
  channelAxis?: number;
  /** Double quantization: quantize the per-channel scales themselves to 8 bits. */
  doubleQuant?: boolean;
  /**
   * Signed grid for a symmetric quantizer. Default: true for weights, false for activations (the
   * lab quantizes layer inputs, which are non-negative: pixels or ReLU outputs). Ignored when
   * asymmetric (always the unsigned grid [0, 2^b−1] with a zero point).
   */
  signed?: boolean;
  /** `mse` range: re-run the search every this many training calls (0 = only once). Default 100. */
  recalibrateEvery?: number;
  /** `lsq` range: scale the scale's gradient by g = 1/√(p·N) (LSQ). Default true. */
  lsqGradScale?: boolean;
  /**
   * Record clipFraction() on every apply (3 extra full-size ops). Default: true, except for weights
   * with the `minmax` range, which clip nothing by construction (clipFraction() then stays 0).
   */
  trackClip?: boolean;
  /**
   * Use the lab's fused fake-quant kernels where they cover a call (fusedFakeQuant.ts); default
   * true. False keeps the op path everywhere, to compare the two (tests). Fixed for the quantizer's life.
   */
  fusedKernels?: boolean;
}

/**
 * A stateful fake quantizer. Owns its tensors (range state, LSQ scale, frozen mask): call
 * `dispose()` when done. `apply` must be called inside a tf.tidy / optimizer.minimize.
 */
export interface Quantizer {
  readonly grid: Grid;
  /**
   * x̂ = s·(clamp(round(x/s)+z, qmin, qmax) − z), with the estimator's gradient. Identity at 32 bits.
   * @param recordClip false skips recording clipFraction() for this call (saves 3 full-size ops
   *   on steps whose clip fraction nobody reads); default true
   */
  apply(x: tf.Tensor, training: boolean, recordClip?: boolean): tf.Tensor;
  /** Integer codes clamp(round(x/s)+z) with the current scale (int32; for tracking and export). */
  toInt(x: tf.Tensor): tf.Tensor;
  /** Current scale(s): [1] per-tensor or [C] per-channel. Returns a new tensor the caller owns. */
  scale(): tf.Tensor;
  /**
   * The scale and zero point {@link toInt} would use for x, as [C] tensors the caller owns (zeros
   * for a symmetric grid), and the axis of x they vary along (null per-tensor). Absent at 32 bits.
   */
  codeParams?(x: tf.Tensor): { scale: tf.Tensor1D; zeroPoint: tf.Tensor1D; axis: number | null };
  /** Current zero point(s), same shape as scale(). */
  zeroPoint(): tf.Tensor;
  /**
   * Fraction of the last quantized tensor's entries that the clamp changed (|round(v)| left the
   * grid), recorded on every apply without readback. Returns a new scalar the caller owns.
   */
  clipFraction(): tf.Scalar;
  /** Trainable variables (LSQ scale), to pass to the optimizer; empty otherwise. */
  readonly trainable: tf.Variable[];
  /**
   * Iterative freezing hook (docs/science.md §2), present on quantizers of 2–8 bits. From now on the forward
   * pass uses x_int = ¬mask·x_int + mask·codes and frozen entries get zero gradient (the LSQ scale
   * still sees them through s·(code − z)). The quantizer copies both tensors (caller keeps ownership);
   * call again to change the set, `unfreeze()` to clear it.
   * @param mask 0/1 float, same shape as the quantized tensor (1 = frozen)
   * @param codes integer codes in [qmin, qmax] (float or int32), same shape; read where mask = 1
   */
  freeze?(mask: tf.Tensor, codes: tf.Tensor): void;
  /**
   * {@link freeze} by reference, for a caller that updates its frozen set every step (the
   * oscillation hooks): the quantizer reads `keep` (1 − mask) and `codes` (mask·codes) on every
   * apply, so an `assign` to them takes effect without a copy. The caller keeps ownership and must
   * call `unfreeze()` before disposing them.
   */
  shareFrozen?(state: FrozenCodes): void;
  /** Clears the frozen set (all entries free again). */
  unfreeze?(): void;
  /**
   * Whether {@link presetOutput} takes an x̂ of x computed elsewhere: only where that x̂ is
   * bit-identical to apply()'s own and skipping apply's work changes no state (a min-max range,
   * which is x's own on every call; an estimator whose backward pass does not read x/s; no clip
   * fraction to record; the fused kernel covering x). Absent at 32 bits.
   */
  acceptsPreset?(x: tf.Tensor): boolean;
  /**
   * Hands over x̂ of x with the frozen set `frozen` applied, computed elsewhere (the fused
   * oscillation step, which computes the weight's codes anyway): the next apply() calls on exactly
   * this tensor, while the quantizer's frozen set is exactly `frozen`, return it instead of
   * quantizing again. Takes ownership of y. Only after {@link acceptsPreset} said yes.
   */
  presetOutput?(x: tf.Tensor, y: tf.Tensor, frozen: FrozenCodes): void;
  /**
   * The persistent state a checkpoint stores: the range tracker's range and call count, or the LSQ
   * scale (and zero point) and whether it was initialised. New tensors the caller owns; {} at 32
   * bits. The frozen set is not included: the oscillation controller owns it.
   */
  saveState(): NamedTensors;
  /**
   * Restores what {@link saveState} returned (the same names and shapes: the caller checks them first).
   * Copies the values; reads the counters back once.
   */
  loadState(named: NamedTensors): void;
  dispose(): void;
}
