/** The post-training pipeline on random float layers: mechanics, not accuracy (lessons measure that). */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { experimentSchema } from '../../../src/experiment/schema';
import { networkInput, ptqForward } from '../../../src/ptq/inference';
import { quantizePostTraining, type PtqModel } from '../../../src/ptq/pipeline';
import type { PtqLayer } from '../../../src/ptq/types';
import { expectNoLeak, useCpuBackend } from '../../helpers/tf';
import { disposeLayers, floatForward, randomImages, randomLayers } from './floatNet';

beforeAll(useCpuBackend);

const exp = (weightBits: number, actBits: number, over: object = {}) =>
  experimentSchema.parse({
    model: { arch: 'dscnn', widthMultiplier: 0.25 },
    quant: { weight: { bits: weightBits, ...over }, act: { bits: actBits, range: 'minmax' } },
  });

function relErr(layers: PtqLayer[], model: PtqModel, x: tf.Tensor2D) {
  return tf.tidy(() => {
    const want = floatForward(layers, x);
    const got = ptqForward(model.layers, networkInput(model.layers, x), model.quant);
    return got.sub(want).abs().max().div(want.abs().max()).dataSync()[0]!;
  });
}

describe('quantizePostTraining', () => {
  it('W8A8 per-channel nearest stays close to the float model; W3 does not', () => {
    const layers = randomLayers('dscnn');
    const calib = randomImages(16);
    const w8 = quantizePostTraining(layers, exp(8, 8, { perChannel: true }), calib);
    const w3 = quantizePostTraining(layers, exp(3, 8, { perChannel: true }), calib);
    const e8 = relErr(layers, w8.model, calib);
    const e3 = relErr(layers, w3.model, calib);
    expect(e8).toBeLessThan(0.05);
    expect(e3).toBeGreaterThan(e8);
    expect(w8.report.layers.map((l) => l.name)).toEqual(['conv1', 'dw2', 'pw2', 'dw3', 'pw3', 'fc']);
    expect(w8.report.layers[0]!.actRange.min[0]).toBe(0); // pixels: unsigned grid from 0
    w8.model.dispose();
    w3.model.dispose();
    disposeLayers(layers);
    calib.dispose();
  });

  it('per-tensor weights lose the small channels; CLE gives them back', () => {
    // randomLayers spreads channel ranges over two decades, the case equalization is for.
    const layers = randomLayers('dscnn');
    const calib = randomImages(16);
    const plain = quantizePostTraining(layers, exp(6, 8), calib);
    const cle = quantizePostTraining(layers, exp(6, 8), calib, { cle: true });
    expect(relErr(layers, cle.model, calib)).toBeLessThan(relErr(layers, plain.model, calib) / 2);
    plain.model.dispose();
    cle.model.dispose();
    disposeLayers(layers);
    calib.dispose();
  });

  it('empirical bias correction removes the measured shift on the calibration set', () => {
    const layers = randomLayers('dscnn');
    const calib = randomImages(16);
    const plain = quantizePostTraining(layers, exp(3, 8), calib);
    const corrected = quantizePostTraining(layers, exp(3, 8), calib, { biasCorrection: 'empirical' });
    for (const l of corrected.report.layers) {
      expect(l.meanShiftAfter).toBeLessThan(1e-5 + 1e-3 * l.meanShiftBefore);
      expect(l.biasShift).toHaveLength(l.name === 'fc' ? 10 : l.biasShift.length);
    }
    expect(plain.report.layers.every((l) => l.biasShift.length === 0)).toBe(true);
    plain.model.dispose();
    corrected.model.dispose();
    disposeLayers(layers);
    calib.dispose();
  });

  it('AdaRound reports flipped weights; CLE reports its sweeps; nothing leaks', async () => {
    const layers = randomLayers('dscnn');
    const calib = randomImages(8);
    const run = () =>
      quantizePostTraining(layers, exp(4, 8, { perChannel: true }), calib, {
        cle: true,
        rounding: 'adaround',
        adaround: { iterations: 20 },
      });
    const { model, report } = run();
    expect(report.cle!.sweeps).toBeGreaterThan(0);
    expect(report.layers.some((l) => (l.adaroundFlipped ?? 0) > 0)).toBe(true);
    expect(report.layers.every((l) => l.weightRange.min.length === l.weightRange.max.length)).toBe(true);
    model.dispose();
    await expectNoLeak(() => run().model.dispose(), { warmup: 0, repeats: 1 });
    disposeLayers(layers);
    calib.dispose();
  });
});
