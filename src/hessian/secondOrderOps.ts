/**
 * Layer ops whose gradients are themselves differentiable, for Hessian-vector products by double
 * backprop (docs/hessian.md §2). tfjs 4 registers no gradient for the kernels its conv, depthwise
 * and max-pool gradients call (`Conv2DBackpropFilter`, `DepthwiseConv2dNativeBackpropFilter`,
 * `MaxPoolGrad`; the first two are not even wasm kernels), so a second backward pass through the
 * stock ops throws. These compose the same results from ops whose gradients are differentiable:
 *
 * | op                  | SECOND_ORDER_OPS                                        | TAP_SECOND_ORDER_OPS (reference)         |
 * | ------------------- | ------------------------------------------------------- | ---------------------------------------- |
 * | k×k conv, 'same'    | native Conv2D, recursive customGrads (./recursiveConv)  | Σ over the k² shifted inputs of tap · w  |
 * | depthwise, 'same'   | native depthwise, recursive customGrads                 | Σ over the k² taps of tap × w[i, j, :]   |
 * | 2×2 max pool        | customGrad: dy broadcast over the window × arg-max mask | customGrad: upsample(dy) (MatMul) × mask |
 * | dense               | stock matMul                                            | stock matMul                             |
 *
 * The max-pool mask is computed in the forward pass (a constant to the tape: the max is piecewise
 * linear, so its second derivative is zero almost everywhere); ties share the gradient equally,
 * where tfjs's own gradient picks one (they differ only at exact ties, which follow a ReLU's zeros,
 * where the ReLU's gradient is zero anyway). Slower than the training ops; used only by src/hessian.
 */
import * as tf from '@tensorflow/tfjs';
import type { OpSet } from '../tensor/backend';
import { convPadded, depthwisePadded, samePads } from './recursiveConv';

/**
 * A 0/1 matrix [B, rows, cols], the same for every b, with a one at (r, colOf(r)) where that is in
 * range: matMul(it, x [B, cols, R]) picks row colOf(r) of x for row r (zero when out of range).
 * Batched rather than broadcast: wasm's broadcasting matMul is about 3× slower. A constant: not on
 * the tape.
 */
function selectRows(batch: number, rows: number, cols: number, colOf: (r: number) => number): tf.Tensor3D {
  const one = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r += 1) {
    const c = colOf(r);
    if (c >= 0 && c < cols) one[r * cols + c] = 1;
  }
  const values = new Float32Array(batch * one.length);
  for (let b = 0; b < batch; b += 1) values.set(one, b * one.length);
  return tf.tensor3d(values, [batch, rows, cols]);
}

/** S with S[l, l + d] = 1: shifts by d along L, zero-filled ('same' padding without a pad op). */
function shiftMatrix(batch: number, length: number, d: number): tf.Tensor3D {
  return selectRows(batch, length, length, (l) => l + d);
}

/**
 * The k² taps of a stride-1 'same' window over x [N, H, W, C]: tap (i, j) is x shifted by
 * (i − p, j − p), each [N·H·W, C], in w's row-major (i, j) order. Shifts are batched matMuls with
 * 0/1 matrices: wasm runs them natively, where slices and concat run in JavaScript.
 */
function windowTaps(x: tf.Tensor4D, k: number): tf.Tensor2D[] {
  const [n, h, w, c] = x.shape;
  const p = (k - 1) / 2;
  const taps: tf.Tensor2D[] = [];
  for (let i = 0; i < k; i += 1) {
    const rows = i === p ? x : tf.matMul(shiftMatrix(n, h, i - p), tf.reshape(x, [n, h, w * c]));
    const byCol = tf.reshape(rows, [n * h, w, c]);
    for (let j = 0; j < k; j += 1) {
      const tap = j === p ? byCol : tf.matMul(shiftMatrix(n * h, w, j - p), byCol);
      taps.push(tf.reshape(tap, [n * h * w, c]));
    }
  }
  return taps;
}

/** Stride-1 'same' conv: x [N, H, W, C], w [k, k, C, O] (k odd) → [N, H, W, O]; Σ over taps of tap·w[i, j]. */
export function conv2dSecondOrder(x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  const [n, h, wd, c] = x.shape;
  const [k, , , o] = w.shape;
  const taps = tf.reshape(w, [k * k, c, o]);
  // Slices, not unstack: Unpack's gradient breaks when a second backward pass leaves an output unused.
  const weight = (t: number) => tf.reshape(tf.slice(taps, [t, 0, 0], [1, c, o]), [c, o]);
  const terms = windowTaps(x, k).map((tap, t) => tf.matMul(tap, weight(t)));
  return tf.reshape(terms.length === 1 ? terms[0] : tf.addN(terms), [n, h, wd, o]);
}

/** Stride-1 'same' depthwise conv: x [N, H, W, C], w [k, k, C, 1] → [N, H, W, C]. */
export function depthwiseSecondOrder(x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  const [n, h, wd, c] = x.shape;
  const k = w.shape[0];
  const taps = tf.reshape(w, [k * k, c]);
  const terms = windowTaps(x, k).map((tap, t) => tf.mul(tap, tf.slice(taps, [t, 0], [1, c])));
  return tf.reshape(tf.addN(terms), [n, h, wd, c]);
}

