/**
 * Model-level checks of the per-step savings: a CNN with the fused BN gets the same loss, weight
 * gradients and running BN statistics as with the stock BN composition; an MLP whose first layer
 * skips dA gets the same weight gradients; and skipping the clip-fraction record changes neither the
 * quantized value nor the last recorded clip fraction. Float weights/activations for the gradient
 * comparisons, so no rounding boundary can amplify float round-off.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { experimentSchema } from '../../../src/experiment/schema';
import { QuantModel } from '../../../src/models/build';
import { forward } from '../../../src/models/forward';
import { createQuantizer } from '../../../src/quant/quantizer';
import { initBackend, selectOps, type OpSet } from '../../../src/tensor/backend';
import { matMulFast } from '../../../src/tensor/ops';
import { BACKENDS, maxAbs, randn } from './helpers';

/** Loss and gradients (by layer order) of one training forward of `model` on a fixed batch. */
function lossAndGrads(
  model: QuantModel,
  x: tf.Tensor2D,
  labels: tf.Tensor2D,
): { loss: number; grads: tf.Tensor[] } {
  const params = model.parameters();
  const { value, grads } = tf.variableGrads(
    () => tf.losses.softmaxCrossEntropy(labels, forward(model, x, { training: true })) as tf.Scalar,
    params,
  );
  const loss = value.dataSync()[0];
  value.dispose();
  return { loss, grads: params.map((p) => grads[p.name]) };
}

function compareModels(arch: 'cnn' | 'mlp', a: OpSet, b: OpSet): void {
  const exp = experimentSchema.parse({
    seed: 3,
    model: { arch, hidden: [32, 16] },
    quant: { weight: { bits: 32 }, act: { bits: 32 } },
  });
  const ma = QuantModel.build(exp, createQuantizer, a);
  const mb = QuantModel.build(exp, createQuantizer, b);
  const x = tf.clipByValue(tf.add(tf.mul(randn([8, 784]), 0.3), 0.3), 0, 1) as tf.Tensor2D;
  const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10).toFloat() as tf.Tensor2D;
  const ra = lossAndGrads(ma, x, labels);
  const rb = lossAndGrads(mb, x, labels);
  expect(Math.abs(ra.loss - rb.loss)).toBeLessThan(1e-5);
  ra.grads.forEach((g, i) => expect(maxAbs(g, rb.grads[i])).toBeLessThan(1e-5));
  ma.layers.forEach((l, i) => {
    if (!l.bn) return;
    expect(maxAbs(l.bn.runningMean, mb.layers[i].bn!.runningMean)).toBeLessThan(1e-5);
    expect(maxAbs(l.bn.runningVariance, mb.layers[i].bn!.runningVariance)).toBeLessThan(1e-5);
  });
  tf.dispose([x, labels, ...ra.grads, ...rb.grads]);
  ma.dispose();
  mb.dispose();
}

describe.each(BACKENDS)('model-level equivalence of the step optimizations (%s)', (backend) => {
  it('CNN: fused BN = stock BN (loss, gradients, running statistics)', async () => {
    await initBackend(backend);
    const ops = selectOps(backend);
    compareModels('cnn', { ...ops, batchNorm: 'fused' }, { ...ops, batchNorm: 'stock' });
  });

  it('MLP: first layer without dA = every layer with dA (weight gradients)', async () => {
    await initBackend(backend);
    const ops = selectOps(backend);
    compareModels('mlp', ops, {
      ...ops,
      matMul: (a, b) => (ops.kind === 'fast' ? matMulFast(a, b) : tf.matMul(a, b)),
    });
  });

  it('recordClip false: same quantized value, previous clip fraction kept', async () => {
    await initBackend(backend);
    const q = createQuantizer({
      config: experimentSchema.parse({}).quant.act,
      estimator: experimentSchema.parse({}).estimator,
      role: 'act',
      shape: [6],
    });
    const x1 = randn([5, 6]);
    const y1 = q.apply(x1, true);
    const clip1 = q.clipFraction();
    // A wider batch: the EMA range clips some entries, so recording would change the fraction.
    const x2 = tf.mul(randn([5, 6]), 4);
    const skipped = q.apply(x2, false, false);
    expect(maxAbs(q.clipFraction(), clip1)).toBe(0);
    const recorded = q.apply(x2, false, true);
    expect(maxAbs(skipped, recorded)).toBe(0);
    expect(q.clipFraction().dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([x1, y1, clip1, x2, skipped, recorded]);
    q.dispose();
  });
});
