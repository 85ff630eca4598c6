/**
 * A layer kind added through the registry alone: an elementwise per-channel scale y = x ⊙ w,
 * w [C] (initialized to ones). Spec, init, quantizers, forward, gradient and cost all run through
 * it without any other file knowing the kind.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeCost, costOptionsOf } from '../../../src/cost/report';
import { experimentSchema } from '../../../src/experiment/schema';
import { convDraft, denseDraft, type LayerDraft } from '../../../src/models/archs';
import { QuantModel } from '../../../src/models/build';
import { forward } from '../../../src/models/forward';
import { layerKindDef, layerKinds, registerLayerKind } from '../../../src/models/layers/registry';
import type { LayerKindDef } from '../../../src/models/layers/types';
import { weightQuantizerOptions } from '../../../src/models/quantizers';
import { describeLayers } from '../../../src/models/spec';
import { createQuantizer } from '../../../src/quant/quantizer';
import { initBackend } from '../../../src/tensor/backend';

const elements = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

const SCALE: LayerKindDef = {
  input: 'image',
  shape: (inShape) => ({
    weightShape: [inShape[inShape.length - 1]],
    macs: elements(inShape),
    outShape: [...inShape],
  }),
  fanIn: () => 1,
  fanOut: () => 1,
  init: (spec) => new Float32Array(spec.weightShape[0]).fill(1),
  weightChannelAxis: () => 0,
  prePoolElements: (spec) => elements(spec.inShape),
  op: (x, w, _inputGrad, _ops, tfApi) => tfApi.mul(x, w),
  macsFormula: (spec) => ({
    formula: 'H·W·C (elementwise)',
    filled: `${spec.inShape.join('·')} = ${spec.macs}`,
  }),
};

const exp = experimentSchema.parse({ seed: 3, quant: { weight: { bits: 32 }, act: { bits: 32 } } });
const scaleDraft: LayerDraft = {
  ...convDraft('s1', 'scale', 4, 1, 'max2'),
  batchNorm: false,
  activation: 'none',
  flatten: true,
};
const withScale = (): LayerDraft[] => [
  convDraft('conv1', 'conv', 4, 3, 'none'),
  scaleDraft,
  denseDraft('fc', 10, true),
];
const withoutScale = (): LayerDraft[] => [
  { ...convDraft('conv1', 'conv', 4, 3, 'max2'), flatten: true },
  denseDraft('fc', 10, true),
];
const x = () => tf.randomUniform([2, 784], 0, 1, 'float32', 7) as tf.Tensor2D;

let unregister: () => void;
beforeAll(async () => {
  await initBackend('cpu');
  unregister = registerLayerKind('scale', SCALE);
});
afterAll(() => unregister());

describe('a layer kind registered for a test', () => {
  it('is listed and looked up; a taken name is refused', () => {
    expect(layerKinds()).toContain('scale');
    expect(layerKindDef('scale')).toBe(SCALE);
    expect(() => registerLayerKind('conv', SCALE)).toThrow(/exists/);
  });

  it('gets shapes, MACs and a per-channel weight quantizer along its own axis', () => {
    const specs = describeLayers(withScale(), exp);
    expect(specs.map((s) => s.kind)).toEqual(['conv', 'scale', 'dense']);
    expect(specs[1]).toMatchObject({ inShape: [28, 28, 4], outShape: [784], weightShape: [4], macs: 3136 });
    expect(specs[2].weightShape).toEqual([784, 10]);
    const q = weightQuantizerOptions(
      experimentSchema.parse({ quant: { weight: { perChannel: true } } }),
      specs[1],
    );
    expect(q.channelAxis).toBe(0);
  });

  it('runs forward: a scale of ones leaves the logits of the same model without it', () => {
    const a = QuantModel.fromSpecs(exp, describeLayers(withScale(), exp), createQuantizer);
    const b = QuantModel.fromSpecs(exp, describeLayers(withoutScale(), exp), createQuantizer);
    expect(a.layers[1].weight.dataSync()).toEqual(new Float32Array(4).fill(1));
    const [ya, yb] = tf.tidy(() => {
      const input = x();
      return [
        forward(a, input, { training: false }).dataSync(),
        forward(b, input, { training: false }).dataSync(),
      ];
    });
    expect(Array.from(ya)).toEqual(Array.from(yb));
    a.dispose();
    b.dispose();
  });

  it('trains: the gradient of its weights matches a finite difference', () => {
    const model = QuantModel.fromSpecs(exp, describeLayers(withScale(), exp), createQuantizer);
    const scale = model.layers[1].weight;
    const input = x();
    const loss = () => tf.sum(forward(model, input, { training: false })) as tf.Scalar;
    const { grads, value } = tf.variableGrads(loss, [scale]);
    const g = grads[scale.name].dataSync()[0];
    const eps = 0.01;
    const at = (s0: number) => {
      scale.assign(tf.tensor1d([s0, 1, 1, 1]));
      return tf.tidy(() => loss().dataSync()[0]);
    };
    const numeric = (at(1 + eps) - at(1 - eps)) / (2 * eps);
    expect(g).not.toBe(0);
    expect(g).toBeCloseTo(numeric, 1);
    tf.dispose([value, grads[scale.name], input]);
    model.dispose();
  });

  it('is priced: MACs at its bits, elementwise terms on its pre-pool elements', () => {
    const q = experimentSchema.parse({ quant: { weight: { bits: 4 }, act: { bits: 4 } } });
    const report = computeCost(describeLayers(withScale(), q), costOptionsOf(q));
    const layer = report.layers[1];
    expect(layer).toMatchObject({ name: 's1', kind: 'scale', macs: 3136, weightBits: 4, actBits: 4 });
    expect(layer.opCounts.scale).toBe(3136);
    expect(layer.opCounts.bias + layer.opCounts.bn + layer.opCounts.act).toBe(0);
    expect(layer.opCounts.pool).toBe(14 * 14 * 4 * 3);
    expect(layer.bops).toBe(3136 * 16);
  });
});
