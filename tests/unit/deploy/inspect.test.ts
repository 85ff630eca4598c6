/**
 * What the Deploy workspace shows of an integer model (src/deploy/inspect.ts), on real tfjs: a test
 * digit's codes per layer summarized, its integer logits against the fake-quant ones, and the layer
 * views beside the parity numbers; the model forms priced (src/deploy/modelForms.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageBatch } from '../../../src/data/batches';
import { loadMnistNode } from '../../../src/data/node';
import { evaluateInteger } from '../../../src/deploy/evaluate';
import { inspectDigit, integerLayerViews } from '../../../src/deploy/inspect';
import { buildIntegerModel, type IntegerModel } from '../../../src/deploy/integerModel';
import { exportAgrees } from '../../../src/deploy/agreement';
import { experimentSchema } from '../../../src/experiment/schema';
import { initBackend } from '../../../src/tensor/backend';
import { createTrainer, type QuantTrainer } from '../../../src/train/trainer';

const data = loadMnistNode();
const exp = experimentSchema.parse({
  data: { trainSize: 1000, testSize: 100 },
  model: { arch: 'cnn', widthMultiplier: 0.25 },
  quant: { weight: { bits: 8 }, act: { bits: 8 } },
  train: { steps: 30, batchSize: 32, evalEvery: 30 },
});

describe('the Deploy workspace’s view of an integer model', () => {
  let trainer: QuantTrainer;
  let integer: IntegerModel;
  beforeAll(async () => {
    await initBackend('wasm');
    trainer = (await createTrainer(exp, data)) as QuantTrainer;
    await trainer.run(exp.train.steps);
    const calib = imageBatch(
      data.train,
      Array.from({ length: 128 }, (_, i) => i),
    );
    integer = buildIntegerModel(trainer.model, exp, calib, { biasFracBits: 8 });
    calib.dispose();
  });
  afterAll(() => {
    integer.dispose();
    trainer.dispose();
  });

  it('follows a digit through every layer: codes on the grid, logits as fake quantization gives them', () => {
    const d = inspectDigit(trainer.model, integer, data.test, 7);
    expect(d.index).toBe(7);
    expect(d.label).toBe(data.test.labels[7]);
    expect(d.pixels).toHaveLength(784);
    expect(Math.max(...d.pixels)).toBeLessThanOrEqual(1);
    expect(d.layers.map((l) => l.name)).toEqual(integer.layers.map((l) => l.spec.name));
    d.layers.forEach((l, i) => {
      const elements = integer.layers[i]!.spec.inShape.reduce((a, b) => a * b, 1);
      expect(l.counts).toHaveLength(l.qmax - l.qmin + 1);
      expect(l.counts.reduce((a, b) => a + b, 0)).toBe(elements);
      expect(l.min).toBeGreaterThanOrEqual(l.qmin);
      expect(l.max).toBeLessThanOrEqual(l.qmax);
      expect(l.counts[l.min - l.qmin]).toBeGreaterThan(0);
      expect(l.counts[l.max - l.qmin]).toBeGreaterThan(0);
    });
    // The first layer's input is the quantized digit itself; the second's, channel 0 of conv1's output.
    const [first, second] = d.layers;
    expect(first!.heatmap).toMatchObject({ channel: 0, height: 28, width: 28 });
    expect(Math.max(...first!.heatmap!.codes)).toBe(first!.max);
    const [h, w] = integer.layers[1]!.spec.inShape;
    expect(second!.heatmap).toMatchObject({ height: h, width: w });
    expect(second!.heatmap!.codes).toHaveLength(h! * w!);
    expect(d.layers.slice(2).every((l) => l.heatmap === null)).toBe(true);
    // With the fine bias the integer logits are fake quantization's up to float32 rounding.
    const scale = Math.max(...d.fakeQuantLogits.map(Math.abs));
    d.integerLogits.forEach((v, k) => expect(Math.abs(v - d.fakeQuantLogits[k]!)).toBeLessThan(0.02 * scale));
  });

  it('refuses a digit outside the split', () => {
    expect(() => inspectDigit(trainer.model, integer, data.test, data.test.count)).toThrow(/outside/);
  });

  it('lists each layer with its grid, multipliers and parity', () => {
    const ev = evaluateInteger(trainer.model, integer, data.test, { count: 100 });
    const views = integerLayerViews(integer, ev);
    expect(views.map((v) => v.name)).toEqual(ev.layers.map((l) => l.name));
    views.forEach((v, i) => {
      const layer = integer.layers[i]!;
      expect(v.input).toEqual({
        scale: layer.input.scale,
        zeroPoint: layer.input.zero,
        qmin: layer.input.qmin,
        qmax: layer.input.qmax,
      });
      expect(v.fracBits).toBe(8);
      expect(v.accScale).toHaveLength(layer.spec.outChannels);
      expect(v.codeMismatch).toBe(ev.layers[i]!.codeMismatch);
      if (i === views.length - 1) expect(v.requant).toBeNull();
      else expect(v.requant!.m).toHaveLength(layer.spec.outChannels);
    });
  });
});

describe('the export bar', () => {
  it('needs 99.9% agreement and accuracies within one digit in 2,000', () => {
    expect(exportAgrees(2000, 1998, 1900, 1901)).toBe(true);
    expect(exportAgrees(2000, 1997, 1900, 1900)).toBe(false);
    expect(exportAgrees(2000, 2000, 1900, 1902)).toBe(false);
    expect(exportAgrees(4000, 4000, 3800, 3802)).toBe(true);
    expect(exportAgrees(256, 256, 200, 201)).toBe(true);
  });
});