/**
 * Each value of x [N, h, w, C] repeated over a 2×2 block: [N, 2h, 2w, C], by two batched matMuls
 * with row-repeating matrices (tfjs's ResizeNearestNeighbor gradient is wrong on cpu for batches of more
 * than one image, and its Tile gradient stops at rank 4).
 */
function upsample2(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const half = (r: number) => Math.floor(r / 2);
  const rows = tf.matMul(selectRows(n, 2 * h, h, half), tf.reshape(x, [n, h, w * c]));
  const cols = tf.matMul(selectRows(n * 2 * h, 2 * w, w, half), tf.reshape(rows, [n * 2 * h, w, c]));
  return tf.reshape(cols, [n, 2 * h, 2 * w, c]);
}

/** 2×2 stride-2 max pooling of an even-sized x, with a gradient that is linear in dy (upsampled by matMul). */
const maxPoolUpsampled = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x4, save] = args as [tf.Tensor4D, tf.GradSaveFunc];
  const [n, h, w, c] = x4.shape;
  const y = tf.maxPool(x4, 2, 2, 'valid');
  const hits = tf.cast(tf.equal(x4, upsample2(y)), 'float32') as tf.Tensor4D;
  const perWindow = tf.sum(tf.reshape(hits, [n, h / 2, 2, w / 2, 2, c]), [2, 4]) as tf.Tensor4D;
  save([tf.div(hits, upsample2(perWindow))]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, [mask]: tf.Tensor[]) => tf.mul(upsample2(dy as tf.Tensor4D), mask),
  };
});

/**
 * 2×2 stride-2 max pooling of an even-sized x, with a gradient that is linear in dy: x viewed as
 * [N·h, 2, w, 2, C] (a free reshape), so dy [N·h, 1, w, 1, C] broadcasts over each window. The
 * mask (1/ties at a window's max, `1 − step(y − x)`: no Equal kernel) is a forward-pass constant.
 * The gradient's own gradient is a broadcasting multiply and a sum over the window.
 */
const maxPoolBroadcast = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x4, save] = args as [tf.Tensor4D, tf.GradSaveFunc];
  const [n, h, w, c] = x4.shape;
  const y = tf.maxPool(x4, 2, 2, 'valid');
  const windows = [n * (h / 2), 2, w / 2, 2, c];
  const perWindow = [n * (h / 2), 1, w / 2, 1, c];
  const hits = tf.sub(1, tf.step(tf.sub(tf.reshape(y, perWindow), tf.reshape(x4, windows))));
  save([tf.div(hits, tf.sum(hits, [1, 3], true))]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, [mask]: tf.Tensor[]) =>
      tf.reshape(tf.mul(tf.reshape(dy, perWindow), mask), [n, h, w, c]),
  };
});

/** 2×2 stride-2 'valid' max pooling through `even` (which takes an even-sized x). */
function maxPool2Via(even: (x: tf.Tensor4D) => tf.Tensor): (x: tf.Tensor4D) => tf.Tensor4D {
  return (x) => {
    const [n, h, w, c] = x.shape;
    const cropped = h % 2 || w % 2 ? tf.slice(x, [0, 0, 0, 0], [n, h - (h % 2), w - (w % 2), c]) : x;
    return even(cropped) as tf.Tensor4D;
  };
}

/** 2×2 stride-2 'valid' max pooling: x [N, H, W, C] → [N, ⌊H/2⌋, ⌊W/2⌋, C]. */
export const maxPool2SecondOrder = maxPool2Via(maxPoolBroadcast as (x: tf.Tensor4D) => tf.Tensor);

/**
 * The op set of the float model's Hessian: every layer kind's op runs through it unchanged
 * (`def.op(x, w, inputGrad, SECOND_ORDER_OPS, tf)`, inputGrad false for the first layer: its input is data). Convolutions are the native kernels with
 * recursive customGrads (./recursiveConv.ts). BN is the evaluation-mode composition of
 * src/models/batchnorm.ts (elementwise ops: differentiable twice), so `batchNorm` is 'stock'.
 */
export const SECOND_ORDER_OPS: OpSet = {
  kind: 'secondOrder',
  matMul: (a, b) => tf.matMul(a, b),
  conv2d: (x, w, inputGrad) => convPadded(x, w, samePads(w.shape[0]), inputGrad),
  depthwiseConv2d: (x, w, inputGrad) => depthwisePadded(x, w, samePads(w.shape[0]), inputGrad),
  maxPool2: maxPool2SecondOrder,
  batchNorm: 'stock',
};

/**
 * The first implementation: convolutions as sums over shifted taps, max pooling's gradient
 * upsampled by matMul. Slower (docs/hessian.md §2); the reference the recursive convolutions and
 * the broadcasting max pool are tested and benchmarked against.
 */
export const TAP_SECOND_ORDER_OPS: OpSet = {
  ...SECOND_ORDER_OPS,
  conv2d: (x, w) => conv2dSecondOrder(x, w),
  depthwiseConv2d: (x, w) => depthwiseSecondOrder(x, w),
  maxPool2: maxPool2Via(maxPoolUpsampled as (x: tf.Tensor4D) => tf.Tensor),
};
