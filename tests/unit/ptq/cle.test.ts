/** Cross-layer equalization and high-bias absorption leave the float network's function unchanged. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { channelAbsMax } from '../../../src/ptq/channels';
import { absorbHighBias, crossLayerEqualize } from '../../../src/ptq/cle';
import { useCpuBackend } from '../../helpers/tf';
import { disposeLayers, floatForward, randomImages, randomLayers } from './floatNet';

beforeAll(useCpuBackend);

function maxRelDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => a.sub(b).abs().max().div(b.abs().max()).dataSync()[0]!);
}

describe('crossLayerEqualize', () => {
  for (const arch of ['mlp', 'cnn', 'dscnn'] as const) {
    it(`keeps the ${arch}'s outputs and equalizes every pair's ranges`, () => {
      const layers = randomLayers(arch);
      const x = randomImages(8);
      const before = floatForward(layers, x);
      const report = crossLayerEqualize(layers);
      const after = floatForward(layers, x);
      expect(maxRelDiff(after, before)).toBeLessThan(1e-4);
      expect(report.sweeps).toBeLessThan(50);
      for (let i = 0; i + 1 < layers.length; i += 1) {
        const a = layers[i]!;
        const b = layers[i + 1]!;
        const r1 = channelAbsMax(a.weight, a.spec.kind, 'out', a.spec.outChannels).arraySync();
        const r2 = channelAbsMax(b.weight, b.spec.kind, 'in', a.spec.outChannels).arraySync();
        r1.forEach((r, c) => expect(r / r2[c]!).toBeCloseTo(1, 3));
      }
      tf.dispose([x, before, after]);
      disposeLayers(layers);
    });
  }

  it('scales by √(r₁/r₂) on a hand-computed pair', () => {
    const [a, b] = randomLayers('mlp').slice(0, 2);
    tf.dispose([a!.weight, b!.weight]);
    // fc1: 784 → 6 (widthMultiplier 0.25 of 24); give channel 0 range 4 and channel 1 range 1.
    const c = a!.spec.outChannels;
    a!.weight = tf.tidy(() => tf.zeros([784, c]).add(tf.tensor1d([4, 1, 1, 1, 1, 1].slice(0, c))));
    b!.weight = tf.tidy(() => tf.ones([c, b!.spec.outChannels]));
    const report = crossLayerEqualize([a!, b!]);
    expect(report.scales[a!.spec.name]![0]).toBeCloseTo(2, 5);
    expect(report.scales[a!.spec.name]![1]).toBeCloseTo(1, 5);
    disposeLayers([a!, b!]);
  });
});

describe('absorbHighBias', () => {
  it('moves max(0, β − 3|γ|) into the next layer without changing the outputs', () => {
    const layers = randomLayers('mlp');
    const x = randomImages(16);
    // Pre-activations of fc1 on this data, so that every sample sits above β − 3γ.
    const first = layers[0]!;
    const pre = tf.tidy(() => tf.matMul(x, first.weight as tf.Tensor2D).add(first.bias));
    const { mean, variance } = tf.moments(pre, 0);
    const lowest = pre.min(0);
    // Declare a BN distribution whose β − 3γ lies at or below every observed value.
    const std = tf.tidy(() => tf.maximum(mean.sub(lowest).div(3), variance.sqrt()) as tf.Tensor1D);
    // Shift fc1's bias up so that c > 0 on most channels.
    const lift = tf.tidy(() => std.mul(4) as tf.Tensor1D);
    const bias = first.bias.add(lift) as tf.Tensor1D;
    first.bias.dispose();
    first.bias = bias;
    first.preActivation = { mean: mean.add(lift) as tf.Tensor1D, std };
    const before = floatForward(layers, x);
    const report = absorbHighBias(layers);
    const after = floatForward(layers, x);
    expect(report[first.spec.name]!.some((c) => c > 0)).toBe(true);
    expect(maxRelDiff(after, before)).toBeLessThan(1e-5);
    tf.dispose([x, pre, mean, variance, lowest, lift, before, after]);
    disposeLayers(layers);
  });
});
