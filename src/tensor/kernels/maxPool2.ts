/**
 * 2×2 stride-2 'valid' max pooling and its gradient as two tfjs kernels of the wasm backend
 * (maxPool2.wat), used by src/tensor/ops.ts maxPool2Fast when C is a multiple of 4:
 *
 * - `QuantLabMaxPool2`: x [N, H, W, C] → y [N, ⌊H/2⌋, ⌊W/2⌋, C] and sel (int32, same shape), the
 *   index 0–3 (row-major) of each window's chosen entry, or 4 when no entry is above −∞.
 * - `QuantLabMaxPool2Grad`: sel, dy (shape of y), attr xShape → dx [N, H, W, C]: dy at the chosen
 *   entry, +0 at the other three and at a trailing odd row or column.
 *
 * The chosen entry is the first (row-major) equal to the window's max; NaN entries are never chosen
 * and a window of only −∞/NaN has y = −∞ and routes its dy nowhere — value and gradient are the cpu
 * backend's MaxPool and MaxPoolGrad, bit for bit (up to the sign of zero gradients), which
 * tests/unit/perf/maxPool.test.ts checks. Against the stock path (XNNPACK MaxPool forward, a
 * broadcasting op composition backward) this saves ~12 kernels per pool and, since only sel is
 * saved for the backward pass, the copy (Identity) of x that saving x costs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { heapOffset, kernelExport, wasmKernelReady, type WasmBackendLike } from './wasmHeap';

/** The tfjs kernels' names (tf.profile lists them). */
export const MAX_POOL2_KERNEL = 'QuantLabMaxPool2';
export const MAX_POOL2_GRAD_KERNEL = 'QuantLabMaxPool2Grad';

const MODULE = 'maxPool2';

type Shape4 = [number, number, number, number];

function pooledShape([n, h, w, c]: readonly number[]): Shape4 {
  return [n, Math.floor(h / 2), Math.floor(w / 2), c];
}

function maxPool2Kernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo[] {
  const backend = args.backend as WasmBackendLike;
  const run = kernelExport(backend, MODULE, 'max_pool2');
  const { x } = args.inputs as { x: tf.TensorInfo };
  const [n, h, w, c] = x.shape;
  if (x.shape.length !== 4 || x.dtype !== 'float32' || c % 4 !== 0) {
    throw new Error(
      `${MAX_POOL2_KERNEL}: x must be float32 [N, H, W, C] with C % 4 = 0, got ${x.dtype} [${x.shape}]`,
    );
  }
  const y = backend.makeOutput(pooledShape(x.shape), 'float32');
  const sel = backend.makeOutput(pooledShape(x.shape), 'int32');
  run(heapOffset(backend, x), heapOffset(backend, y), heapOffset(backend, sel), n, h, w, c * 4);
  return [y, sel];
}

function maxPool2GradKernel(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const run = kernelExport(backend, MODULE, 'max_pool2_grad');
  const { sel, dy } = args.inputs as { sel: tf.TensorInfo; dy: tf.TensorInfo };
  const xShape = (args.attrs as { xShape: Shape4 }).xShape;
  const [n, h, w, c] = xShape;
  const expected = pooledShape(xShape).join();
  if (c % 4 !== 0 || sel.dtype !== 'int32' || sel.shape.join() !== expected || dy.shape.join() !== expected) {
    throw new Error(
      `${MAX_POOL2_GRAD_KERNEL}: bad shapes: x [${xShape}], sel [${sel.shape}], dy [${dy.shape}]`,
    );
  }
  const dx = backend.makeOutput([...xShape], 'float32');
  run(heapOffset(backend, sel), heapOffset(backend, dy), heapOffset(backend, dx), n, h, w, c * 4);
  return dx;
}

/**
 * Whether the kernels can run here: the active backend is wasm with a reachable heap, C % 4 = 0,
 * and every window count is positive (H, W ≥ 2).
 */
export function maxPool2KernelAvailable(shape: readonly number[]): boolean {
  const [n, h, w, c] = shape;
  if (shape.length !== 4 || c % 4 !== 0 || c === 0 || n === 0 || h < 2 || w < 2) return false;
  return (
    wasmKernelReady(MODULE, MAX_POOL2_KERNEL, maxPool2Kernel as unknown as tf.KernelFunc) &&
    wasmKernelReady(MODULE, MAX_POOL2_GRAD_KERNEL, maxPool2GradKernel as unknown as tf.KernelFunc)
  );
}

/** y and sel of x (call {@link maxPool2KernelAvailable} first). Returns new tensors the caller owns. */
export function maxPool2WithSel(x: tf.Tensor4D): { y: tf.Tensor4D; sel: tf.Tensor4D } {
  const [y, sel] = tf.engine().runKernel(MAX_POOL2_KERNEL, { x }) as unknown as [tf.Tensor4D, tf.Tensor4D];
  return { y, sel };
}

/** dx [xShape] of max pooling, from the forward pass's sel and the pooled gradient dy. */
export function maxPool2GradFromSel(
  sel: tf.Tensor4D,
  dy: tf.Tensor4D,
  xShape: readonly number[],
): tf.Tensor4D {
  const attrs = { xShape: [...xShape] } as unknown as tf.NamedAttrMap;
  return tf.engine().runKernel(MAX_POOL2_GRAD_KERNEL, { sel, dy }, attrs) as tf.Tensor4D;
}
