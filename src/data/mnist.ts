/**
 * MNIST in Quant Lab: the 10,000 real digits of the `mnist` package, converted once by
 * scripts/build-mnist.mjs into `mnist.bin` (format documented there), parsed here with no I/O so
 * the browser (fetch '/data/mnist.bin') and Node (src/data/node.ts) share it.
 */
import { createRng, permutation } from '../tensor/rng';

/** Side of one image in pixels; images are [28, 28] uint8, row-major. */
export const MNIST_SIDE = 28;
/** Pixels per image (784). */
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;
/** Number of classes (digits 0–9). */
export const MNIST_CLASSES = 10;
/** The browser URL of the binary (served from public/). */
export const MNIST_URL = '/data/mnist.bin';

const MAGIC = [0x51, 0x4c, 0x4d, 0x4e]; // 'QLMN'
const FORMAT_VERSION = 1;
const HEADER_BYTES = 16;

/** Training digits of the fixed split. */
export const TRAIN_COUNT = 8000;
/** Test digits of the fixed split. */
export const TEST_COUNT = 2000;
/**
 * The split seed is fixed and independent of the experiment seed: every experiment, in every tab
 * and on every machine, is scored on the same 2,000 test digits.
 */
const SPLIT_SEED = 'quant-lab/mnist-split/v1';

/** A set of digits: `count` images of [28·28] uint8 pixels, and their labels 0–9. */
export interface MnistSplit {
  count: number;
  /** [count·784] uint8, sample-major. */
  images: Uint8Array;
  /** [count] uint8 in 0..9. */
  labels: Uint8Array;
}

/** The fixed train/test split (8,000 / 2,000). */
export interface MnistData {
  train: MnistSplit;
  test: MnistSplit;
}

/**
 * Decodes every digit of an `mnist.bin` file, in file order. Throws an Error that says what is wrong (bad magic, unsupported
 * version, truncated or oversized file, bad label) and how to fix it.
 */
export function decodeMnistFile(bytes: Uint8Array): MnistSplit {
  const rebuild = 'Rebuild it with `node scripts/build-mnist.mjs --force`.';
  if (bytes.length < HEADER_BYTES) {
    throw new Error(
      `mnist.bin is truncated: ${bytes.length} bytes, shorter than its ${HEADER_BYTES}-byte header. ${rebuild}`,
    );
  }
  if (MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new Error(
      `mnist.bin has a bad magic number (expected 'QLMN'): not a Quant Lab MNIST file. ${rebuild}`,
    );
  }
  if (bytes[4] !== FORMAT_VERSION) {
    throw new Error(
      `mnist.bin has format version ${bytes[4]}, this build reads version ${FORMAT_VERSION}. ${rebuild}`,
    );
  }
  if (bytes[5] !== MNIST_SIDE || bytes[6] !== MNIST_SIDE) {
    throw new Error(`mnist.bin holds ${bytes[5]}×${bytes[6]} images, expected 28×28. ${rebuild}`);
  }
  const count = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  const expected = HEADER_BYTES + count * (MNIST_PIXELS + 1);
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated' : 'too long';
    throw new Error(
      `mnist.bin is ${what}: ${bytes.length} bytes, expected ${expected} for ${count} digits. ${rebuild}`,
    );
  }
  const images = bytes.subarray(HEADER_BYTES, HEADER_BYTES + count * MNIST_PIXELS);
  const labels = bytes.subarray(HEADER_BYTES + count * MNIST_PIXELS);
  const bad = labels.findIndex((l) => l >= MNIST_CLASSES);
  if (bad >= 0)
    throw new Error(`mnist.bin has label ${labels[bad]} at digit ${bad} (labels are 0–9). ${rebuild}`);
  return { count, images, labels };
}

/** Copies the samples at `indices` of `from` into a new split. */
export function selectSamples(from: MnistSplit, indices: ArrayLike<number>): MnistSplit {
  const images = new Uint8Array(indices.length * MNIST_PIXELS);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i += 1) {
    const src = indices[i];
    images.set(from.images.subarray(src * MNIST_PIXELS, (src + 1) * MNIST_PIXELS), i * MNIST_PIXELS);
    labels[i] = from.labels[src];
  }
  return { count: indices.length, images, labels };
}

/**
 * The fixed, seeded train/test split of all digits: a permutation under a constant seed, first
 * 8,000 for training and the next 2,000 for testing. Throws if fewer than 10,000 digits are given.
 */
export function splitMnist(all: MnistSplit): MnistData {
  if (all.count < TRAIN_COUNT + TEST_COUNT) {
    throw new Error(
      `MNIST needs ${TRAIN_COUNT + TEST_COUNT} digits for the fixed split, the file has ${all.count}.`,
    );
  }
  const order = permutation(all.count, createRng(SPLIT_SEED));
  return {
    train: selectSamples(all, order.subarray(0, TRAIN_COUNT)),
    test: selectSamples(all, order.subarray(TRAIN_COUNT, TRAIN_COUNT + TEST_COUNT)),
  };
}

/**
 * Parses `mnist.bin` bytes into the fixed train/test split: what the browser worker calls after
 * fetching {@link MNIST_URL}, and what the Node loader calls after reading the file. Throws a clear
 * error on a bad or truncated file (see {@link decodeMnistFile}).
 */
export function parseMnist(bytes: Uint8Array): MnistData {
  return splitMnist(decodeMnistFile(bytes));
}
