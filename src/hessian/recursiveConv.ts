/**
 * Convolutions whose forward pass is the native kernel and whose gradients are again such
 * convolutions, so a second backward pass never meets the kernels tfjs cannot differentiate
 * (`Conv2DBackpropFilter`, `DepthwiseConv2dNativeBackpropFilter`; docs/hessian.md §2).
 *
 * `convPadded(x, w, pads)` is a stride-1 conv with explicit padding [top, bottom, left, right]:
 *
 * ```
 * y[n, a, b, o]  = Σ_i,j,c xpad[n, a + i, b + j, c] · w[i, j, c, o]
 * dx             = convPadded(dy, flip(w) with in/out swapped, [kh−1−top, kh−1−bottom, kw−1−left, kw−1−right])
 * dW (as [C, kh, kw, O]) = convPadded(x as [C, H, W, N], dy as [Ho, Wo, N, O], pads)
 * ```
 *
 * Both gradients are `convPadded` calls (customGrads) plus transposes and reverses, so the ops a
 * first backward pass records on an outer tape have gradients of the same form: recursion, never
 * a backprop kernel. These are the training path's `ft2` formulas (src/tensor/ops.ts) closed under
 * differentiation. The depthwise conv does the same with the batch folded into the channels for
 * dW. A negative padding (never met by the lab's 'same' layers and their gradients) is a crop.
 */
import * as tf from '@tensorflow/tfjs';

/** Explicit padding [top, bottom, left, right]. */
export type Pads = readonly [number, number, number, number];

type Save = (tensors: tf.Tensor[]) => void;

/** tfjs's explicit padding, per NHWC axis. */
type Explicit = [[number, number], [number, number], [number, number], [number, number]];

/** x cropped where a padding is negative, and the paddings that remain (all ≥ 0). */
function cropNegative(x: tf.Tensor4D, pads: Pads): [tf.Tensor4D, Explicit] {
  const [t, b, l, r] = pads;
  const explicit: Explicit = [
    [0, 0],
    [Math.max(0, t), Math.max(0, b)],
    [Math.max(0, l), Math.max(0, r)],
    [0, 0],
  ];
  if (t >= 0 && b >= 0 && l >= 0 && r >= 0) return [x, explicit];
  const [n, h, w, c] = x.shape;
  const [ct, cb, cl, cr] = pads.map((p) => Math.max(0, -p));
  return [tf.slice(x, [0, ct, cl, 0], [n, h - ct - cb, w - cl - cr, c]), explicit];
}

/** Paddings of the input gradient of a conv with kernel kh×kw and paddings `pads`. */
function transposedPads(kh: number, kw: number, [t, b, l, r]: Pads): Pads {
  return [kh - 1 - t, kh - 1 - b, kw - 1 - l, kw - 1 - r];
}

/** A padded op over (x, w); `inputGrad` false: x is data, its gradient is zeros (not computed). */
type PaddedOp = (x: tf.Tensor4D, w: tf.Tensor4D, pads: Pads, inputGrad?: boolean) => tf.Tensor4D;

