/**
 * The quantizer contract between src/quant (which implements it) and src/models + src/train (which
 * use it). A quantizer is grid × calibration × granularity × gradient estimator (STYLE.md rule 7).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { QuantizerConfig } from '../experiment/schema';
import type { EstimatorSpec } from '../estimators/types';

/** Integer grid of a quantizer: x_int ∈ [qmin, qmax]. */
export interface Grid {
  bits: number;
  qmin: number;
  qmax: number;
}

/** What a quantizer needs to know about the tensor it quantizes. */
export interface QuantizerOptions {
  config: QuantizerConfig;
  estimator: EstimatorSpec;
  role: 'weight' | 'act';
  /** Shape of the tensor quantized (weights: the weight shape; activations: one sample's shape). */
  shape: number[];
  /** Per-channel axis (weights: last axis for dense/conv, axis 2 for depthwise). */
  channelAxis?: number;
  /** Double quantization: quantize the per-channel scales themselves to 8 bits. */
  doubleQuant?: boolean;
}

/**
 * A stateful fake quantizer. Owns its tensors (range state, LSQ scale, frozen mask): call
 * `dispose()` when done. `apply` must be called inside a tf.tidy / optimizer.minimize.
 */
export interface Quantizer {
  readonly grid: Grid;
  /** x̂ = s·(clamp(round(x/s)+z, qmin, qmax) − z), with the estimator's gradient. Identity at 32 bits. */
  apply(x: tf.Tensor, training: boolean): tf.Tensor;
  /** Integer codes clamp(round(x/s)+z) with the current scale (int32; for tracking and export). */
  toInt(x: tf.Tensor): tf.Tensor;
  /** Current scale(s): [1] per-tensor or [C] per-channel. Returns a new tensor the caller owns. */
  scale(): tf.Tensor;
  /** Current zero point(s), same shape as scale(). */
  zeroPoint(): tf.Tensor;
  /** Fraction of the last quantized tensor's entries outside the clip range (read lazily). */
  clipFraction(): tf.Scalar;
  /** Trainable variables (LSQ scale), to pass to the optimizer; empty otherwise. */
  readonly trainable: tf.Variable[];
  dispose(): void;
}
