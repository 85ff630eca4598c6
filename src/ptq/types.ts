/**
 * The float model as the post-training passes see it (docs/ptq.md): BN folded, every layer a
 * weight and a bias, in forward order. Tensors are owned by the record's holder.
 */
import type * as tf from '@tensorflow/tfjs';
import type { LayerSpec } from '../models/spec';

export interface PtqLayer {
  /** The layer's spec (kind, shapes, activation, pooling, resolved bits). */
  readonly spec: LayerSpec;
  weight: tf.Tensor;
  bias: tf.Tensor1D;
  /**
   * Per-channel mean and standard deviation of the pre-activation, where BN defined them (β and |γ|
   * of the folded BN, rescaled by every later pass); absent for layers without BN.
   */
  preActivation?: { mean: tf.Tensor1D; std: tf.Tensor1D };
}

/**
 * The channel count at the boundary between consecutive layers a → b, or null when b does not see
 * a's channels one by one. After a flatten, b's input index i is channel i mod C of a's map.
 */
export function sharedChannels(a: LayerSpec, b: LayerSpec): number | null {
  const c = a.outChannels;
  if (a.flatten) return b.inShape.length === 1 && b.inShape[0]! % c === 0 ? c : null;
  return b.inShape[b.inShape.length - 1] === c ? c : null;
}
