/** The folded inference graph computes what the trained model computes in evaluation mode. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { experimentSchema } from '../../../src/experiment/schema';
import { QuantModel } from '../../../src/models/build';
import { forward } from '../../../src/models/forward';
import { disposePtqLayers, ptqLayersOf } from '../../../src/ptq/extract';
import { networkInput, ptqForward } from '../../../src/ptq/inference';
import { createQuantizer } from '../../../src/quant/quantizer';
import { createRng, normalArray, uniformArray } from '../../../src/tensor/rng';
import { useCpuBackend } from '../../helpers/tf';
import { randomImages } from './floatNet';

beforeAll(useCpuBackend);

describe('ptqLayersOf', () => {
  for (const arch of ['mlp', 'cnn', 'dscnn'] as const) {
    it(`${arch}: BN folded, same logits as the float model in evaluation mode`, () => {
      const exp = experimentSchema.parse({
        model: { arch, hidden: [32], widthMultiplier: 0.5 },
        quant: { weight: { bits: 32 }, act: { bits: 32 } },
      });
      const model = QuantModel.build(exp, createQuantizer);
      const rng = createRng(4, 'bn');
      for (const { bn, bias } of model.layers) {
        if (bias) bias.assign(tf.tensor1d(normalArray(rng, bias.shape[0], 0.1)));
        if (!bn) continue;
        const c = bn.gamma.shape[0];
        bn.gamma.assign(tf.tensor1d(uniformArray(rng, c, 0.5, 1.5)));
        bn.beta.assign(tf.tensor1d(normalArray(rng, c, 0.2)));
        bn.runningMean.assign(tf.tensor1d(normalArray(rng, c, 0.2)));
        bn.runningVariance.assign(tf.tensor1d(uniformArray(rng, c, 0.05, 0.5)));
      }
      const x = randomImages(4);
      const want = tf.tidy(() => forward(model, x, { training: false }));
      const layers = ptqLayersOf(model);
      const got = tf.tidy(() => ptqForward(layers, networkInput(layers, x)));
      const err = tf.tidy(() => got.sub(want).abs().max().div(want.abs().max()).dataSync()[0]!);
      expect(err).toBeLessThan(1e-4);
      expect(layers.every((l) => l.bias.shape[0] === l.spec.outChannels)).toBe(true);
      expect(layers.filter((l) => l.preActivation).length).toBe(model.layers.filter((l) => l.bn).length);
      disposePtqLayers(layers);
      model.dispose();
      tf.dispose([x, want, got]);
    });
  }
});
