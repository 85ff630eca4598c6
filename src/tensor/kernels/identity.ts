/**
 * A copy-free Identity kernel for tfjs-wasm. tfjs-core clones every tensor a gradient saves for
 * the backward pass (engine.saveTensorsForBackwardMode → clone → Identity), and tfjs-wasm's
 * Identity copies the data (makeOutput + TypedArray.set): per MLP W4A4 training step 1.4 M floats,
 * per CNN step 2.5 M (the min/max ranges, Relu, Add, Reshape saves). Tensor data is immutable in
 * tfjs (every kernel writes fresh outputs, Variable.assign swaps data ids), so a clone can share
 * its input's heap block like Reshape already does on wasm and like the cpu backend's Identity:
 * one reference more, no copy. Values, gradients and memory accounting are unchanged
 * (tests/unit/perf/identity.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { shareOutput, type WasmBackendLike } from './wasmHeap';

function shareIdentity(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  return shareOutput(args.backend as WasmBackendLike, args.inputs.x as tf.TensorInfo);
}

/** Whether the sharing kernel shares. Off only to compare it with the copying one (tests). */
export const IDENTITY_SHARING = { enabled: true };

let installed = false;

/**
 * Replaces the wasm backend's Identity by the sharing one (idempotent). String tensors, which the
 * lab never saves, keep the stock kernel's path, as does everything while IDENTITY_SHARING is off. Returns false off wasm.
 */
export function useSharingIdentity(): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  if (installed) return true;
  const stock = tf.getKernel('Identity', 'wasm');
  if (stock) tf.unregisterKernel('Identity', 'wasm');
  const kernelFunc = (args: Parameters<tf.KernelFunc>[0]) =>
    stock && (!IDENTITY_SHARING.enabled || (args.inputs.x as tf.TensorInfo).dtype === 'string')
      ? stock.kernelFunc(args)
      : shareIdentity(args);
  tf.registerKernel({ kernelName: 'Identity', backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc });
  installed = true;
  return true;
}
