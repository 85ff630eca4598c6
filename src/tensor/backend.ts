/**
 * Backend selection and the per-backend choice of layer ops (docs/performance.md §1, §5).
 *
 * In Node, the wasm backend finds its .wasm binaries by itself: its Node build locates them next to
 * its own script (node_modules/@tensorflow/tfjs-backend-wasm/dist), so no setWasmPaths is needed.
 * In the browser the worker (app/) must call setWasmPaths with Vite `?url` imports BEFORE
 * `initBackend('wasm')`; that bundler-specific setup stays out of src/.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { useSharingIdentity } from './kernels/identity';
import {
  conv2dFt2,
  depthwiseConv2dFt,
  matMulFast,
  matMulFastNoInputGrad,
  maxPool2Fast,
  pointwiseConv,
} from './ops';

import { type BackendName, CONCRETE_BACKENDS } from './backendNames';

export { BACKEND_NAMES, type BackendName } from './backendNames';

/** Fallback order of `auto`: wasm is the fastest CPU backend; webgl is software-rendered here. */
const AUTO_ORDER = CONCRETE_BACKENDS;

/**
 * Activates a tfjs backend and waits until it is ready. `auto` tries wasm, webgl, then cpu.
 * Returns the name of the active backend. Throws if an explicitly named backend fails.
 */
export async function initBackend(name: BackendName): Promise<string> {
  // Prod mode silences tfjs' console warnings (e.g. the "install tfjs-node" banner of the cpu
  // backend in Node), which would otherwise land in the runner's progress output.
  tf.enableProdMode();
  const candidates = name === 'auto' ? AUTO_ORDER : [name];
  for (const candidate of candidates) {
    if (tf.getBackend() === candidate) {
      useSharingIdentity();
      return candidate;
    }
    const ok = await tf.setBackend(candidate).catch(() => false);
    if (ok) {
      await tf.ready();
      // On wasm, saved-for-backward clones share data instead of copying it (kernels/identity.ts).
      useSharingIdentity();
      return candidate;
    }
  }
  throw new Error(`tfjs backend '${name}' could not be initialised`);
}

/** The layer ops a model uses, chosen for the backend it runs on. */
export interface OpSet {
  /**
   * 'fast' = the wasm workarounds of ./ops.ts; 'stock' = plain tfjs ops; 'secondOrder' = ops whose
   * gradients are differentiable (src/hessian/secondOrderOps.ts, the Hessian's forward pass only).
   */
  kind: 'fast' | 'stock' | 'secondOrder';
  /** [m, k] @ [k, n] → [m, n]; `inputGrad` false may skip dA (a is data: the first layer). */
  matMul(a: tf.Tensor2D, b: tf.Tensor2D, inputGrad?: boolean): tf.Tensor2D;
  /** Stride-1 'same' conv, x [N, H, W, Ci], w [k, k, Ci, Co]; `inputGrad` false skips dx. */
  conv2d(x: tf.Tensor4D, w: tf.Tensor4D, inputGrad: boolean): tf.Tensor4D;
  /** Stride-1 'same' depthwise conv, w [k, k, C, 1]. */
  depthwiseConv2d(x: tf.Tensor4D, w: tf.Tensor4D, inputGrad: boolean): tf.Tensor4D;
  /** 2×2 stride-2 max pooling ('valid'). */
  maxPool2(x: tf.Tensor4D): tf.Tensor4D;
  /**
   * Training-mode BN: 'fused' = one customGrad (src/tensor/batchNormOp.ts; on wasm our own
   * kernels, ReLU included), 'stock' = tf.moments + elementwise ops (src/models/batchnorm.ts).
   */
  batchNorm: 'fused' | 'stock';
}

const STOCK_OPS: OpSet = {
  kind: 'stock',
  matMul: (a, b) => tf.matMul(a, b),
  conv2d: (x, w) => tf.conv2d(x, w, 1, 'same'),
  depthwiseConv2d: (x, w) => tf.depthwiseConv2d(x, w, 1, 'same'),
  maxPool2: (x) => tf.maxPool(x, 2, 2, 'valid'),
  batchNorm: 'stock',
};

/** wasm: every op routed around missing or slow kernels (docs/performance.md §3). */
const FAST_OPS: OpSet = {
  kind: 'fast',
  // The first dense layer's input is data: skipping dA saves 12% of the MLP step's FLOPs.
  matMul: (a, b, inputGrad = true) => (inputGrad ? matMulFast(a, b) : matMulFastNoInputGrad(a, b)),
  // 1×1 convs go through the fast matmul; wider kernels through ft2.
  conv2d: (x, w, inputGrad) =>
    w.shape[0] === 1 ? pointwiseConv(x, w, matMulFast) : conv2dFt2(x, w, inputGrad),
  depthwiseConv2d: depthwiseConv2dFt,
  // wasm's MaxPoolGrad is slow: Quant Lab's own SIMD kernels for C % 4 = 0, else stock MaxPool
  // forward and an op-composed backward (see maxPool2Fast).
  // Earlier tries at batch 128 (Node wasm): stock 187 ms/step; two slices + maximum with autodiff
  // 212; reshape + max 441 (the gradient of max over inner axes is a broadcasting Equal).
  maxPool2: maxPool2Fast,
  // Measured on the W4A4 CNN (Node wasm, interleaved): see tests/unit/perf.
  batchNorm: 'fused',
};

/**
 * The op set for `backend` (default: the active one). Only wasm gets the workarounds: on webgl the
 * customGrad matmul is slower than stock (docs/performance.md §5.2) and cpu has every kernel.
 */
export function selectOps(backend: string = tf.getBackend()): OpSet {
  return backend === 'wasm' ? FAST_OPS : STOCK_OPS;
}
