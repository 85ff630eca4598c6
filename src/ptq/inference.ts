/**
 * The inference graph the post-training passes run (docs/ptq.md): float layers with BN folded,
 *
 *   x̂ = A(x) → y = op(x̂, W̃) + b → ReLU → pool → flatten,
 *
 * where A is an optional activation fake-quantizer and W̃ an optional replacement weight (the
 * quantized-dequantized one). The op is the layer kind's own, as in the training forward
 * (src/models/forward.ts); no BN, no training state, no gradient shortcuts, so the passes
 * can differentiate through it (AdaRound, data distillation).
 */
import * as tf from '@tensorflow/tfjs';
import { MNIST_SIDE } from '../data/mnist';
import { layerKindDef } from '../models/layers/registry';
import type { LayerSpec } from '../models/spec';
import { selectOps } from '../tensor/backend';
import type { PtqLayer } from './types';

/** Per-layer quantization applied by {@link ptqForward}. */
export interface LayerQuantization {
  /** The weight to use instead of the layer's float weight. */
  weight?: tf.Tensor;
  /** The bias to use instead of the layer's (bias correction). */
  bias?: tf.Tensor1D;
  /** Fake-quantizes the layer's input. */
  act?: (x: tf.Tensor) => tf.Tensor;
}

/** Observers of intermediate values (they must tf.keep what they hold on to). */
export interface ForwardTaps {
  /** The input the layer sees, before its activation quantizer. */
  input?: (index: number, x: tf.Tensor) => void;
  /** The layer's linear output plus bias, before ReLU. */
  pre?: (index: number, y: tf.Tensor) => void;
}

/**
 * op(x, w) for one layer: its kind's op (src/models/layers) on the backend's op set. `inputGrad:
 * false` skips the gradient to x, for callers that differentiate by the weight only (AdaRound).
 */
export function linearOp(spec: LayerSpec, x: tf.Tensor, w: tf.Tensor, inputGrad = true): tf.Tensor {
  return layerKindDef(spec.kind).op(x, w, inputGrad, selectOps(), tf);
}

/** What follows a layer's pre-activation: ReLU, pooling, flatten. */
export function afterLinear(spec: LayerSpec, y: tf.Tensor): tf.Tensor {
  let h = spec.activation === 'relu' ? tf.relu(y) : y;
  if (spec.pool === 'max2') h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid');
  if (spec.pool === 'gap') h = tf.mean(h, [1, 2], true);
  if (spec.flatten) h = tf.reshape(h, [h.shape[0]!, -1]);
  return h;
}

/** The network's input for images x [N, 784]: reshaped to [N, 28, 28, 1] for convolutional models. */
export function networkInput(layers: PtqLayer[], x: tf.Tensor2D): tf.Tensor {
  return layers[0]!.spec.kind === 'dense' ? x : tf.reshape(x, [x.shape[0], MNIST_SIDE, MNIST_SIDE, 1]);
}

/**
 * Runs layers `from` … `to − 1` on h (the input of layer `from`); logits when run to the end.
 * Call inside tf.tidy (intermediates are not disposed).
 */
export function ptqForward(
  layers: PtqLayer[],
  h: tf.Tensor,
  quant: (LayerQuantization | undefined)[] = [],
  taps: ForwardTaps = {},
  from = 0,
  to = layers.length,
): tf.Tensor {
  for (let i = from; i < to; i += 1) {
    const layer = layers[i]!;
    const q = quant[i];
    taps.input?.(i, h);
    const x = q?.act ? q.act(h) : h;
    const y = tf.add(linearOp(layer.spec, x, q?.weight ?? layer.weight), q?.bias ?? layer.bias);
    taps.pre?.(i, y);
    h = afterLinear(layer.spec, y);
  }
  return h;
}
