/**
 * Exact integer matmuls and convolutions on tfjs's float kernels (docs/integer.md §3).
 *
 * A float32 sum of integers is exact while every partial sum stays below 2^24, whatever the order
 * the kernel adds in. With b-bit codes x ∈ [0, 2^b − 1], weights |w| ≤ w_max and a fan-in of K,
 * the accumulator can reach K·(2^b − 1)·w_max: 784·255·127 ≈ 2^24.6 for an 8-bit MLP, past the
 * limit. So the codes are split into base-2^d digits, x = Σ_k 2^(d·k)·x_k, with d the widest digit
 * for which K·(2^d − 1)·w_max < 2^24; each digit's op is exact, and the digits are combined in
 * float64, exact below 2^53. A zero point z is an extra op on a tensor of ones (so that 'same'
 * padding, which is x̂ = 0, i.e. the code z, is honoured): op(x − z, w) = op(x, w) − z·op(1, w).
 */
import * as tf from '@tensorflow/tfjs';
import { layerKindDef } from '../models/layers/registry';
import type { LayerSpec } from '../models/spec';
import { selectOps } from '../tensor/backend';

/** The exact integers of a float32: every integer of magnitude below this. */
const FLOAT32_EXACT = 2 ** 24;

/** The integer accumulator of one layer for a batch, in float64, laid out like the op's output. */
export interface IntAccumulator {
  values: Float64Array;
  /** [N, ...] of the op's output (NHWC or [N, D]). */
  shape: number[];
}

/** Inputs one output of the layer's op sums over: k·k·C_in (conv), k·k (depthwise), d_in (dense). */
export function fanIn(spec: LayerSpec): number {
  const [k0, k1, cin] = spec.weightShape;
  if (spec.kind === 'dense') return spec.weightShape[0]!;
  if (spec.kind === 'depthwise') return k0! * k1!;
  return k0! * k1! * cin!;
}

/**
 * Bits per digit of the codes so that each digit's op is exact in float32; `codeBits` when the
 * codes need no split.
 */
export function digitBits(fan: number, weightMaxAbs: number, codeBits: number): number {
  let d = codeBits;
  while (d > 0 && fan * (2 ** d - 1) * Math.max(weightMaxAbs, 1) >= FLOAT32_EXACT) d--;
  if (d === 0)
    throw new Error(`a fan-in of ${fan} with weights up to ${weightMaxAbs} overflows float32 sums`);
  return d;
}

function opOf(spec: LayerSpec, x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  return layerKindDef(spec.kind).op(x, w, false, selectOps(), tf);
}

/**
 * acc = op(x − z, w) exactly, for integer codes x ∈ [0, 2^codeBits − 1] (float-valued, the op's
 * input shape) and integer weights w with |w| ≤ weightMaxAbs (float-valued, the weight shape).
 */
export function exactIntOp(
  spec: LayerSpec,
  x: tf.Tensor,
  w: tf.Tensor,
  zero: number,
  codeBits: number,
  weightMaxAbs: number,
): IntAccumulator {
  const d = digitBits(fanIn(spec), weightMaxAbs, codeBits);
  const parts: { factor: number; data: Float32Array }[] = [];
  let shape: number[] = [];
  const run = (input: tf.Tensor, factor: number) => {
    const y = opOf(spec, input, w);
    shape = y.shape;
    parts.push({ factor, data: y.dataSync() as Float32Array });
    y.dispose();
  };
  for (let k = 0; k * d < codeBits; k++) {
    const digit = tf.tidy(() =>
      d >= codeBits ? x.clone() : tf.mod(tf.floor(tf.div(x, 2 ** (d * k))), 2 ** d),
    );
    run(digit, 2 ** (d * k));
    digit.dispose();
  }
  if (zero !== 0) {
    const ones = tf.onesLike(x);
    run(ones, -zero);
    ones.dispose();
  }
  const values = new Float64Array(parts[0]!.data.length);
  for (const { factor, data } of parts)
    for (let i = 0; i < values.length; i++) values[i]! += factor * data[i]!;
  return { values, shape };
}
