/**
 * Native integer training (`train.nativeInt`, docs/integer.md §7): the layer's op runs on the
 * integer codes, as the integer-only model's does, instead of on their float values.
 *
 * Forward, per layer with per-tensor input scale s_x and weight scales s_w,c:
 *
 *   v = round(x̂/s_x) = x_int − z_x,   w = round(ŵ/s_w) = w_int − z_w      the codes, recovered exactly
 *   acc = op(v, w)                                                       exact, int32 (../deploy/intOps.ts)
 *   y_c = s_x·s_w,c·acc_c                                                rescaled to float
 *
 * acc is computed from v's base-2^d digits so that every float32 partial sum stays below 2^24: with
 * u = v − (qmin − z_x) ∈ [0, qmax − qmin], acc = Σ_k 2^(d·k)·op(u_k, w) + (qmin − z_x)·op(1, w), the
 * digits' results combined in int32; with one digit (the common case) all in float32, exact there.
 * op(1, w) runs on one sample and broadcasts; 'same' padding pads u and the ones with 0, which
 * together are v = 0, i.e. x̂ = 0.
 *
 * Backward: the fake-quant op's gradient, ∂op(x̂, ŵ)/∂x̂ and ∂/∂ŵ at the same x̂ and ŵ, then each
 * quantizer's estimator as in fake-quant training. The layer kind's float op y_f = op(x̂, ŵ) runs
 * too, on the tape; a customGrad returns the integer y in its place and hands dy to y_f unchanged
 * (tfjs cannot take a gradient inside a gradient function, so the float op cannot wait for the
 * backward pass). So native-int training differs from fake-quant training only in the forward's
 * rounding: y = s_x·s_w·acc is rounded once, op(x̂, ŵ) once per partial sum.
 *
 * The scales are read with Quantizer.codeParams after apply(): the ones apply used for every range
 * estimator except `hindsight` (which quantizes with the range before this batch's update), which
 * the schema refuses with `nativeInt`. Layers with no integer form keep the float op: float layers
 * (32 bits) and per-channel activation quantizers.
 */
import * as tf from '@tensorflow/tfjs';
import { digitBits, fanIn } from '../deploy/intOps';
import type { OpSet } from '../tensor/backend';
import type { ModelLayer } from './build';

type Save = (tensors: tf.Tensor[]) => void;

/** Whether the layer has an integer form (a grid on both sides). */
export function nativeIntServes(layer: ModelLayer): boolean {
  const { act, weight } = layer.quantizers;
  return act.grid.bits <= 16 && weight.grid.bits <= 16 && !!act.codeParams && !!weight.codeParams;
}

/** The integer-code layout of one layer, fixed by its grids and shapes. */
interface IntPlan {
  /** Input codes' lowest value on the grid. */
  qmin: number;
  /** Bits of u = x_int − qmin. */
  codeBits: number;
  /** Bits per digit of u. */
  digit: number;
}

function planOf(layer: ModelLayer): IntPlan {
  const a = layer.quantizers.act.grid;
  const w = layer.quantizers.weight.grid;
  const codeBits = Math.ceil(Math.log2(a.qmax - a.qmin + 1));
  // |w_int − z_w| ≤ qmax − qmin with a zero point; max(|qmin|, qmax) without (z_w = 0).
  const weightMaxAbs = Math.max(Math.abs(w.qmin), Math.abs(w.qmax));
  const weightSpan = w.qmax - w.qmin;
  const wMax = w.qmin < 0 ? weightMaxAbs : weightSpan;
  return {
    qmin: a.qmin,
    codeBits,
    digit: digitBits(fanIn(layer.spec), wMax, codeBits),
  };
}

/** Shape that broadcasts a [C] vector along `axis` of a rank-`rank` tensor. */
function along(rank: number, axis: number | null, channels: number): number[] {
  return Array.from({ length: rank }, (_, i) => (i === axis ? channels : 1));
}

/**
 * acc = op(v, w) exactly, for v = u + (qmin − z) (see the header), as float32. Without a digit
 * split every partial sum, the zero-point term and acc itself stay below 2^24 (|v| ≤ qmax − qmin):
 * float32 holds them exactly. With one, the digits' results are combined in int32 and acc is
 * rounded once, to float32, as the rescale would round it anyway.
 */
function integerAcc(
  layer: ModelLayer,
  u: tf.Tensor,
  wInt: tf.Tensor,
  offset: tf.Scalar,
  plan: IntPlan,
  ops: OpSet,
): tf.Tensor {
  const op = (x: tf.Tensor) => layer.def.op(x, wInt, false, ops, tf);
  const zeroTerm = tf.mul(op(tf.ones([1, ...u.shape.slice(1)])), offset);
  const { digit, codeBits } = plan;
  if (digit >= codeBits) return tf.add(op(u), zeroTerm);
  let acc = tf.cast(zeroTerm, 'int32');
  for (let k = 0; k * digit < codeBits; k++) {
    const part = tf.cast(op(tf.mod(tf.floor(tf.div(u, 2 ** (digit * k))), 2 ** digit)), 'int32');
    acc = tf.add(acc, k === 0 ? part : tf.mul(part, tf.scalar(2 ** (digit * k), 'int32')));
  }
  return tf.cast(acc, 'float32');
}

/**
 * The layer's op on x̂ = Q_act(x) and ŵ = Q_w(w) computed on their integer codes (see the header).
 * `x` is the input the activation quantizer was applied to (its scale is read for it). Call
 * inside the training step's tidy, after both quantizers' apply.
 */
export function nativeIntOp(
  layer: ModelLayer,
  x: tf.Tensor,
  xq: tf.Tensor,
  wq: tf.Tensor,
  inputGrad: boolean,
  ops: OpSet,
): tf.Tensor {
  const { act, weight } = layer.quantizers;
  const pa = act.codeParams!(x);
  const pw = weight.codeParams!(layer.weight);
  if (pa.axis !== null) {
    tf.dispose([pa.scale, pa.zeroPoint, pw.scale, pw.zeroPoint]);
    return layer.def.op(xq, wq, inputGrad, ops, tf);
  }
  const channels = pw.scale.shape[0];
  const sx = tf.reshape(pa.scale, []);
  const zx = tf.reshape(pa.zeroPoint, []);
  const sw = tf.reshape(pw.scale, along(wq.rank, pw.axis, channels));
  // The output's channels are its last axis for every kind (depthwise: C, weight axis 2).
  const outScale = tf.mul(sx, tf.reshape(pw.scale, [channels]));
  const plan = planOf(layer);
  // The float op on the tape: the backward pass's route to x̂ and ŵ (fake quantization's gradient).
  const yFloat = layer.def.op(xq, wq, inputGrad, ops, tf);
  // Ops inside a customGrad's forward are not taped: the integer op costs no backward work.
  const run = tf.customGrad(((_: tf.Tensor, save: Save) => {
    save([]);
    const value = tf.tidy(() => {
      const v = tf.round(tf.div(xq, sx));
      const wInt = tf.round(tf.div(wq, sw));
      // u = x_int − qmin = v − (qmin − z_x) ∈ [0, qmax − qmin].
      const offset = tf.sub(plan.qmin, zx) as tf.Scalar;
      const u = tf.sub(v, offset);
      const acc = integerAcc(layer, u, wInt, offset, plan, ops);
      return tf.mul(acc, outScale);
    });
    return { value, gradFunc: (dy: tf.Tensor) => [dy] };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return run(yFloat);
}
