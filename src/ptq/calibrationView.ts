/**
 * The calibration view (docs/ptq.md §12): for one layer of a trained model and one of its tensors
 * — the float weights (BN folded) or the input activations on calibration images — the range
 * estimators side by side (src/quant/range/compare.ts), and how each chosen range moves with the
 * calibration batch's size and seed. Plain data in and out, so a worker can run it.
 */
import * as tf from '@tensorflow/tfjs';
import type { MnistData } from '../data/mnist';
import type { Experiment } from '../experiment/schema';
import type { QuantModel } from '../models/build';
import {
  compareRanges,
  estimatorRanges,
  valueHistogram,
  type CompareSettings,
  type ComparedRange,
  type RangeComparison,
  type ValueHistogram,
} from '../quant/range/compare';
import { disposePtqLayers, ptqLayersOf } from './extract';
import { networkInput, ptqForward } from './inference';
import { calibrationImages } from './run';
import type { PtqLayer } from './types';

/** Which tensor of the layer: its weights, or its input activations on calibration images. */
export type CalibrationTensor = 'weights' | 'inputs';
export const CALIBRATION_TENSORS: readonly CalibrationTensor[] = ['weights', 'inputs'];
/** Bitwidths the view offers. */
export const CALIBRATION_BITS = [8, 4, 3, 2] as const;
/** Batch sizes and seeds (offsets from the experiment's) of the stability table. */
export const STABILITY_BATCH_SIZES = [16, 64, 256] as const;
export const STABILITY_SEEDS = 3;

export interface CalibrationViewRequest {
  /** Layer index in forward order. */
  layer: number;
  tensor: CalibrationTensor;
  bits: number;
  /** Calibration images for the activations (weights ignore it). */
  calibSize: number;
}

export const CALIBRATION_VIEW_DEFAULTS: CalibrationViewRequest = {
  layer: 0,
  tensor: 'inputs',
  bits: 8,
  calibSize: 256,
};

/** One calibration batch's range per estimator. */
export interface StabilityPoint {
  batchSize: number;
  seed: number;
  ranges: Record<ComparedRange, { lo: number; hi: number }>;
}

export interface CalibrationViewResult {
  /** Every layer's name, in forward order (the picker's options). */
  layerNames: string[];
  request: CalibrationViewRequest;
  /** Values in the tensor. */
  count: number;
  settings: CompareSettings;
  histogram: ValueHistogram;
  /** One row per estimator, in COMPARED_RANGES order. */
  rows: RangeComparison[];
  /** Activations only: ranges over batch sizes × seeds; null for weights (no batch). */
  stability: StabilityPoint[] | null;
}

/** The quantizer settings the experiment gives this tensor's role, at `bits`. */
export function viewSettings(exp: Experiment, tensor: CalibrationTensor, bits: number): CompareSettings {
  const q = tensor === 'weights' ? exp.quant.weight : exp.quant.act;
  return {
    bits,
    symmetric: q.symmetric,
    signed: tensor === 'weights',
    percentile: q.percentile,
    mseSearch: q.mseSearch,
  };
}

/** Layer `index`'s input on the float path for `size` calibration images of `seed`, flattened. */
function layerInput(float: PtqLayer[], data: MnistData, index: number, size: number, seed: number) {
  const images = calibrationImages(float, data, 'train', size, seed);
  try {
    return tf.tidy(() => ptqForward(float, networkInput(float, images), [], {}, 0, index).dataSync());
  } finally {
    images.dispose();
  }
}

/**
 * The view for `request` over `model`'s float layers (the model is not changed).
 * @throws Error for a layer index out of range
 */
export function calibrationView(
  model: QuantModel,
  exp: Experiment,
  data: MnistData,
  request: CalibrationViewRequest,
): CalibrationViewResult {
  const float = ptqLayersOf(model);
  try {
    const layer = float[request.layer];
    if (!layer) throw new Error(`no layer ${request.layer}: the model has ${float.length}`);
    const settings = viewSettings(exp, request.tensor, request.bits);
    const values =
      request.tensor === 'weights'
        ? Float32Array.from(layer.weight.dataSync())
        : Float32Array.from(layerInput(float, data, request.layer, request.calibSize, exp.seed));
    let stability: StabilityPoint[] | null = null;
    if (request.tensor === 'inputs') {
      stability = [];
      for (const batchSize of STABILITY_BATCH_SIZES)
        for (let k = 0; k < STABILITY_SEEDS; k++) {
          const seed = exp.seed + k;
          const x = Float32Array.from(layerInput(float, data, request.layer, batchSize, seed));
          stability.push({ batchSize, seed, ranges: estimatorRanges(x, settings) });
        }
    }
    return {
      layerNames: float.map((l) => l.spec.name),
      request,
      count: values.length,
      settings,
      histogram: valueHistogram(values),
      rows: compareRanges(values, settings),
      stability,
    };
  } finally {
    disposePtqLayers(float);
  }
}
