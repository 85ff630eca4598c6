/**
 * Training-mode batch norm (batchNorm.wat) as two tfjs kernels of the wasm backend:
 *
 * - `QuantLabBatchNorm`: x [..., C], γ [C], β [C] → y (x's shape), batch mean [C], biased batch
 *   variance [C], state [4·C] = [μ; r; k; β] with r = 1/√(σ² + ε), k = r·γ;
 *   y = (x − μ)·k + β, then max(y, 0) with attr `relu`.
 * - `QuantLabBatchNormGrad`: dy, x, state → dx, dγ, dβ (see the .wat for the formulas).
 *
 * The tfjs op composition costs ~20 kernels per layer and step, several of them slow broadcasting
 * ones; these are three passes over x forward and two over (dy, x) backward. Neither kernel has a
 * tfjs gradient of its own: src/tensor/batchNormOp.ts wraps them in one tf.customGrad, which saves
 * x and the small state vector.
 *
 * Other backends, and channel counts that are not multiples of 4, use the op path of
 * batchNormOp.ts; tests/unit/perf/batchNormOp.test.ts checks both against tf.moments-based BN.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  heapOffset,
  kernelExport,
  sizeOf,
  wasmKernelReady,
  withScratch,
  type WasmBackendLike,
} from './wasmHeap';

/** Forward kernel name (as tf.profile lists it). */
export const BN_KERNEL = 'QuantLabBatchNorm';
/** Backward kernel name. */
export const BN_GRAD_KERNEL = 'QuantLabBatchNormGrad';

/** Attributes of both kernels. */
export interface BatchNormKernelAttrs {
  /** Variance floor ε inside the square root (forward only). */
  epsilon: number;
  /** Apply ReLU after the normalization (forward) / mask dy by y > 0 (backward). */
  relu: boolean;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function forwardKernel(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as WasmBackendLike;
  const { epsilon, relu } = args.attrs as unknown as BatchNormKernelAttrs;
  const { x, gamma, beta } = args.inputs as Record<string, tf.TensorInfo>;
  const c = gamma.shape[0];
  const m = sizeOf(x.shape) / c;
  const y = backend.makeOutput(x.shape, 'float32');
  const mean = backend.makeOutput([c], 'float32');
  const variance = backend.makeOutput([c], 'float32');
  const state = backend.makeOutput([4 * c], 'float32');
  const at = (t: tf.TensorInfo) => heapOffset(backend, t);
  const run = kernelExport(backend, 'batchNorm', 'bn_forward');
  withScratch(backend, [5 * c], 'float32', ([tmp]) =>
    run(
      at(x),
      at(gamma),
      at(beta),
      at(y),
      at(mean),
      at(variance),
      at(state),
      tmp,
      m,
      4 * c,
      epsilon,
      relu ? 1 : 0,
    ),
  );
  return [y, mean, variance, state];
}

function backwardKernel(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as WasmBackendLike;
  const { relu } = args.attrs as unknown as BatchNormKernelAttrs;
  const { dy, x, state } = args.inputs as Record<string, tf.TensorInfo>;
  const c = state.shape[0] / 4;
  const m = sizeOf(x.shape) / c;
  const dx = backend.makeOutput(x.shape, 'float32');
  const dgamma = backend.makeOutput([c], 'float32');
  const dbeta = backend.makeOutput([c], 'float32');
  const at = (t: tf.TensorInfo) => heapOffset(backend, t);
  const run = kernelExport(backend, 'batchNorm', 'bn_backward');
  withScratch(backend, [6 * c], 'float32', ([tmp]) =>
    run(at(dy), at(x), at(state), at(dx), at(dgamma), at(dbeta), tmp, m, 4 * c, relu ? 1 : 0),
  );
  return [dx, dgamma, dbeta];
}

/**
 * Whether the kernels can run here: the active backend is wasm with a reachable heap, and the
 * channel count is a positive multiple of 4 (registers both kernels on first success).
 */
export function batchNormKernelAvailable(channels: number): boolean {
  if (channels <= 0 || channels % 4 !== 0) return false;
  return (
    wasmKernelReady('batchNorm', BN_KERNEL, forwardKernel as unknown as tf.KernelFunc) &&
    wasmKernelReady('batchNorm', BN_GRAD_KERNEL, backwardKernel as unknown as tf.KernelFunc)
  );
}

/** Forward kernel (call {@link batchNormKernelAvailable} first): [y, mean, variance, state]. */
export function batchNormForward(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  attrs: BatchNormKernelAttrs,
): [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D] {
  return tf.engine().runKernel(BN_KERNEL, { x, gamma, beta }, attrs as unknown as tf.NamedAttrMap) as [
    tf.Tensor,
    tf.Tensor1D,
    tf.Tensor1D,
    tf.Tensor1D,
  ];
}

/** Backward kernel: [dx, dγ, dβ] from dy, the forward's input x and its state. */
export function batchNormBackward(
  dy: tf.Tensor,
  x: tf.Tensor,
  state: tf.Tensor1D,
  attrs: BatchNormKernelAttrs,
): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] {
  return tf.engine().runKernel(BN_GRAD_KERNEL, { dy, x, state }, attrs as unknown as tf.NamedAttrMap) as [
    tf.Tensor,
    tf.Tensor1D,
    tf.Tensor1D,
  ];
}
