/**
 * Test fixtures for the post-training passes: random float layers for an architecture, BN
 * statistics, and a plain float forward pass over PtqLayer records (dense / conv / depthwise,
 * bias, ReLU, pooling, flatten), written directly on tfjs ops as the reference.
 */
import * as tf from '@tensorflow/tfjs';
import { experimentSchema } from '../../../src/experiment/schema';
import { describeModel } from '../../../src/models/spec';
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
  return tf.tidy(() => {
    let h: tf.Tensor = layers[0]!.spec.kind === 'dense' ? x : x.reshape([-1, 28, 28, 1]);
    for (const { spec, weight, bias } of layers) {
      if (spec.kind === 'dense') h = tf.matMul(h as tf.Tensor2D, weight as tf.Tensor2D);
      else if (spec.kind === 'conv') h = tf.conv2d(h as tf.Tensor4D, weight as tf.Tensor4D, 1, 'same');
      else h = tf.depthwiseConv2d(h as tf.Tensor4D, weight as tf.Tensor4D, 1, 'same');
      h = h.add(bias);
      if (spec.activation === 'relu') h = tf.relu(h);
      if (spec.pool === 'max2') h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid');
      if (spec.pool === 'gap') h = h.mean([1, 2], true);
      if (spec.flatten) h = h.reshape([h.shape[0]!, -1]);
    }
    return h;
  });
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
