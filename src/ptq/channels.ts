/**
 * Channel arithmetic on the lab's weight layouts, for the post-training passes (docs/ptq.md).
 *
 * Layouts (src/models/spec.ts): dense [in, out]; conv [kh, kw, in, out]; depthwise [kh, kw, C, 1].
 * A dense layer after a flattened [h, w, C] feature map sees input index i as channel i mod C
 * (NHWC flattening), so its input channels are strided rows of W.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerKind } from '../models/layers/registry';

/** The kinds whose weight layout this file knows (see the header). */
const WEIGHT_LAYOUTS = new Set<string>(['dense', 'conv', 'depthwise']);

/** Which side of a weight tensor a per-channel operation acts on. */
export type ChannelSide = 'out' | 'in';

/**
 * The weight reshaped to [rest, C, after] so that the channel of `side` is axis 1.
 * @param channels channel count of that side (for a dense input: the channels of the map it flattens)
 */
function channelView(w: tf.Tensor, kind: LayerKind, side: ChannelSide, channels: number): tf.Tensor3D {
  if (!WEIGHT_LAYOUTS.has(kind))
    throw new Error(
      `post-training passes know the weight layouts of dense, conv and depthwise layers, not '${kind}'`,
    );
  const size = w.size;
  if (kind === 'depthwise' || side === 'out') return w.reshape([size / channels, channels, 1]);
  if (kind === 'conv') {
    const out = w.shape[3]!;
    return w.reshape([size / (channels * out), channels, out]);
  }
  const out = w.shape[1]!;
  return w.reshape([size / (channels * out), channels, out]);
}

/** max |w| per channel of `side`: [C]. */
export function channelAbsMax(
  w: tf.Tensor,
  kind: LayerKind,
  side: ChannelSide,
  channels: number,
): tf.Tensor1D {
  return tf.tidy(() => channelView(w, kind, side, channels).abs().max([0, 2]) as tf.Tensor1D);
}

/** w with every entry of channel c (of `side`) multiplied by v[c]; same shape as w. */
export function scaleChannels(w: tf.Tensor, kind: LayerKind, side: ChannelSide, v: tf.Tensor1D): tf.Tensor {
  return tf.tidy(() => {
    const view = channelView(w, kind, side, v.shape[0]);
    return view.mul(v.reshape([1, v.shape[0], 1])).reshape(w.shape);
  });
}

/** Σ over every axis but the channel of `side`, per output channel: the [out, C] matrix M with
 * M[o, c] = Σ_{entries of input channel c feeding output o} w. Depthwise: diag, returned as [C]. */
export function inputChannelSums(w: tf.Tensor, kind: LayerKind, inChannels: number): tf.Tensor {
  return tf.tidy(() => {
    if (kind === 'depthwise') return w.reshape([-1, inChannels]).sum(0);
    const view = channelView(w, kind, 'in', inChannels);
    return view.sum(0).transpose(); // [out, C]
  });
}
