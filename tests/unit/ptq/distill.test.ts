/** ZeroQ-style distillation: the distilled images' BN statistics approach the stored ones. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { distillImages, NoBatchNormError } from '../../../src/ptq/distill';
import { networkInput, ptqForward } from '../../../src/ptq/inference';
import { useCpuBackend } from '../../helpers/tf';
import { disposeLayers, randomImages, randomLayers } from './floatNet';

beforeAll(useCpuBackend);

/** Mean over BN layers of |per-sample channel mean − β|, averaged. */
function meanGap(layers: ReturnType<typeof randomLayers>, images: tf.Tensor2D): number {
  return tf.tidy(() => {
    const gaps: number[] = [];
    ptqForward(layers, networkInput(layers, images), [], {
      pre: (i, y) => {
        const target = layers[i]!.preActivation;
        if (!target) return;
        const m = y.mean([1, 2]);
        gaps.push(m.sub(target.mean).abs().mean().dataSync()[0]!);
      },
    });
    return gaps.reduce((a, b) => a + b, 0) / gaps.length;
  });
}

describe('distillImages', () => {
  it('pulls the BN layers statistics to the stored ones', () => {
    const layers = randomLayers('cnn', 3);
    // Declare BN statistics: what the layers produce on a reference set of images.
    const reference = randomImages(64, 11);
    tf.tidy(() =>
      ptqForward(
        layers,
        networkInput(layers, reference),
        [],
        {
          pre: (i, y) => {
            const { mean, variance } = tf.moments(y, [0, 1, 2]);
            layers[i]!.preActivation = {
              mean: tf.keep(mean) as tf.Tensor1D,
              std: tf.keep(variance.sqrt()) as tf.Tensor1D,
            };
          },
        },
        0,
        2,
      ),
    );
    const noise = randomImages(8, 12).mul(3).sub(1) as tf.Tensor2D;
    const result = distillImages(layers, { count: 8, iterations: 100 });
    expect(result.lossAfter).toBeLessThan(result.lossBefore / 5);
    expect(meanGap(layers, result.images)).toBeLessThan(meanGap(layers, noise));
    tf.dispose([reference, noise, result.images]);
    disposeLayers(layers);
  });

  it('refuses a model without batch norm, saying why', () => {
    const layers = randomLayers('mlp');
    expect(() => distillImages(layers, { iterations: 1 })).toThrow(NoBatchNormError);
    expect(() => distillImages(layers, { iterations: 1 })).toThrow(/no convolutional layer with batch norm/);
    disposeLayers(layers);
  });
});
