/**
 * Layer ops with hand-written gradients that make training possible and fast on tfjs-wasm 4.22
 * (docs/performance.md §3, §5): wasm has no Conv2DBackpropFilter nor depthwise backprop kernels, and its
 * transposed-matmul paths run 10–19× slower than a plain A@B. Each op here only uses kernels that
 * wasm has, and each is gradient-checked against the stock op (tests/unit/train/ops.test.ts).
 * Which implementation a model uses is chosen per backend in ./backend.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { convFilterGradAvailable, convFilterGradC1 } from './kernels/convFilterGrad';
import { maxPool2GradFromSel, maxPool2KernelAvailable, maxPool2WithSel } from './kernels/maxPool2';

type SavedGrad = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
type Save = (tensors: tf.Tensor[]) => void;

/** Wraps a forward/backward pair as a tfjs customGrad over `n` inputs (typing glue only). */
function withGrad<T extends tf.Tensor>(forward: (inputs: tf.Tensor[]) => T, backward: SavedGrad) {
  const op = tf.customGrad(((...args: (tf.Tensor | Save)[]) => {
    const save = args[args.length - 1] as Save;
    const inputs = args.slice(0, -1) as tf.Tensor[];
    save(inputs);
    return { value: forward(inputs), gradFunc: backward };
  }) as unknown as Parameters<typeof tf.customGrad<T>>[0]);
  return (...inputs: tf.Tensor[]): T => op(...inputs) as T;
}

/**
 * a @ b for a [m, k], b [k, n] → [m, n]. Backward: dA = dy @ bᵀ, dB = aᵀ @ dy with explicit
 * transposes, because wasm's transposeA/transposeB matmul paths are slow (6.3× on the MLP).
 * Bit-identical gradients to tf.matMul on the cpu backend.
 */
export const matMulFast = withGrad<tf.Tensor2D>(
  ([a, b]) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
  (dy, [a, b]) => [
    tf.matMul(dy as tf.Tensor2D, tf.transpose(b as tf.Tensor2D)),
    tf.matMul(tf.transpose(a as tf.Tensor2D), dy as tf.Tensor2D),
  ],
);

/** {@link matMulFast} whose dA is zeros: for a first layer, whose input a is data. */
export const matMulFastNoInputGrad = withGrad<tf.Tensor2D>(
  ([a, b]) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
  (dy, [a]) => [tf.zerosLike(a), tf.matMul(tf.transpose(a as tf.Tensor2D), dy as tf.Tensor2D)],
);

/** 'same' padding of an odd kernel k: p = (k − 1)/2 on each side. */
function samePad(kernel: number): number {
  if (kernel % 2 !== 1) throw new Error(`'same' conv workaround needs an odd kernel, got ${kernel}`);
  return (kernel - 1) / 2;
}

/**
 * Whether conv2dFt2 may use the first-layer weight-gradient kernel where it applies. Off only to
 * compare it with the Conv2D route (tests, benchmarks).
 */
export const CONV_KERNELS = { enabled: true };

function ft2Backward(inputGrad: boolean): SavedGrad {
  return (dy, [x, w]) => {
    const x4 = x as tf.Tensor4D;
    const w4 = w as tf.Tensor4D;
    const dy4 = dy as tf.Tensor4D;
    const p = samePad(w4.shape[0]);
    // dx: correlation of dy with the spatially flipped kernel, in/out channels swapped.
    const dx = inputGrad
      ? tf.conv2d(dy4, tf.transpose(tf.reverse(w4, [0, 1]), [0, 1, 3, 2]), 1, 'same')
      : tf.zerosLike(x4);
    // dW[i,j,ci,co] = Σ_n,h,w xpad[n,h+i,w+j,ci]·dy[n,h,w,co]. One input channel (the image),
    // 3×3: our own wasm kernel, one pass (kernels/convFilterGrad.ts).
    if (CONV_KERNELS.enabled && convFilterGradAvailable(x4.shape, w4.shape))
      return [dx, convFilterGradC1(x4, dy4)];
    // Otherwise a conv with the batch as the reduction channel — x as [Ci, H, W, N] convolved by
    // dy as [H, W, N, Co] gives [Ci, k, k, Co].
    const dwT = tf.conv2d(tf.transpose(x4, [3, 1, 2, 0]), tf.transpose(dy4, [1, 2, 0, 3]), 1, [
      [0, 0],
      [p, p],
      [p, p],
      [0, 0],
    ]);
    return [dx, tf.transpose(dwT, [1, 2, 0, 3])];
  };
}

