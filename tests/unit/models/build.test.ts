/** Model building, forward pass, BN re-estimation and quantizer rebuilds, with the real quantizers (cpu). */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { experimentSchema, type ExperimentInput } from '../../../src/experiment/schema';
import { QuantModel } from '../../../src/models/build';
import { forward } from '../../../src/models/forward';
import { disposeBnStats, reestimateBatchNorm } from '../../../src/models/reestimate';
import { createQuantizer } from '../../../src/quant/quantizer';
import { initBackend } from '../../../src/tensor/backend';

const small = (input: ExperimentInput = {}) =>
  experimentSchema.parse({ ...input, model: { widthMultiplier: 0.25, hidden: [32], ...input.model } });
const batch = (n: number) => tf.randomUniform([n, 784], 0, 1, 'float32', 1) as tf.Tensor2D;

beforeAll(async () => {
  await initBackend('cpu');
});

describe('QuantModel', () => {
  it.each(['mlp', 'cnn', 'dscnn'] as const)(
    'builds %s: variable shapes follow the spec; logits are [N, 10]',
    (arch) => {
      const model = QuantModel.build(small({ model: { arch } }), createQuantizer);
      for (const layer of model.layers) expect(layer.weight.shape).toEqual(layer.spec.weightShape);
      expect(model.layers.some((l) => l.bn)).toBe(arch !== 'mlp');
      const shape = tf.tidy(() => forward(model, batch(3), { training: false }).shape);
      expect(shape).toEqual([3, 10]);
      model.dispose();
    },
  );

  it('initializes from the seed: same seed same weights, other seed other weights', () => {
    const read = (seed: number) => {
      const m = QuantModel.build(small({ seed }), createQuantizer);
      const w = Array.from(m.layers[0].weight.dataSync().slice(0, 5));
      m.dispose();
      return w;
    };
    expect(read(1)).toEqual(read(1));
    expect(read(1)).not.toEqual(read(2));
  });

  it('leaks no tensors: build, train-mode forward, re-estimation, rebuild, dispose', () => {
    const before = tf.memory().numTensors;
    const model = QuantModel.build(
      small({ model: { arch: 'cnn' }, quant: { quantNorm: true } }),
      createQuantizer,
    );
    tf.tidy(() => {
      forward(model, batch(4), { training: true });
    });
    disposeBnStats(reestimateBatchNorm(model, 2, () => batch(4)));
    model.rebuildQuantizers(small({ model: { arch: 'cnn' }, quant: { weight: { bits: 2 } } }));
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a failing build (bad estimator parameter) throws and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const bad = small({ model: { arch: 'cnn' }, estimator: { name: 'cosine', param: 5 } });
    expect(() => QuantModel.build(bad, createQuantizer)).toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('training-mode forward updates BN running statistics; eval-mode does not', () => {
    const model = QuantModel.build(small({ model: { arch: 'cnn' } }), createQuantizer);
    const bn = model.layers[0].bn!;
    tf.dispose(tf.tidy(() => forward(model, batch(4), { training: false })));
    expect(bn.runningMean.dataSync().every((v) => v === 0)).toBe(true);
    tf.dispose(tf.tidy(() => forward(model, batch(4), { training: true })));
    expect(bn.runningMean.dataSync().some((v) => v !== 0)).toBe(true);
    model.dispose();
  });

  it('BN re-estimation averages batch statistics and leaves the running ones alone', () => {
    const model = QuantModel.build(small({ model: { arch: 'cnn' } }), createQuantizer);
    const x = batch(6);
    const stats = reestimateBatchNorm(model, 3, () => x.clone());
    // The same batch three times: the average equals that batch's statistics.
    const direct = new Map<string, Float32Array>();
    tf.tidy(() => {
      forward(model, x, {
        training: false,
        collectBnStats: (name, s) => direct.set(name, s.mean.dataSync() as Float32Array),
      });
    });
    const conv1 = stats.get('conv1')!;
    expect(Array.from(conv1.mean.dataSync()).map((v) => v.toFixed(5))).toEqual(
      Array.from(direct.get('conv1')!).map((v) => v.toFixed(5)),
    );
    expect(model.layers[0].bn!.runningVariance.dataSync().every((v) => v === 1)).toBe(true);
    disposeBnStats(stats);
    x.dispose();
    model.dispose();
  });

  it('rebuildQuantizers keeps the weights and applies the new bits', () => {
    const model = QuantModel.build(small(), createQuantizer);
    const w = Array.from(model.layers[0].weight.dataSync());
    model.rebuildQuantizers(small({ quant: { weight: { bits: 2 } } }));
    expect(Array.from(model.layers[0].weight.dataSync())).toEqual(w);
    expect(model.layers[0].spec.weightBits).toBe(2);
    expect(model.layers[0].quantizers.weight.grid.qmax).toBe(1);
    expect(() => model.rebuildQuantizers(small({ model: { hidden: [8] } }))).toThrow(/does not match/);
    model.dispose();
  });
});
