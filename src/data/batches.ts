/**
 * Mini-batches of MNIST digits: seeded sampling without replacement (an epoch is one seeded
 * permutation of the training set) and conversion of sample indices to tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { gatherImages, imageBatchAvailable, uploadPixels } from '../tensor/kernels/imageBatch';
import { permutation, type Rng } from '../tensor/rng';
import { MNIST_CLASSES, MNIST_PIXELS, type MnistSplit } from './mnist';

/**
 * Draws batches of sample indices in epochs: each epoch is a fresh permutation of 0..count−1 from
 * the RNG it was given, and a batch that crosses an epoch boundary continues into the next epoch.
 * Same RNG seed and batch sizes ⇒ same index sequence.
 */
export class BatchSampler {
  private order: Int32Array;
  private position = 0;
  /** Completed passes over the data. */
  epoch = 0;

  constructor(
    private readonly count: number,
    private readonly rng: Rng,
  ) {
    if (count < 1) throw new Error('BatchSampler needs at least one sample');
    this.order = permutation(count, rng);
  }

  /** The next `batchSize` sample indices. */
  next(batchSize: number): Int32Array {
    const out = new Int32Array(batchSize);
    for (let i = 0; i < batchSize; i += 1) {
      if (this.position === this.count) {
        this.order = permutation(this.count, this.rng);
        this.position = 0;
        this.epoch += 1;
      }
      out[i] = this.order[this.position++];
    }
    return out;
  }
}

/** `v / 255` as float32 for every pixel value: the same numbers the division gives, looked up. */
const PIXEL_VALUE = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/** Writes one image's pixels, scaled to [0, 1], to `out` at `at`. */
function scaleImage(pixels: Uint8Array, base: number, out: Float32Array, at: number): void {
  for (let p = 0; p < MNIST_PIXELS; p += 1) out[at + p] = PIXEL_VALUE[pixels[base + p]];
}

/**
 * Images at `indices` of `split` as a float tensor [B, 784] with pixels scaled to [0, 1].
 * The per-pixel loop sits in its own small function: written inline, its 100 k-iteration loop was
 * compiled on stack replacement and deoptimized again (OSR exit, wrong map) batch after batch:
 * ~1,250 deopts in one browser bench sweep, whose recompiles competed with the other worker.
 */
export function imageBatch(split: MnistSplit, indices: ArrayLike<number>): tf.Tensor2D {
  const n = indices.length;
  const pixels = split.images;
  const values = new Float32Array(n * MNIST_PIXELS);
  for (let i = 0; i < n; i += 1) scaleImage(pixels, indices[i] * MNIST_PIXELS, values, i * MNIST_PIXELS);
  return tf.tensor2d(values, [n, MNIST_PIXELS]);
}

/** Whether ImageBatcher may use the wasm kernel. Off only to compare it with imageBatch (tests). */
export const IMAGE_KERNEL = { enabled: true };

/**
 * Image batches of one split for a training loop: on wasm, the split's pixels go to the heap once
 * and each batch is one kernel (src/tensor/kernels/imageBatch.ts); elsewhere {@link imageBatch}.
 * The values are the same either way. Owns the uploaded pixels: call {@link dispose}.
 */
export class ImageBatcher {
  private pixels: tf.Tensor1D | null = null;

  constructor(readonly split: MnistSplit) {}

  /** Images at `indices` as [B, 784] in [0, 1]; may be called inside a tidy. */
  batch(indices: ArrayLike<number>): tf.Tensor2D {
    if (!IMAGE_KERNEL.enabled || !imageBatchAvailable(MNIST_PIXELS)) return imageBatch(this.split, indices);
    this.pixels ??= tf.keep(uploadPixels(this.split.images));
    return gatherImages(this.pixels, this.split.count, MNIST_PIXELS, indices);
  }

  dispose(): void {
    this.pixels?.dispose();
    this.pixels = null;
  }
}

/** One-hot labels at `indices` of `split`: float tensor [B, 10]. */
export function labelBatch(split: MnistSplit, indices: ArrayLike<number>): tf.Tensor2D {
  const values = new Float32Array(indices.length * MNIST_CLASSES);
  for (let i = 0; i < indices.length; i += 1) values[i * MNIST_CLASSES + split.labels[indices[i]]] = 1;
  return tf.tensor2d(values, [indices.length, MNIST_CLASSES]);
}

/** Indices 0..count−1 in chunks of at most `size` (for evaluation in bounded memory). */
export function* chunks(count: number, size: number): Generator<Int32Array> {
  for (let start = 0; start < count; start += size) {
    const n = Math.min(size, count - start);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i += 1) out[i] = start + i;
    yield out;
  }
}
