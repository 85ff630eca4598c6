/** BN folding: the folded layer computes what the layer followed by evaluation-mode BN computes. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, it } from 'vitest';
import { BN_EPSILON } from '../../../src/models/batchnorm';
import { foldBatchNorm } from '../../../src/ptq/fold';
import { createRng, normalArray, uniformArray } from '../../../src/tensor/rng';
import { expectClose, useCpuBackend } from '../../helpers/tf';

beforeAll(useCpuBackend);

describe('foldBatchNorm', () => {
  const rng = createRng(3, 'fold');
  const bn = (c: number) => ({
    gamma: tf.tensor1d(normalArray(rng, c, 1)),
    beta: tf.tensor1d(normalArray(rng, c, 0.5)),
    mean: tf.tensor1d(normalArray(rng, c, 0.3)),
    variance: tf.tensor1d(uniformArray(rng, c, 0.1, 2)),
  });
  const applyBn = (y: tf.Tensor, p: ReturnType<typeof bn>) =>
    y.sub(p.mean).div(p.variance.add(BN_EPSILON).sqrt()).mul(p.gamma).add(p.beta);

  it('conv: W·γ/σ and β + (b − μ)·γ/σ', () => {
    const x = tf.tensor4d(uniformArray(rng, 2 * 6 * 6 * 3, -1, 1), [2, 6, 6, 3]);
    const w = tf.tensor4d(normalArray(rng, 3 * 3 * 3 * 5, 0.5), [3, 3, 3, 5]);
    const p = bn(5);
    const folded = foldBatchNorm(w, undefined, p, 'conv');
    const want = applyBn(tf.conv2d(x, w, 1, 'same'), p);
    const got = tf.conv2d(x, folded.weight as tf.Tensor4D, 1, 'same').add(folded.bias);
    expectClose(got, want, 1e-4);
    expectClose(folded.preActivation.mean, p.beta);
    expectClose(folded.preActivation.std, p.gamma.abs());
  });

  it('depthwise, with a bias', () => {
    const x = tf.tensor4d(uniformArray(rng, 2 * 5 * 5 * 4, -1, 1), [2, 5, 5, 4]);
    const w = tf.tensor4d(normalArray(rng, 3 * 3 * 4, 0.5), [3, 3, 4, 1]);
    const b = tf.tensor1d(normalArray(rng, 4, 0.2));
    const p = bn(4);
    const folded = foldBatchNorm(w, b, p, 'depthwise');
    const want = applyBn(tf.depthwiseConv2d(x, w, 1, 'same').add(b), p);
    const got = tf.depthwiseConv2d(x, folded.weight as tf.Tensor4D, 1, 'same').add(folded.bias);
    expectClose(got, want, 1e-4);
  });

  it('dense', () => {
    const x = tf.tensor2d(uniformArray(rng, 4 * 7, -1, 1), [4, 7]);
    const w = tf.tensor2d(normalArray(rng, 7 * 3, 0.5), [7, 3]);
    const p = bn(3);
    const folded = foldBatchNorm(w, undefined, p, 'dense');
    expectClose(
      tf.matMul(x, folded.weight as tf.Tensor2D).add(folded.bias),
      applyBn(tf.matMul(x, w), p),
      1e-4,
    );
  });
});
