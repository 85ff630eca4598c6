/**
 * Cheap per-layer sensitivity (docs/mixed.md §6): no Hessian, only forward passes. For each layer of
 * a trained model, at one bitwidth: the weights' signal-to-quantization-noise ratio, and the test
 * accuracy when only that layer is quantized — its weights alone, then its input activations alone —
 * every other layer kept in float. The model is the post-training passes' float graph (BN folded,
 * src/ptq), quantized with the experiment's own weight and activation quantizers at `bits`.
 */
import * as tf from '@tensorflow/tfjs';
import type { MnistData } from '../data/mnist';
import type { Experiment } from '../experiment/schema';
import type { QuantModel } from '../models/build';
import { actQuantizerOptions, weightQuantizerOptions } from '../models/quantizers';
import { disposePtqLayers, ptqLayersOf } from '../ptq/extract';
import { networkInput, ptqForward, type LayerQuantization } from '../ptq/inference';
import { calibrationImages, ptqAccuracy } from '../ptq/run';
import type { PtqLayer } from '../ptq/types';
import { createQuantizer } from '../quant/quantizer';

/** What to measure. */
export interface CheapSensitivityOptions {
  /** The bitwidth of the quantized weights and activations (2–8). */
  bits: number;
  /** Test digits of each accuracy (the first `testCount` of the test split). */
  testCount: number;
  /** Training images that calibrate an activation quantizer's range. */
  calibSize: number;
  /** Seed of the calibration images. */
  seed: number;
}

export const CHEAP_SENSITIVITY_DEFAULTS: CheapSensitivityOptions = {
  bits: 4,
  testCount: 2000,
  calibSize: 256,
  seed: 1,
};

/** One layer's cheap sensitivity. Accuracies are fractions; drops are float minus quantized. */
export interface LayerCheapSensitivity {
  name: string;
  /** Weights in the layer. */
  params: number;
  /** 10·log10(Σw² / Σ(w − Q(w))²) of the folded weights, dB (Infinity when Q is exact). */
  sqnrDb: number;
  weightAccuracy: number;
  weightDrop: number;
  actAccuracy: number;
  actDrop: number;
}

export interface CheapSensitivityReport {
  bits: number;
  testCount: number;
  floatAccuracy: number;
  layers: LayerCheapSensitivity[];
}

/** 10·log10(Σx² / Σ(x − q)²) in dB; Infinity when q equals x. */
export function sqnrDb(x: ArrayLike<number>, q: ArrayLike<number>): number {
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < x.length; i += 1) {
    signal += x[i]! * x[i]!;
    noise += (x[i]! - q[i]!) ** 2;
  }
  return noise === 0 ? Infinity : 10 * Math.log10(signal / noise);
}

/** Layer `index`'s weights quantized at `bits` by the experiment's weight quantizer (caller owns). */
function quantizedWeight(exp: Experiment, layer: PtqLayer, bits: number): tf.Tensor {
  const options = weightQuantizerOptions(exp, layer.spec);
  const q = createQuantizer({ ...options, config: { ...options.config, bits } });
  try {
    return tf.tidy(() => {
      q.apply(layer.weight, true);
      return q.apply(layer.weight, false);
    });
  } finally {
    q.dispose();
  }
}

/** Runs `fn` with layer `index`'s input quantizer at `bits`, its range set on `calib`'s float inputs. */
async function withActQuantizer<T>(
  exp: Experiment,
  float: PtqLayer[],
  calib: tf.Tensor2D,
  index: number,
  bits: number,
  fn: (q: LayerQuantization) => Promise<T>,
): Promise<T> {
  const options = actQuantizerOptions(exp, float[index]!.spec);
  const q = createQuantizer({ ...options, config: { ...options.config, bits } });
  try {
    tf.tidy(() => {
      q.apply(ptqForward(float, networkInput(float, calib), [], {}, 0, index), true);
    });
    return await fn({ act: (x) => q.apply(x, false) });
  } finally {
    q.dispose();
  }
}

/**
 * Measures every layer of `model` (not changed). Costs 2·L + 1 test evaluations of `testCount`
 * digits for L layers.
 */
export async function cheapSensitivity(
  model: QuantModel,
  exp: Experiment,
  data: MnistData,
  options: CheapSensitivityOptions = CHEAP_SENSITIVITY_DEFAULTS,
): Promise<CheapSensitivityReport> {
  const { bits, testCount } = options;
  const float = ptqLayersOf(model);
  const calib = calibrationImages(float, data, 'train', options.calibSize, options.seed);
  try {
    const floatAccuracy = await ptqAccuracy({ layers: float, quant: [] }, data, testCount);
    const layers: LayerCheapSensitivity[] = [];
    for (const [i, layer] of float.entries()) {
      const weight = quantizedWeight(exp, layer, bits);
      let sqnr: number;
      let weightAccuracy: number;
      try {
        sqnr = sqnrDb(layer.weight.dataSync(), weight.dataSync());
        const quant: LayerQuantization[] = [];
        quant[i] = { weight };
        weightAccuracy = await ptqAccuracy({ layers: float, quant }, data, testCount);
      } finally {
        weight.dispose();
      }
      const actAccuracy = await withActQuantizer(exp, float, calib, i, bits, (q) => {
        const quant: LayerQuantization[] = [];
        quant[i] = q;
        return ptqAccuracy({ layers: float, quant }, data, testCount);
      });
      layers.push({
        name: layer.spec.name,
        params: layer.spec.weightCount,
        sqnrDb: sqnr,
        weightAccuracy,
        weightDrop: floatAccuracy - weightAccuracy,
        actAccuracy,
        actDrop: floatAccuracy - actAccuracy,
      });
    }
    return { bits, testCount, floatAccuracy, layers };
  } finally {
    calib.dispose();
    disposePtqLayers(float);
  }
}
