/**
 * Image batches (imageBatch.wat) as a tfjs kernel of the wasm backend. The JavaScript path
 * (src/data/batches.ts imageBatch) allocates a fresh 400 kB Float32Array per MLP batch, fills it
 * pixel by pixel and copies it onto the heap: ~0.4 ms per step in Node, plus garbage for the
 * collector. Here a split's pixels are uploaded once (ImageBatcher) and each batch is one SIMD pass
 * that writes the output where tfjs keeps it. Same values, bit for bit
 * (tests/unit/perf/imageBatch.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { heapOffset, kernelExport, wasmKernelReady, type WasmBackendLike } from './wasmHeap';

const KERNEL_NAME = 'QuantLabImageBatch';

function imageBatchKernel(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { pixels, indices } = args.inputs as { pixels: tf.TensorInfo; indices: tf.TensorInfo };
  const ppi = (args.attrs as { pixelsPerImage: number }).pixelsPerImage;
  const n = indices.shape[0];
  const out = backend.makeOutput([n, ppi], 'float32');
  const at = (t: tf.TensorInfo) => heapOffset(backend, t);
  kernelExport(backend, 'imageBatch', 'image_batch')(at(pixels), at(indices), n, ppi, at(out));
  return out;
}

/** Whether the kernel can run here: wasm with a reachable heap, images of a multiple of 16 pixels. */
export function imageBatchAvailable(pixelsPerImage: number): boolean {
  if (pixelsPerImage % 16 !== 0) return false;
  return wasmKernelReady('imageBatch', KERNEL_NAME, imageBatchKernel as unknown as tf.KernelFunc);
}

/**
 * The split's uint8 pixels as an int32 tensor (four pixels per element, in memory order) for
 * {@link gatherImages}; the caller owns it.
 */
export function uploadPixels(images: Uint8Array): tf.Tensor1D {
  const bytes = new Uint8Array(Math.ceil(images.length / 4) * 4);
  bytes.set(images);
  return tf.tensor1d(new Int32Array(bytes.buffer), 'int32');
}

/**
 * Rows `indices` of the uploaded images as float32 [B, P] in [0, 1] (call
 * {@link imageBatchAvailable} first). Indices must lie in 0..count−1 (checked).
 */
export function gatherImages(
  pixels: tf.Tensor1D,
  count: number,
  pixelsPerImage: number,
  indices: ArrayLike<number>,
): tf.Tensor2D {
  const idx = Int32Array.from(indices as ArrayLike<number>);
  for (const i of idx) {
    if (!(i >= 0 && i < count)) throw new Error(`image index ${i} outside 0..${count - 1}`);
  }
  return tf.tidy(() =>
    tf.engine().runKernel(KERNEL_NAME, { pixels, indices: tf.tensor1d(idx, 'int32') }, {
      pixelsPerImage,
    } as unknown as tf.NamedAttrMap),
  ) as tf.Tensor2D;
}
