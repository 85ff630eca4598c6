/** AdaRound on one dense layer: the reconstruction falls and every weight ends on ⌊W/s⌋ or ⌈W/s⌉. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { adaroundLayer, annealedBeta, ADAROUND_DEFAULTS, rectifiedSigmoid } from '../../../src/ptq/adaround';
import { createRng, normalArray, uniformArray } from '../../../src/tensor/rng';
import { expectClose, useCpuBackend } from '../../helpers/tf';

beforeAll(useCpuBackend);

describe('adaround', () => {
  it('anneals β from 20 to 2 after the warm start', () => {
    const o = { ...ADAROUND_DEFAULTS, iterations: 100 };
    expect(annealedBeta(20, o)).toBeCloseTo(20, 6);
    expect(annealedBeta(60, o)).toBeCloseTo(11, 6);
    expect(annealedBeta(100, o)).toBeCloseTo(2, 6);
  });

  it('rectified sigmoid: clip(σ(V)·1.2 − 0.1, 0, 1)', () => {
    expectClose(rectifiedSigmoid(tf.tensor1d([-10, 0, 10])), [0, 0.5, 1], 1e-6);
  });

  it('learns a rounding that reconstructs the layer better than nearest, on the grid', () => {
    const rng = createRng(5, 'adaround');
    const inD = 32;
    const out = 8;
    const weight = tf.tensor2d(normalArray(rng, inD * out, 0.2), [inD, out]);
    const bias = tf.tensor1d(normalArray(rng, out, 0.05));
    // Correlated, non-negative inputs (post-ReLU-like) make nearest rounding suboptimal.
    const base = tf.tensor2d(uniformArray(rng, 256 * 4, 0, 1), [256, 4]);
    const inputs = tf.relu(tf.matMul(base, tf.tensor2d(normalArray(rng, 4 * inD, 1), [4, inD])));
    const linear = (x: tf.Tensor, w: tf.Tensor) => tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D).add(bias);
    const targets = linear(inputs, weight);
    // 3-bit symmetric per-tensor grid [−4, 3] with s = max|W|/3.
    const scale = tf.scalar(weight.abs().max().dataSync()[0]! / 3).reshape([1]);
    const result = adaroundLayer(
      { weight, scale, zeroPoint: tf.zeros([1]), qmin: -4, qmax: 3, linear, inputs, targets },
      createRng(1, 'adaround-order'),
      { iterations: 400, lr: 1e-2 },
    );
    expect(result.reconstructionAfter).toBeLessThan(result.reconstructionBefore);
    expect(result.flipped).toBeGreaterThan(0);
    const codes = result.weight.div(scale).dataSync();
    const raw = weight.div(scale).dataSync();
    codes.forEach((c, i) => {
      const floor = Math.max(-4, Math.min(3, Math.floor(raw[i]!)));
      const ceil = Math.max(-4, Math.min(3, Math.floor(raw[i]!) + 1));
      expect(Math.abs(c - floor) < 1e-4 || Math.abs(c - ceil) < 1e-4, `weight ${i}: ${raw[i]} → ${c}`).toBe(
        true,
      );
    });
    // At V₀ the soft weight is W itself (loss ≈ 0); once the rounding term is on (20%), the total
    // objective falls as h(V) is pushed to 0 or 1.
    expect(result.losses[0]!).toBeLessThan(1e-6);
    expect(result.losses.at(-1)!).toBeLessThan(result.losses[2]!);
  });
});
