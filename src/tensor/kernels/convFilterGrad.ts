/**
 * The first-layer conv's weight gradient (convFilterGrad.wat) as a tfjs kernel of the wasm backend:
 * dW of a 3×3, stride-1, 'same' convolution with one input channel, from the zero-padded input and
 * the output gradient, in one SIMD pass. ops.ts uses it in place of the ft2 route (a Conv2D with
 * the batch as reduction channel plus two transposes, ~6.7 ms per CNN step at batch 64 on wasm)
 * and checks it against the stock gradient (tests/unit/perf/convFilterGrad.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { heapOffset, kernelExport, wasmKernelReady, withScratch, type WasmBackendLike } from './wasmHeap';

const KERNEL_NAME = 'QuantLabConv3x3FilterGradC1';

function filterGradKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const run = kernelExport(backend, 'convFilterGrad', 'conv3x3_filter_grad_c1');
  const xpad = args.inputs.xpad as tf.TensorInfo;
  const dy = args.inputs.dy as tf.TensorInfo;
  const [n, h, w, co] = dy.shape;
  const out = backend.makeOutput([3, 3, 1, co], 'float32');
  const at = (t: tf.TensorInfo) => heapOffset(backend, t);
  withScratch(backend, [9 * co], 'float32', ([blk]) => run(at(xpad), at(dy), at(out), blk, n, h, w, co * 4));
  return out;
}

/**
 * Whether the kernel covers a conv with input x [N, H, W, Ci] and weight w [k, k, Ci, Co] on the
 * active backend: wasm, k = 3, Ci = 1, Co a multiple of 4.
 */
export function convFilterGradAvailable(xShape: readonly number[], wShape: readonly number[]): boolean {
  const [k, , ci, co] = wShape;
  if (k !== 3 || wShape[1] !== 3 || ci !== 1 || xShape[3] !== 1 || co % 4 !== 0) return false;
  return wasmKernelReady('convFilterGrad', KERNEL_NAME, filterGradKernel as unknown as tf.KernelFunc);
}

/**
 * dW [3, 3, 1, Co] of y = conv2d(x, w, 1, 'same') for x [N, H, W, 1] and the output gradient dy
 * [N, H, W, Co] (call {@link convFilterGradAvailable} first). A new tensor the caller owns.
 */
export function convFilterGradC1(x: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const xpad = tf.pad(x, [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ]);
    return tf.engine().runKernel(KERNEL_NAME, { xpad, dy }) as tf.Tensor4D;
  });
}
