/**
 * Data-free calibration data (ZeroQ, Cai et al. 2020; docs/ptq.md §6): inputs optimized so that each
 * BN layer's statistics on them match the statistics BN stored during training.
 *
 * For every sample and every BN layer, the per-channel mean and standard deviation over positions of
 * the layer's pre-activation are pulled to BN's (β, |γ|) (the folded layer's, which is the same
 * condition as matching the pre-BN output to the running mean and standard deviation), and the
 * sample's own pixel mean and standard deviation to the data's. Loss per term: ‖target − stat‖²
 * summed over channels, averaged over samples. Adam at 0.5 on the pixels, the rate divided by 10
 * after 100 iterations without a new best loss (down to 10⁻⁴), 500 iterations.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, normalArray } from '../tensor/rng';
import { createOptimizer } from '../train/optimizer';
import { networkInput, ptqForward } from './inference';
import type { PtqLayer } from './types';

/** MNIST's pixel mean and standard deviation (pixels in [0, 1]): the input term's target. */
export const MNIST_PIXEL_MEAN = 0.1307;
export const MNIST_PIXEL_STD = 0.3081;

export interface DistillOptions {
  count: number;
  iterations: number;
  lr: number;
  /** Iterations without a new best loss before the rate drops tenfold. */
  patience: number;
  minLr: number;
  seed: number;
}

export const DISTILL_DEFAULTS: DistillOptions = {
  count: 32,
  iterations: 500,
  lr: 0.5,
  patience: 100,
  minLr: 1e-4,
  seed: 1,
};

export interface DistillResult {
  /** [count, 784] distilled images (caller owns). */
  images: tf.Tensor2D;
  /** The loss at the start and at the end. */
  lossBefore: number;
  lossAfter: number;
}

/** Thrown when a model has no BN statistics to distill from. */
export class NoBatchNormError extends Error {}

/** Per-sample mean and standard deviation over every axis but the first and the last: [N, C] each. */
function sampleStats(y: tf.Tensor): { mean: tf.Tensor; std: tf.Tensor } {
  const n = y.shape[0]!;
  const c = y.shape[y.shape.length - 1]!;
  const flat = y.reshape([n, -1, c]);
  const { mean, variance } = tf.moments(flat, 1);
  const count = flat.shape[1]!;
  // Unbiased variance, as torch.var; ε inside the root keeps the gradient finite.
  const unbiased = count > 1 ? variance.mul(count / (count - 1)) : variance;
  return { mean, std: unbiased.add(1e-6).sqrt() };
}

/** ‖target − stat‖² over channels, averaged over samples. */
function statLoss(stat: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.squaredDifference(stat, target).sum(1).mean();
}

/** Distills `options.count` images from the BN statistics of `layers`. */
export function distillImages(layers: PtqLayer[], options: Partial<DistillOptions> = {}): DistillResult {
  const o = { ...DISTILL_DEFAULTS, ...options };
  const bnLayers = layers.flatMap((l, i) => (l.preActivation && l.spec.kind !== 'dense' ? [i] : []));
  if (bnLayers.length === 0)
    throw new NoBatchNormError(
      'distilled calibration needs batch-norm statistics, and this model has no convolutional layer with batch norm (the MLP has none): calibrate on training data instead',
    );
  const rng = createRng(o.seed, 'distill');
  const init = normalArray(rng, o.count * 784, MNIST_PIXEL_STD).map((v) => v + MNIST_PIXEL_MEAN);
  const pixels = tf.variable(tf.tensor2d(init, [o.count, 784]), true);
  const adam = createOptimizer('adam', o.lr);
  const last = Math.max(...bnLayers) + 1;
  const lossOf = () => {
    const pre = new Map<number, tf.Tensor>();
    ptqForward(
      layers,
      networkInput(layers, pixels as tf.Tensor2D),
      [],
      { pre: (i, y) => pre.set(i, y) },
      0,
      last,
    );
    let loss = tf.scalar(0);
    for (const i of bnLayers) {
      const { mean, std } = sampleStats(pre.get(i)!);
      const target = layers[i]!.preActivation!;
      loss = loss
        .add(statLoss(mean, target.mean.reshape([1, -1])))
        .add(statLoss(std, target.std.reshape([1, -1])));
    }
    const input = sampleStats(pixels.reshape([o.count, -1, 1]));
    return loss
      .add(statLoss(input.mean, tf.fill([1, 1], MNIST_PIXEL_MEAN)))
      .add(statLoss(input.std, tf.fill([1, 1], MNIST_PIXEL_STD))) as tf.Scalar;
  };
  try {
    const lossBefore = tf.tidy(() => lossOf().dataSync()[0]!);
    let best = Infinity;
    let stale = 0;
    for (let t = 0; t < o.iterations; t += 1) {
      const loss = adam.optimizer.minimize(lossOf, true, [pixels])!;
      const value = loss.dataSync()[0]!;
      loss.dispose();
      if (value < best) {
        best = value;
        stale = 0;
      } else if (++stale > o.patience) {
        adam.setLearningRate(Math.max(o.minLr, adam.learningRate / 10));
        stale = 0;
      }
    }
    const lossAfter = tf.tidy(() => lossOf().dataSync()[0]!);
    return { images: pixels.clone() as tf.Tensor2D, lossBefore, lossAfter };
  } finally {
    adam.dispose();
    pixels.dispose();
  }
}
