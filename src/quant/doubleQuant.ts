/**
 * Double quantization (PikeLPN, docs/science.md §3): the per-channel scales are themselves quantized to
 * 8 bits, unsigned, with one per-tensor scale of the scales ss = max(s)/255:
 *   s_q = clamp(round(s/ss), 1, 255)·ss
 * The lower clamp at code 1 keeps every channel's scale positive (a 0 scale would zero the channel).
 * Relative error ≤ ½/code, so channels with small scales lose most.
 * Truth table (s = [0.1, 0.05, 0.0003]): ss = 0.1/255; codes [255, 127.5→128, 0.765→1];
 * s_q = [0.1, 0.050196, 0.000392].
 */
import * as tf from '@tensorflow/tfjs-core';

/** Bits of the quantized scales. */
export const SCALE_BITS = 8;
const SCALE_QMAX = 2 ** SCALE_BITS - 1;

function forward(s: tf.Tensor): tf.Tensor {
  const ss = tf.div(tf.max(s), SCALE_QMAX);
  return tf.mul(tf.clipByValue(tf.round(tf.div(s, ss)), 1, SCALE_QMAX), ss);
}

/**
 * Quantized scales, with a straight-through gradient (identity) so a learned (LSQ) scale still trains.
 * @param s per-channel scales [C], positive, input units
 * @returns [C], input units
 */
export function quantizeScales(s: tf.Tensor): tf.Tensor {
  const op = tf.customGrad((sIn, _save) => ({
    value: forward(sIn as tf.Tensor),
    gradFunc: (dy) => [dy],
  }));
  return op(s);
}
