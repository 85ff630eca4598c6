/**
 * Runs the integer model (integerModel.ts) on a batch of images: quantize the pixels once, then
 * integer accumulators, integer bias, ReLU and pooling on integers, dyadic requantization into the
 * next layer's codes, and the last layer's accumulators times their scale as logits
 * (docs/integer.md §1). Between layers the codes live in JavaScript arrays; only the exact integer
 * ops (intOps.ts) go through tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import { requantize } from './dyadic';
import type { IntegerLayer, IntegerModel } from './integerModel';
import { exactIntOp, type IntAccumulator } from './intOps';

/** What one batch gives: logits, and every layer's input codes (for the parity table). */
export interface IntegerOutput {
  /** [N, 10], row-major. */
  logits: Float64Array;
  /** Per layer, its input codes x_int, laid out like the layer's input [N, ...inShape]. */
  codes: Float32Array[];
  /**
   * Per layer but the last, r after bias, ReLU and pooling: the integers requantized into the next
   * layer's codes (channels last). Only when asked for (the parity table recomputes the rounding).
   */
  preRequant?: Float64Array[];
}

/** x_int = clamp(round(x/s) + z, qmin, qmax) of the pixels, as the fake quantizer computes it (float32). */
function quantizePixels(first: IntegerLayer, images: tf.Tensor2D): Float32Array {
  const g = first.input;
  return tf.tidy(() =>
    tf.clipByValue(tf.round(tf.add(tf.div(images, g.scale), g.zero)), g.qmin, g.qmax).dataSync(),
  ) as Float32Array;
}

/** r = σ·acc·2^k + b per element, ReLU when the layer has one (channels are the last axis). */
function biasAndRelu(layer: IntegerLayer, acc: IntAccumulator): Float64Array {
  const { sign, bias } = layer;
  const C = layer.spec.outChannels;
  const relu = layer.spec.activation === 'relu';
  const shift = 2 ** layer.fracBits;
  const r = acc.values;
  for (let i = 0; i < r.length; i++) {
    const c = i % C;
    const v = sign[c]! * r[i]! * shift + bias[c]!;
    r[i] = relu && v < 0 ? 0 : v;
  }
  return r;
}

/** 2×2 max pooling ('valid', floor) or the sum over H·W of NHWC integers; unchanged otherwise. */
function pool(layer: IntegerLayer, r: Float64Array, shape: number[]): Float64Array {
  const { pool: kind } = layer.spec;
  if (kind === 'none' || shape.length !== 4) return r;
  const [n, h, w, c] = shape as [number, number, number, number];
  if (kind === 'gap') {
    const out = new Float64Array(n * c);
    for (let b = 0; b < n; b++)
      for (let p = 0; p < h * w; p++)
        for (let k = 0; k < c; k++) out[b * c + k]! += r[(b * h * w + p) * c + k]!;
    return out;
  }
  const [oh, ow] = [Math.floor(h / 2), Math.floor(w / 2)];
  const out = new Float64Array(n * oh * ow * c);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++)
      for (let x = 0; x < ow; x++)
        for (let k = 0; k < c; k++) {
          const at = (yy: number, xx: number) => r[((b * h + yy) * w + xx) * c + k]!;
          const m = Math.max(
            at(2 * y, 2 * x),
            at(2 * y, 2 * x + 1),
            at(2 * y + 1, 2 * x),
            at(2 * y + 1, 2 * x + 1),
          );
          out[((b * oh + y) * ow + x) * c + k] = m;
        }
  return out;
}

/** The next layer's codes: clamp(requant(r; M_c) + z', qmin', qmax'). */
function requantizeInto(layer: IntegerLayer, next: IntegerLayer, r: Float64Array): Float32Array {
  const C = layer.spec.outChannels;
  const { zero, qmin, qmax } = next.input;
  const out = new Float32Array(r.length);
  const requant = layer.requant!;
  for (let i = 0; i < r.length; i++) {
    const q = requantize(r[i]!, requant[i % C]!) + zero;
    out[i] = q < qmin ? qmin : q > qmax ? qmax : q;
  }
  return out;
}

/** Logits |S_c|·r_c·2^−k (divided by H·W after a global average pool's sum). */
function dequantize(layer: IntegerLayer, r: Float64Array): Float64Array {
  const C = layer.spec.outChannels;
  const { inShape, pool: kind } = layer.spec;
  const unit = (kind === 'gap' ? inShape[0]! * inShape[1]! : 1) * 2 ** layer.fracBits;
  return r.map((v, i) => (v * layer.accScale[i % C]!) / unit);
}

/**
 * Runs `model` on images [N, 784] with pixels in [0, 1].
 * @param keepPreRequant also return each layer's r before requantization
 */
export function integerForward(
  model: IntegerModel,
  images: tf.Tensor2D,
  keepPreRequant = false,
): IntegerOutput {
  const n = images.shape[0];
  const codes: Float32Array[] = [];
  const preRequant: Float64Array[] = [];
  let x = quantizePixels(model.layers[0]!, images);
  for (let i = 0; i < model.layers.length; i++) {
    const layer = model.layers[i]!;
    codes.push(x);
    // Codes from qmin up: x − z = (x − qmin) − (z − qmin), with x − qmin in [0, 2^b − 1].
    const { qmin, zero, bits } = layer.input;
    const input = tf.tidy(() => tf.sub(tf.tensor(x, [n, ...layer.spec.inShape]), qmin));
    const acc = exactIntOp(layer.spec, input, layer.weight, zero - qmin, bits, layer.weightMaxAbs);
    input.dispose();
    const r = pool(layer, biasAndRelu(layer, acc), acc.shape);
    const next = model.layers[i + 1];
    if (!next) return { logits: dequantize(layer, r), codes, ...(keepPreRequant && { preRequant }) };
    if (keepPreRequant) preRequant.push(r);
    x = requantizeInto(layer, next, r);
  }
  throw new Error('an integer model has at least one layer');
}
