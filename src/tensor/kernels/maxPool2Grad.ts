/**
 * The gradient of 2×2 stride-2 'valid' max pooling (maxPool2Grad.wat) as a tfjs kernel of the wasm
 * backend: x [N, H, W, C] and dy [N, ⌊H/2⌋, ⌊W/2⌋, C] → dx [N, H, W, C], one SIMD pass over
 * tfjs-wasm's heap instead of ~12 broadcasting 5-D kernels (src/tensor/ops.ts maxPool2Fast's op
 * path, which other backends and channel counts that are not multiples of 4 still use).
 *
 * Contract: each window's dy goes to the first entry (row-major) equal to the window's max, the
 * other three get 0 — the cpu backend's MaxPoolGrad rule. A trailing odd row or column gets 0. NaN
 * entries never take the gradient; a window with no entry above −∞ (all −∞ or NaN) routes its dy
 * nowhere; entries not chosen get +0 even for an infinite or NaN dy. tests/unit/perf/maxPool.test.ts
 * checks the gradient equals the cpu backend's stock one exactly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { heapOffset, kernelExports, wasmKernelReady, type WasmBackendLike } from './wasmHeap';

/** The tfjs kernel's name (tf.profile lists it). */
export const MAX_POOL2_GRAD_KERNEL = 'QuantLabMaxPool2Grad';

function maxPool2GradKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const run = kernelExports(backend, 'maxPool2Grad')?.max_pool2_grad;
  if (!run) throw new Error(`${MAX_POOL2_GRAD_KERNEL}: the wasm heap is not reachable`);
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const [n, h, w, c] = x.shape;
  if (
    c % 4 !== 0 ||
    dy.shape.length !== 4 ||
    dy.shape[0] !== n ||
    dy.shape[1] !== Math.floor(h / 2) ||
    dy.shape[2] !== Math.floor(w / 2) ||
    dy.shape[3] !== c
  ) {
    throw new Error(`${MAX_POOL2_GRAD_KERNEL}: bad shapes x ${x.shape} dy ${dy.shape}`);
  }
  const dx = backend.makeOutput(x.shape, 'float32');
  run(heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, dx), n, h, w, c * 4);
  return dx;
}

/** Whether the kernel can run here: the active backend is wasm with a reachable heap, and C % 4 = 0. */
export function maxPool2GradAvailable(channels: number): boolean {
  if (channels % 4 !== 0) return false;
  return wasmKernelReady('maxPool2Grad', MAX_POOL2_GRAD_KERNEL, maxPool2GradKernel as unknown as tf.KernelFunc);
}

/** dx of 2×2 stride-2 'valid' max pooling (call {@link maxPool2GradAvailable} first). */
export function maxPool2Grad(x: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor4D {
  return tf.engine().runKernel(MAX_POOL2_GRAD_KERNEL, { x, dy }) as tf.Tensor4D;
}
