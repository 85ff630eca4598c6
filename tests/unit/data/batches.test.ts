/** Seeded RNG streams and batch sampling. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchSampler, chunks, imageBatch, labelBatch } from '../../../src/data/batches';
import { MNIST_PIXELS, type MnistSplit } from '../../../src/data/mnist';
import { initBackend } from '../../../src/tensor/backend';
import { createRng, normalArray, permutation } from '../../../src/tensor/rng';

describe('rng', () => {
  it('is reproducible per seed and stream, and streams differ', () => {
    const a = createRng(1, 'data');
    const b = createRng(1, 'data');
    const c = createRng(1, 'init');
    const seqA = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(seqA);
    expect([c(), c(), c()]).not.toEqual(seqA);
  });

  it('permutation is a permutation; normals have about unit variance', () => {
    const p = Array.from(permutation(100, createRng(3)));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const z = normalArray(createRng(4), 10_000);
    const variance = z.reduce((s, v) => s + v * v, 0) / z.length;
    expect(variance).toBeGreaterThan(0.95);
    expect(variance).toBeLessThan(1.05);
  });
});

describe('BatchSampler', () => {
  it('covers every sample once per epoch and repeats with the same seed', () => {
    const s1 = new BatchSampler(10, createRng(5, 'data'));
    const s2 = new BatchSampler(10, createRng(5, 'data'));
    const epoch = [...s1.next(4), ...s1.next(4), ...s1.next(2)];
    expect([...epoch].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...s2.next(10)]).toEqual(epoch);
    // A batch crossing the epoch boundary continues into a fresh permutation.
    expect(s1.next(15).length).toBe(15);
    expect(s1.epoch).toBe(2);
  });

  it('chunks cover 0..n−1', () => {
    expect([...chunks(5, 2)].map((c) => Array.from(c))).toEqual([[0, 1], [2, 3], [4]]);
  });
});

describe('tensor batches', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('scales pixels to [0, 1] and one-hot encodes labels', () => {
    const split: MnistSplit = {
      count: 2,
      images: new Uint8Array(2 * MNIST_PIXELS).fill(255, MNIST_PIXELS),
      labels: new Uint8Array([3, 9]),
    };
    const x = imageBatch(split, [1, 0]);
    const y = labelBatch(split, [1, 0]);
    expect(x.shape).toEqual([2, MNIST_PIXELS]);
    expect(x.dataSync()[0]).toBe(1);
    expect(x.dataSync()[MNIST_PIXELS]).toBe(0);
    expect(Array.from(tf.argMax(y, 1).dataSync())).toEqual([9, 3]);
    tf.dispose([x, y]);
  });

  it('gives every pixel value exactly the float32 of v / 255, in the order of the indices', () => {
    const count = 3;
    const images = new Uint8Array(count * MNIST_PIXELS).map((_, i) => (i * 7 + 3) % 256);
    const split: MnistSplit = { count, images, labels: new Uint8Array(count) };
    const indices = Int32Array.from([2, 0, 2, 1]);
    const x = imageBatch(split, indices);
    const got = x.dataSync();
    const want = new Float32Array(indices.length * MNIST_PIXELS);
    indices.forEach((s, i) => {
      for (let p = 0; p < MNIST_PIXELS; p += 1)
        want[i * MNIST_PIXELS + p] = images[s * MNIST_PIXELS + p] / 255;
    });
    expect(new Set(images).size).toBe(256);
    expect(Array.from(got)).toEqual(Array.from(want));
    x.dispose();
  });
});
