/** The ordered walk over a built model's layers: kinds, variables and quantizers of each arch. */
import { beforeAll, describe, expect, it } from 'vitest';
import { experimentSchema, MODEL_ARCHS } from '../../../src/experiment/schema';
import { MODEL_ARCH_DEFS } from '../../../src/models/archs';
import { QuantModel } from '../../../src/models/build';
import { walkLayers } from '../../../src/models/walk';
import { createQuantizer } from '../../../src/quant/quantizer';
import { initBackend } from '../../../src/tensor/backend';

const build = (arch: string, quantNorm = false) =>
  QuantModel.build(
    experimentSchema.parse({
      model: { arch, hidden: [32, 16], widthMultiplier: 0.25 },
      quant: { quantNorm },
    }),
    createQuantizer,
  );

beforeAll(async () => {
  await initBackend('cpu');
});

describe('walkLayers', () => {
  it('the architectures table is the schema enum, with a label each', () => {
    expect(Object.keys(MODEL_ARCH_DEFS)).toEqual([...MODEL_ARCHS]);
    for (const def of Object.values(MODEL_ARCH_DEFS)) expect(def.label.length).toBeGreaterThan(0);
  });

  it.each([
    ['mlp', ['dense', 'dense', 'dense'], ['fc1', 'fc2', 'fc3']],
    ['cnn', ['conv', 'conv', 'dense'], ['conv1', 'conv2', 'fc']],
    [
      'dscnn',
      ['conv', 'depthwise', 'conv', 'depthwise', 'conv', 'dense'],
      ['conv1', 'dw2', 'pw2', 'dw3', 'pw3', 'fc'],
    ],
  ])('%s: layers in forward order with their kinds', (arch, kinds, names) => {
    const model = build(arch);
    const walk = walkLayers(model);
    expect(walk.map((l) => l.kind)).toEqual(kinds);
    expect(walk.map((l) => l.name)).toEqual(names);
    walk.forEach((l, i) => {
      expect(l.variables.weight).toBe(model.layers[i].weight);
      expect(l.variables.weight.shape).toEqual(l.spec.weightShape);
      expect(Object.keys(l.quantizers)).toEqual(['weight', 'act']);
      expect(l.quantizers.weight).toBe(model.layers[i].quantizers.weight);
    });
    // Dense layers carry a bias; conv-like layers carry BN (γ, β) instead.
    for (const l of walk)
      expect(Object.keys(l.variables)).toEqual(
        l.kind === 'dense' ? ['weight', 'bias'] : ['weight', 'gamma', 'beta'],
      );
    model.dispose();
  });

  it('names the QuantNorm quantizers of BN layers, and covers every parameter and quantizer', () => {
    const model = build('cnn', true);
    const walk = walkLayers(model);
    expect(Object.keys(walk[0].quantizers)).toEqual(['weight', 'act', 'bnGamma', 'bnBeta']);
    expect(walk.flatMap((l) => Object.values(l.variables))).toEqual(model.parameters());
    expect(walk.flatMap((l) => Object.values(l.quantizers))).toEqual(model.quantizers());
    model.dispose();
  });
});
