/** The MNIST binary: parser errors, the fixed split, and the real file built from the package. */
import { describe, expect, it } from 'vitest';
import { decodeMnistFile, MNIST_PIXELS, parseMnist, TEST_COUNT, TRAIN_COUNT } from '../../../src/data/mnist';
import { loadMnistNode } from '../../../src/data/node';

/** A valid file with `count` digits (pixels = index mod 256, labels = index mod 10). */
function makeFile(count: number): Uint8Array {
  const bytes = new Uint8Array(16 + count * (MNIST_PIXELS + 1));
  bytes.set([0x51, 0x4c, 0x4d, 0x4e, 1, 28, 28, 0]);
  new DataView(bytes.buffer).setUint32(8, count, true);
  for (let i = 0; i < count; i += 1) {
    bytes.fill(i % 256, 16 + i * MNIST_PIXELS, 16 + (i + 1) * MNIST_PIXELS);
    bytes[16 + count * MNIST_PIXELS + i] = i % 10;
  }
  return bytes;
}

describe('decodeMnistFile', () => {
  it('reads a well-formed file', () => {
    const split = decodeMnistFile(makeFile(3));
    expect(split.count).toBe(3);
    expect(Array.from(split.labels)).toEqual([0, 1, 2]);
    expect(split.images[MNIST_PIXELS]).toBe(1);
  });

  it('rejects a truncated file with a clear error', () => {
    const file = makeFile(3);
    expect(() => decodeMnistFile(file.subarray(0, file.length - 1))).toThrow(
      /truncated: .* expected .* for 3 digits.*build-mnist/,
    );
    expect(() => decodeMnistFile(file.subarray(0, 10))).toThrow(/truncated.*header/);
  });

  it('rejects bad magic, version, shape, extra bytes and labels', () => {
    const bad = (edit: (b: Uint8Array) => Uint8Array) => () => decodeMnistFile(edit(makeFile(2)));
    expect(bad((b) => (b.set([0x50], 0), b))).toThrow(/bad magic/);
    expect(bad((b) => (b.set([2], 4), b))).toThrow(/format version 2/);
    expect(bad((b) => (b.set([27], 5), b))).toThrow(/27×28/);
    expect(bad((b) => new Uint8Array([...b, 0]))).toThrow(/too long/);
    expect(bad((b) => (b.set([12], b.length - 1), b))).toThrow(/label 12/);
  });

  it('refuses to split fewer than 10,000 digits', () => {
    expect(() => parseMnist(makeFile(100))).toThrow(/10000 digits/);
  });
});

describe('the real MNIST split', () => {
  const data = loadMnistNode();

  it('has 8,000 training and 2,000 test digits of 28×28', () => {
    expect(data.train.count).toBe(TRAIN_COUNT);
    expect(data.test.count).toBe(TEST_COUNT);
    expect(data.train.images.length).toBe(TRAIN_COUNT * MNIST_PIXELS);
  });

  it('is fixed: the same test digits in every process (golden values)', () => {
    // Changing these means every stored result was scored on a different test set.
    expect(Array.from(data.test.labels.subarray(0, 12))).toEqual([4, 7, 5, 1, 7, 2, 6, 4, 5, 0, 6, 8]);
    const counts = new Array(10).fill(0);
    data.test.labels.forEach((l) => counts[l]++);
    expect(counts).toEqual([204, 252, 178, 213, 200, 176, 192, 219, 182, 184]);
    expect(data.test.images.subarray(0, 5 * MNIST_PIXELS).reduce((s, v) => s + v, 0)).toBe(156495);
  });
});