const ft2WithInputGrad = withGrad<tf.Tensor4D>(
  ([x, w]) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'),
  ft2Backward(true),
);
const ft2NoInputGrad = withGrad<tf.Tensor4D>(
  ([x, w]) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'),
  ft2Backward(false),
);

/**
 * conv2d, stride 1, 'same', odd square kernel: x [N, H, W, Ci], w [k, k, Ci, Co] → [N, H, W, Co].
 * `ft2` (docs/performance.md §3): both gradients are plain Conv2D calls (the only conv kernel wasm has).
 * `inputGrad: false` skips dx (returns zeros) for a layer whose input is data.
 */
export function conv2dFt2(x: tf.Tensor4D, w: tf.Tensor4D, inputGrad = true): tf.Tensor4D {
  return inputGrad ? ft2WithInputGrad(x, w) : ft2NoInputGrad(x, w);
}

function depthwiseBackward(inputGrad: boolean): SavedGrad {
  return (dy, [x, w]) => {
    const x4 = x as tf.Tensor4D;
    const w4 = w as tf.Tensor4D;
    const dy4 = dy as tf.Tensor4D;
    const k = w4.shape[0];
    const p = samePad(k);
    const [, h, wd, c] = x4.shape;
    const dx = inputGrad ? tf.depthwiseConv2d(dy4, tf.reverse(w4, [0, 1]), 1, 'same') : tf.zerosLike(x4);
    // dW[i,j,c] = Σ_n,h,w xpad[n,h+i,w+j,c]·dy[n,h,w,c]. With every (n, c) pair as its own channel
    // this is one 'valid' depthwise conv of xpad [1, H+2p, W+2p, N·C] by dy as a filter
    // [H, W, N·C, 1], giving [1, k, k, N·C]; summing over n leaves [k, k, C].
    const [n] = x4.shape;
    const xpad = tf.pad(x4, [
      [0, 0],
      [p, p],
      [p, p],
      [0, 0],
    ]);
    const xs = tf.reshape(tf.transpose(xpad, [1, 2, 0, 3]), [1, h + 2 * p, wd + 2 * p, n * c]) as tf.Tensor4D;
    const filter = tf.reshape(tf.transpose(dy4, [1, 2, 0, 3]), [h, wd, n * c, 1]) as tf.Tensor4D;
    const perSample = tf.reshape(tf.depthwiseConv2d(xs, filter, 1, 'valid'), [k, k, n, c]);
    return [dx, tf.reshape(tf.sum(perSample, 2), [k, k, c, 1])];
  };
}

const dwWithInputGrad = withGrad<tf.Tensor4D>(
  ([x, w]) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'),
  depthwiseBackward(true),
);
const dwNoInputGrad = withGrad<tf.Tensor4D>(
  ([x, w]) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'),
  depthwiseBackward(false),
);

/**
 * Depthwise conv, stride 1, 'same', channel multiplier 1: x [N, H, W, C], w [k, k, C, 1] →
 * [N, H, W, C]. wasm has no DepthwiseConv2dNativeBackprop{Input,Filter}: dx is a depthwise conv
 * with the flipped kernel, dW a depthwise conv of the input by the output gradient.
 */
export function depthwiseConv2dFt(x: tf.Tensor4D, w: tf.Tensor4D, inputGrad = true): tf.Tensor4D {
  return inputGrad ? dwWithInputGrad(x, w) : dwNoInputGrad(x, w);
}

/**
 * 1×1 conv as a matmul: x [N, H, W, Ci], w [1, 1, Ci, Co] → [N, H, W, Co]. Exact; routes the
 * gradient through `matMul` (pass matMulFast on wasm) instead of the missing conv backprop kernel.
 */