/** One customGrad per padding and input-gradient flag (a handful), built on first use. */
function perPads(
  build: (pads: Pads, inputGrad: boolean) => (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D,
): PaddedOp {
  const cache = new Map<string, (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D>();
  return (x, w, pads, inputGrad = true) => {
    const key = `${pads.join(',')}/${inputGrad}`;
    let op = cache.get(key);
    if (!op) {
      op = build(pads, inputGrad);
      cache.set(key, op);
    }
    return op(x, w);
  };
}

/** A customGrad over (x, w) whose forward is `forward` and whose gradients are `grads`. */
function twoInputOp(
  forward: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D,
  grads: (dy: tf.Tensor4D, x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D[],
): (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D {
  const op = tf.customGrad(((x: tf.Tensor4D, w: tf.Tensor4D, save: Save) => {
    // Inputs, not outputs: tfjs links saved inputs to an outer tape (docs/hessian.md §2).
    save([x, w]);
    return {
      value: forward(x, w),
      gradFunc: (dy: tf.Tensor, [x0, w0]: tf.Tensor[]) =>
        grads(dy as tf.Tensor4D, x0 as tf.Tensor4D, w0 as tf.Tensor4D),
    };
  }) as unknown as Parameters<typeof tf.customGrad<tf.Tensor4D>>[0]);
  return (x, w) => op(x, w) as tf.Tensor4D;
}

/** w flipped spatially with its in/out channels swapped: the kernel of a conv's input gradient. */
function flipKernel(w: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]);
}

/** Stride-1 conv with explicit paddings: x [N, H, W, C], w [kh, kw, C, O]; twice differentiable. */
export const convPadded: PaddedOp = perPads((pads, inputGrad) =>
  twoInputOp(
    (x, w) => {
      const [xc, explicit] = cropNegative(x, pads);
      return tf.conv2d(xc, w, 1, explicit);
    },
    (dy, x, w) => {
      const [kh, kw] = w.shape;
      const dx = inputGrad ? convPadded(dy, flipKernel(w), transposedPads(kh, kw, pads)) : tf.zerosLike(x);
      return [dx, convFilterGrad(x, dy, pads, inputGrad)];
    },
  ),
);

/**
 * The filter gradient of {@link convPadded}: x [N, H, W, C] and dy [N, Ho, Wo, O] → dW [kh, kw, C, O],
 * dW[i, j, c, o] = Σ_n,a,b xpad[n, a + i, b + j, c] · dy[n, a, b, o], computed as a conv with the
 * batch as the reduction channel (x as [C, H, W, N] by dy as [Ho, Wo, N, O]). It is its own
 * customGrad because its gradients are cheap as small-kernel convs over the batch — for g = ∂/∂dW,
 * ∂/∂dy = convPadded(x, g) and ∂/∂x = convPadded(dy, flip(g)) — where differentiating the
 * batch-as-channel conv would convolve by an H×W kernel (20× the MACs on the CNN's conv2).
 */
export const convFilterGrad: PaddedOp = perPads((pads, inputGrad) =>
  twoInputOp(
    (x, dy) => {
      const [xc, explicit] = cropNegative(tf.transpose(x, [3, 1, 2, 0]), pads);
      return tf.transpose(tf.conv2d(xc, tf.transpose(dy, [1, 2, 0, 3]), 1, explicit), [1, 2, 0, 3]);
    },
    (g, x, dy) => {
      const [kh, kw] = g.shape;
      const dx = inputGrad ? convPadded(dy, flipKernel(g), transposedPads(kh, kw, pads)) : tf.zerosLike(x);
      return [dx, convPadded(x, g, pads, inputGrad)];
    },
  ),
);

/** Stride-1 depthwise conv with explicit paddings: x [N, H, W, C], w [kh, kw, C, 1]; twice differentiable. */
export const depthwisePadded: PaddedOp = perPads((pads, inputGrad) =>
  twoInputOp(
    (x, w) => {
      const [xc, explicit] = cropNegative(x, pads);
      return tf.depthwiseConv2d(xc, w, 1, explicit);
    },
    (dy, x, w) => {
      const [kh, kw] = w.shape;
      const dx = inputGrad
        ? depthwisePadded(dy, tf.reverse(w, [0, 1]), transposedPads(kh, kw, pads))
        : tf.zerosLike(x);
      return [dx, depthwiseFilterGrad(x, dy, pads, inputGrad)];
    },
  ),
);

/**
 * The filter gradient of {@link depthwisePadded}: x [N, H, W, C], dy [N, Ho, Wo, C] → dW [kh, kw, C, 1].
 * The batch folds into the channels: x as [1, H, W, N·C] by dy as a filter [Ho, Wo, N·C, 1] gives
 * [1, kh, kw, N·C], summed over n. Its gradients, as for {@link convFilterGrad}, are small-kernel
 * depthwise convs over the batch: for g = ∂/∂dW, ∂/∂dy = depthwisePadded(x, g), ∂/∂x =
 * depthwisePadded(dy, flip(g)).
 */
export const depthwiseFilterGrad: PaddedOp = perPads((pads, inputGrad) =>
  twoInputOp(
    (x, dy) => {
      const [n, h, wd, c] = x.shape;
      const [, ho, wo] = dy.shape;
      const [t, b, l, r] = pads;
      const xs = tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [1, h, wd, n * c]) as tf.Tensor4D;
      const filter = tf.reshape(tf.transpose(dy, [1, 2, 0, 3]), [ho, wo, n * c, 1]) as tf.Tensor4D;
      const [xc, explicit] = cropNegative(xs, pads);
      const kh = h + t + b - ho + 1;
      const kw = wd + l + r - wo + 1;
      const perSample = tf.reshape(tf.depthwiseConv2d(xc, filter, 1, explicit), [kh, kw, n, c]);
      return tf.reshape(tf.sum(perSample, 2), [kh, kw, c, 1]);
    },
    (g, x, dy) => {
      const [kh, kw] = g.shape;
      const dx = inputGrad
        ? depthwisePadded(dy, tf.reverse(g, [0, 1]), transposedPads(kh, kw, pads))
        : tf.zerosLike(x);
      return [dx, depthwisePadded(x, g, pads, inputGrad)];
    },
  ),
);

/** 'same' paddings of an odd k×k kernel. */
export function samePads(k: number): Pads {
  if (k % 2 !== 1) throw new Error(`'same' padding needs an odd kernel, got ${k}`);
  const p = (k - 1) / 2;
  return [p, p, p, p];
}
