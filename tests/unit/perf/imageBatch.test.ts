/**
 * The image-batch kernel (src/tensor/kernels/imageBatch.ts, through src/data/batches.ts
 * ImageBatcher) against the JavaScript imageBatch on wasm: the same float32 for every pixel value,
 * rows in index order (repeats included), index checks, no tensors left after dispose, and a
 * training run bit-identical with and without it.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { IMAGE_KERNEL, ImageBatcher, imageBatch } from '../../../src/data/batches';
import { MNIST_PIXELS, type MnistSplit } from '../../../src/data/mnist';
import { loadMnistNode } from '../../../src/data/node';
import { experimentSchema } from '../../../src/experiment/schema';
import { QuantTrainer } from '../../../src/train/trainer';
import { useWasmBackend } from './helpers';

function split(count: number): MnistSplit {
  const images = new Uint8Array(count * MNIST_PIXELS).map((_, i) => (i * 7 + 3) % 256);
  return { count, images, labels: new Uint8Array(count) };
}

describe('image batches through the wasm kernel', () => {
  useWasmBackend();

  it('gives the same float32 pixels as imageBatch, row by row, through the kernel', async () => {
    const s = split(5);
    expect(new Set(s.images).size).toBe(256);
    const indices = Int32Array.from([4, 0, 2, 2, 1, 3, 0]);
    const batcher = new ImageBatcher(s);
    let got: tf.Tensor2D | null = null;
    const profile = await tf.profile(() => {
      got = batcher.batch(indices);
    });
    expect(profile.kernels.map((k) => k.name)).toContain('QuantLabImageBatch');
    const want = imageBatch(s, indices);
    expect(got!.shape).toEqual([indices.length, MNIST_PIXELS]);
    expect(Array.from(got!.dataSync())).toEqual(Array.from(want.dataSync()));
    tf.dispose([got!, want]);
    batcher.dispose();
  });

  it('rejects an index outside the split, and frees its pixels on dispose', () => {
    const before = tf.memory().numTensors;
    const batcher = new ImageBatcher(split(3));
    tf.tidy(() => {
      batcher.batch([0, 1, 2]); // uploads inside a tidy: the pixels must survive it
    });
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(() => batcher.batch([0, 3])).toThrow(/index 3 outside 0..2/);
    expect(() => batcher.batch([-1])).toThrow(/outside/);
    batcher.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('training is bit-identical with and without it', async () => {
    const exp = experimentSchema.parse({
      seed: 3,
      data: { trainSize: 256, testSize: 64 },
      model: { arch: 'mlp', hidden: [32] },
      quant: { weight: { bits: 4 }, act: { bits: 4 } },
      train: { optimizer: 'adam', lr: 3e-3, steps: 20, batchSize: 32, evalEvery: 20 },
    });
    const train = async (kernel: boolean) => {
      IMAGE_KERNEL.enabled = kernel;
      try {
        const trainer = new QuantTrainer(exp, loadMnistNode());
        await trainer.run(exp.train.steps);
        const weights = trainer.model.parameters().map((w) => Array.from(w.dataSync()));
        trainer.dispose();
        return weights;
      } finally {
        IMAGE_KERNEL.enabled = true;
      }
    };
    expect(await train(true)).toEqual(await train(false));
  });
});
