/**
 * Shared glue of Quant Lab's own WebAssembly kernels (the .wat files beside this one): each module
 * imports tfjs-wasm's heap as its memory (shared under the threaded binary), reads its inputs where
 * tfjs keeps them and writes outputs the backend allocated, so tensors stay immutable and nothing
 * is copied. A kernel is registered with tfjs under its own name on the wasm backend and runs
 * through `tf.engine().runKernel`, so profiling, tidy and memory accounting see it like any other.
 */
import * as tf from '@tensorflow/tfjs-core';
import { WASM_KERNELS } from './wasmModules';

/** The parts of tfjs-wasm's BackendWasm the kernels use. */
export interface WasmBackendLike {
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32' | 'int32'): tf.TensorInfo;
  /** Frees a buffer (a kernel's scratch output). */
  disposeData(dataId: object): boolean;
  incRef(dataId: object): void;
}

/**
 * A kernel output that is `t` itself: one reference more to its heap block, no copy. Tensor data
 * is immutable in tfjs (kernels write fresh outputs, Variable.assign swaps data ids), so sharing
 * is safe, as in tfjs-wasm's Reshape.
 */
export function shareOutput(backend: Pick<WasmBackendLike, 'incRef'>, t: tf.TensorInfo): tf.TensorInfo {
  backend.incRef(t.dataId);
  return { dataId: t.dataId, shape: t.shape, dtype: t.dtype };
}

/** A compiled module's exports: functions taking byte offsets and scalars. */
export type KernelExports = Record<string, (...args: number[]) => number | void>;

const compiled = new Map<string, { memory: WebAssembly.Memory; exports: KernelExports }>();

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

function heapOf(backend: WasmBackendLike): WebAssembly.Memory | null {
  const mem = backend.wasm.wasmMemory ?? backend.wasm.asm?.memory;
  return mem instanceof WebAssembly.Memory ? mem : null;
}

/**
 * The exports of kernel module `name` (a .wat file's base name) instantiated over this backend's
 * heap (again if the backend was re-created), or null when the heap is not reachable.
 */
export function kernelExports(backend: WasmBackendLike, name: string): KernelExports | null {
  const memory = heapOf(backend);
  if (!memory) return null;
  const cached = compiled.get(name);
  if (cached?.memory === memory) return cached.exports;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const bytes = decodeBase64(WASM_KERNELS[name][shared ? 'shared' : 'plain']);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  const exports = instance.exports as unknown as KernelExports;
  compiled.set(name, { memory, exports });
  return exports;
}

/**
 * Export `fn` of kernel module `name` over this backend's heap, for a kernel function to call.
 * @throws Error naming the module when the heap is not reachable (wasmKernelReady said it was)
 */
export function kernelExport(
  backend: WasmBackendLike,
  name: string,
  fn: string,
): (...args: number[]) => number | void {
  const run = kernelExports(backend, name)?.[fn];
  if (!run) throw new Error(`Quant Lab wasm kernel ${name}.${fn}: the wasm heap is not reachable`);
  return run;
}

/**
 * Runs `f` with scratch buffers from the backend's heap, one per entry of `sizes` (elements of
 * `dtype`), and frees them afterwards, also when `f` throws. `f` gets their byte offsets.
 */
export function withScratch<T>(
  backend: WasmBackendLike,
  sizes: readonly number[],
  dtype: 'float32' | 'int32',
  f: (offsets: number[]) => T,
): T {
  const buffers = sizes.map((n) => backend.makeOutput([n], dtype));
  try {
    return f(buffers.map((b) => heapOffset(backend, b)));
  } finally {
    for (const b of buffers) backend.disposeData(b.dataId);
  }
}

/** Byte offset of a tensor's data in the wasm heap. */
export function heapOffset(backend: WasmBackendLike, t: tf.TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}

/** Element count of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Whether module `name` can run on the active backend; on the first success registers
 * `kernelFunc` as the tfjs kernel `kernelName` of the wasm backend. False (and nothing registered)
 * off wasm or when the module cannot be instantiated there.
 */
export function wasmKernelReady(name: string, kernelName: string, kernelFunc: tf.KernelFunc): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  try {
    if (!kernelExports(tf.backend() as unknown as WasmBackendLike, name)) return false;
  } catch {
    return false;
  }
  if (!tf.getKernel(kernelName, 'wasm')) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  return true;
}
