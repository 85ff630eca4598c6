/**
 * Test fixtures for the post-training passes: random float layers for an architecture, BN
 * and the float forward pass of the inference graph (checked against the training forward in
 * extract.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { experimentSchema } from '../../../src/experiment/schema';
import { describeModel } from '../../../src/models/spec';
import { networkInput, ptqForward } from '../../../src/ptq/inference';
import type { PtqLayer } from '../../../src/ptq/types';
import { createRng, normalArray, uniformArray } from '../../../src/tensor/rng';

/** Float layers of `arch` with random weights and biases; per-channel weight ranges spread out. */
export function randomLayers(arch: 'mlp' | 'cnn' | 'dscnn', seed = 1): PtqLayer[] {
  const exp = experimentSchema.parse({
    model: { arch, hidden: [24, 16], widthMultiplier: 0.25 },
  });
  const rng = createRng(seed, 'test');
  return describeModel(exp).map((spec) => {
    const size = spec.weightShape.reduce((a, b) => a * b, 1);
    const c = spec.outChannels;
    // Spread channel ranges over two decades so equalization has something to do.
    const spread = uniformArray(rng, c, -1, 1).map((u) => 10 ** u);
    const w = tf.tidy(() =>
      tf
        .tensor(normalArray(rng, size, 0.3), spec.weightShape)
        .mul(spec.kind === 'depthwise' ? tf.tensor(spread).reshape([1, 1, c, 1]) : tf.tensor(spread)),
    );
    return { spec, weight: w, bias: tf.tensor1d(normalArray(rng, c, 0.1)) };
  });
}

/** The float network's logits for x [N, 784]. */
export function floatForward(layers: PtqLayer[], x: tf.Tensor2D): tf.Tensor {
  return tf.tidy(() => ptqForward(layers, networkInput(layers, x)));
}

/** n random images in [0, 1]. */
export function randomImages(n: number, seed = 2): tf.Tensor2D {
  return tf.tensor2d(uniformArray(createRng(seed, 'images'), n * 784, 0, 1), [n, 784]);
}

export function disposeLayers(layers: PtqLayer[]): void {
  for (const l of layers)
    tf.dispose(
      [l.weight, l.bias, l.preActivation?.mean, l.preActivation?.std].filter((t) => t !== undefined),
    );
}
