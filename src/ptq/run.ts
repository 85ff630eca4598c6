/**
 * Post-training quantization of a trained model, end to end (docs/ptq.md §7): its float layers
 * (BN folded), the calibration images (training digits or distilled ones), the pipeline, and the
 * test accuracy of the float and the quantized graph. Shared by `quant-lab ptq` and the app.
 */
import * as tf from '@tensorflow/tfjs';
import { imageBatch } from '../data/batches';
import type { MnistData } from '../data/mnist';
import type { Experiment } from '../experiment/schema';
import type { QuantModel } from '../models/build';
import { createRng, permutation } from '../tensor/rng';
import { evaluateLogits } from '../train/metrics';
import { distillImages } from './distill';
import { disposePtqLayers, ptqLayersOf } from './extract';
import { networkInput, ptqForward } from './inference';
import { quantizePostTraining, type PtqModel, type PtqOptions, type PtqReport } from './pipeline';
import type { PtqLayer } from './types';

export type CalibrationSource = 'train' | 'distilled';

export interface PtqRunOptions extends PtqOptions {
  calibData: CalibrationSource;
  calibSize: number;
  /** Distillation iterations for `distilled` calibration (default the distiller's, docs/ptq.md §6). */
  distillIterations?: number;
  /** Called with the quantized model and its test accuracy before it is disposed. */
  onModel?: (model: PtqModel, testAccuracy: number) => Promise<void>;
}

export const PTQ_RUN_DEFAULTS: PtqRunOptions = {
  cle: false,
  biasCorrection: 'none',
  rounding: 'nearest',
  heterogeneous: false,
  seed: 1,
  calibData: 'train',
  calibSize: 256,
};

/** The `ptq` section of a result file. */
export interface PtqSection extends PtqReport {
  options: Omit<PtqRunOptions, 'adaround'> & { adaroundIterations?: number };
  floatTestAccuracy: number;
  /** Seconds spent in calibration-data preparation and in the pipeline. */
  seconds: { calibration: number; quantization: number };
}

export interface PtqRunResult {
  testAccuracy: number;
  ptq: PtqSection;
}

/** Calibration images [n, 784]: seeded training digits or distilled ones. */
export function calibrationImages(
  float: PtqLayer[],
  data: MnistData,
  source: CalibrationSource,
  size: number,
  seed: number,
  distillIterations?: number,
): tf.Tensor2D {
  if (source === 'distilled')
    return distillImages(float, {
      count: size,
      seed,
      ...(distillIterations !== undefined && { iterations: distillIterations }),
    }).images;
  const n = Math.min(size, data.train.count);
  const order = permutation(data.train.count, createRng(seed, 'ptq-calibration'));
  return imageBatch(data.train, order.subarray(0, n));
}

/** Test accuracy of a quantized graph (or the float layers when `model.quant` is empty). */
export async function ptqAccuracy(model: Pick<PtqModel, 'layers' | 'quant'>, data: MnistData, count: number) {
  const result = await evaluateLogits(
    data.test,
    count,
    (x) => ptqForward(model.layers, networkInput(model.layers, x), model.quant) as tf.Tensor2D,
  );
  return result.accuracy;
}

const now = () => performance.now();

/**
 * Quantizes `trained` after training with `exp`'s quant section (its architecture must be the
 * trained model's) and measures float and quantized test accuracy on `exp.data.testSize` digits.
 */
export async function runPtq(
  trained: QuantModel,
  exp: Experiment,
  data: MnistData,
  options: Partial<PtqRunOptions> = {},
): Promise<PtqRunResult> {
  const o = { ...PTQ_RUN_DEFAULTS, ...options };
  const float = ptqLayersOf(trained);
  let calib: tf.Tensor2D | undefined;
  let model: PtqModel | undefined;
  try {
    const t0 = now();
    calib = calibrationImages(float, data, o.calibData, o.calibSize, o.seed, o.distillIterations);
    const t1 = now();
    const quantized = quantizePostTraining(float, exp, calib, o);
    model = quantized.model;
    const t2 = now();
    const floatTestAccuracy = await ptqAccuracy({ layers: float, quant: [] }, data, exp.data.testSize);
    const testAccuracy = await ptqAccuracy(model, data, exp.data.testSize);
    await o.onModel?.(model, testAccuracy);
    const { adaround, onModel: _, ...rest } = o;
    return {
      testAccuracy,
      ptq: {
        ...quantized.report,
        options: {
          ...rest,
          ...(adaround?.iterations !== undefined && { adaroundIterations: adaround.iterations }),
        },
        floatTestAccuracy,
        seconds: { calibration: (t1 - t0) / 1000, quantization: (t2 - t1) / 1000 },
      },
    };
  } finally {
    calib?.dispose();
    model?.dispose();
    disposePtqLayers(float);
  }
}