export function pointwiseConv(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  matMul: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D,
): tf.Tensor4D {
  const [n, h, wd, ci] = x.shape;
  const co = w.shape[3];
  const y = matMul(tf.reshape(x, [n * h * wd, ci]), tf.reshape(w, [ci, co]));
  return tf.reshape(y, [n, h, wd, co]);
}

/**
 * 2×2 stride-2 'valid' max pooling whose gradient avoids tfjs-wasm's MaxPoolGrad, which took 8.7 ms
 * per call on the CNN at batch 64 (29% of the W4A4 step; `bench/profile.ts cnn w4a4`), is wrong
 * for windows whose values are all negative (it routes their gradient to the first entry) and
 * breaks ties differently from the cpu backend (first max, row-major), which this op follows. The
 * forward pass is the stock MaxPool. The backward pass views x [N, 2h, 2w, C] as [N·h, 2, w, 2, C]
 * (a free reshape) so y and dy broadcast over each window, and uses only ops wasm runs fast
 * (broadcasting sub/mul, step, and the MaxPool forward kernel):
 *
 * ```
 * isMax = 1 − step(y − x)                       1 at every entry equal to its window's max
 * prio  = isMax · [[8, 4], [2, 1]]              by corner, row-major
 * first = 1 − step(maxPool(prio) − prio)        1 only at the first max: MaxPoolGrad's tie rule
 * dx    = first · dy                            (a trailing odd row/column gets 0)
 * ```
 * `y − x > 0` iff `y > x` for floats (gradual underflow), so no Equal kernel (slow on wasm) is needed.
 *
 * On wasm with C % 4 = 0 (and H, W ≥ 2) both passes are instead Quant Lab's own WebAssembly SIMD
 * kernels (src/tensor/kernels/maxPool2.ts): the forward writes y and, per window, the index of the
 * entry that takes the gradient (int32 `sel`, the only tensor saved); the backward writes dy there
 * and 0 elsewhere. Their value and gradient are exactly the cpu backend's MaxPool/MaxPoolGrad, also
 * for NaN and −∞ inputs (where the op path above gives NaN gradients).
 * Both paths are checked against the cpu backend's stock gradient, ties included
 * (tests/unit/perf/maxPool.test.ts).
 */
export const maxPool2Fast = (() => {
  const op = tf.customGrad(((x: tf.Tensor4D, save: Save) => {
    if (maxPool2KernelAvailable(x.shape)) {
      const { y, sel } = maxPool2WithSel(x);
      save([sel]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor4D, [s]: tf.Tensor[]) => [maxPool2GradFromSel(s as tf.Tensor4D, dy, x.shape)],
      };
    }
    const y = tf.maxPool(x, 2, 2, 'valid');
    save([x, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor4D, [x0, y0]: tf.Tensor[]) => {
        const [n, hIn, wIn, c] = x0.shape;
        const [, h, w] = y0.shape;
        const even = hIn === 2 * h && wIn === 2 * w ? x0 : tf.slice(x0, [0, 0, 0, 0], [n, 2 * h, 2 * w, c]);
        const x5 = tf.reshape(even, [n * h, 2, w, 2, c]);
        const y5 = tf.reshape(y0, [n * h, 1, w, 1, c]);
        const g5 = tf.reshape(dy, [n * h, 1, w, 1, c]);
        const isMax = tf.sub(1, tf.step(tf.sub(y5, x5)));
        const prio = tf.mul(isMax, tf.tensor5d([8, 4, 2, 1], [1, 2, 1, 2, 1]));
        const best = tf.reshape(
          tf.maxPool(tf.reshape(prio, [n, 2 * h, 2 * w, c]) as tf.Tensor4D, 2, 2, 'valid'),
          [n * h, 1, w, 1, c],
        );
        const first = tf.sub(1, tf.step(tf.sub(best, prio)));
        const dx = tf.reshape(tf.mul(first, g5), [n, 2 * h, 2 * w, c]);
        return [
          hIn === 2 * h && wIn === 2 * w
            ? dx
            : tf.pad(dx, [
                [0, 0],
                [0, hIn - 2 * h],
                [0, wIn - 2 * w],
                [0, 0],
              ]),
        ];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad<tf.Tensor4D>>[0]);
  return (x: tf.Tensor4D): tf.Tensor4D => op(x) as tf.Tensor4D;
})();
