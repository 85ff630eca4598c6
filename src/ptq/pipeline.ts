/**
 * The post-training pipeline (docs/ptq.md §7): from a float model with BN folded to a quantized
 * inference graph, one layer at a time along the quantized path, as AIMET runs it:
 *
 *   [CLE + high-bias absorption] → per layer i, on the calibration images:
 *     calibrate A_i on the quantized path's input → W̃_i by nearest rounding or AdaRound (inputs
 *     from the quantized path, targets from the float path) → [bias correction] → next layer.
 *
 * Quantizers are the lab's own (src/quant), configured from the experiment's quant section with
 * the layer's resolved bits; a range is set by one training call on the whole calibration set.
 */
import * as tf from '@tensorflow/tfjs';
import type { Experiment } from '../experiment/schema';
import { actQuantizerOptions, weightQuantizerOptions } from '../models/quantizers';
import { describeModel, type LayerSpec } from '../models/spec';
import { createQuantizer } from '../quant/quantizer';
import type { Quantizer, QuantizerOptions } from '../quant/types';
import { createRng } from '../tensor/rng';
import { adaroundLayer, type AdaRoundOptions } from './adaround';
import { analyticShift, empiricalShift, reluMean } from './biasCorrection';
import { absorbHighBias, crossLayerEqualize } from './cle';
import { clonePtqLayers, disposePtqLayers } from './extract';
import { afterLinear, linearOp, networkInput, type LayerQuantization } from './inference';
import { quantizerScheme, type PtqScheme } from './scheme';
import type { PtqLayer } from './types';

export type BiasCorrectionMode = 'none' | 'empirical' | 'analytic';
export type RoundingMode = 'nearest' | 'adaround';

export interface PtqOptions {
  cle: boolean;
  biasCorrection: BiasCorrectionMode;
  rounding: RoundingMode;
  adaround?: Partial<AdaRoundOptions>;
  /** Per-layer-kind quantizer schemes for separable convolutions (docs/ptq.md §8). */
  heterogeneous: boolean;
  seed: number;
}

export const PTQ_DEFAULTS: PtqOptions = {
  cle: false,
  biasCorrection: 'none',
  rounding: 'nearest',
  heterogeneous: false,
  seed: 1,
};

/** What the pipeline did to one layer (the `ptq` section of a result file). */
export interface PtqLayerReport {
  name: string;
  kind: LayerSpec['kind'];
  weightBits: number;
  actBits: number;
  /** The scheme the layer's weights used (granularity and range estimator). */
  weightScheme: PtqScheme;
  /** Weight range per channel (one entry per-tensor): the ends of the grid in weight units. */
  weightRange: { min: number[]; max: number[] };
  /** Input-activation range set on the calibration images (ends of the grid, per tensor or per channel). */
  actRange: { min: number[]; max: number[] };
  /** AdaRound: weights rounded the other way from nearest, out of `weightCount`. */
  adaroundFlipped?: number;
  weightCount: number;
  /** Mean |E[Y_q − Y_float]| over output channels before and after bias correction (calibration set). */
  meanShiftBefore: number;
  meanShiftAfter: number;
  /** The shift removed from each output channel's bias (empty without bias correction). */
  biasShift: number[];
}

export interface PtqReport {
  cle?: { sweeps: number };
  layers: PtqLayerReport[];
}

/** A quantized inference graph: float layers plus each layer's quantization. Owns its tensors. */
export interface PtqModel {
  readonly layers: PtqLayer[];
  readonly quant: LayerQuantization[];
  /** Each layer's calibrated weight and input-activation quantizers (their state goes into checkpoints). */
  readonly quantizers: { weight: Quantizer; act: Quantizer }[];
  dispose(): void;
}

/** Grid ends in input units for a quantizer's current scale and zero point. */
function gridRange(q: Quantizer, x: tf.Tensor): { min: number[]; max: number[] } {
  const params = q.codeParams?.(x);
  if (!params) return { min: [], max: [] };
  const s = Array.from(params.scale.dataSync());
  const z = Array.from(params.zeroPoint.dataSync());
  tf.dispose([params.scale, params.zeroPoint]);
  return {
    min: s.map((v, i) => v * (q.grid.qmin - z[i]!)),
    max: s.map((v, i) => v * (q.grid.qmax - z[i]!)),
  };
}

/** The scale and zero point of a weight quantizer, shaped to broadcast against the weight (for AdaRound). */
function weightGrid(q: Quantizer, w: tf.Tensor) {
  const params = q.codeParams!(w);
  const shape = w.shape.map((d, i) => (i === params.axis ? d : 1));
  const scale = params.scale.reshape(shape);
  const zeroPoint = params.zeroPoint.reshape(shape);
  tf.dispose([params.scale, params.zeroPoint]);
  return { scale, zeroPoint };
}

function meanAbs(t: tf.Tensor1D): number {
  return tf.tidy(() => t.abs().mean().dataSync()[0]!);
}

/**
 * Quantizes `float` (BN folded; not modified) per `exp`'s quant section and `options`, calibrating
 * on `calib` images [N, 784].
 */
export function quantizePostTraining(
  float: PtqLayer[],
  exp: Experiment,
  calib: tf.Tensor2D,
  options: Partial<PtqOptions> = {},
): { model: PtqModel; report: PtqReport } {
  const o = { ...PTQ_DEFAULTS, ...options };
  const specs = describeModel(exp);
  const layers = clonePtqLayers(float).map((l, i) => ({ ...l, spec: specs[i]! }));
  const report: PtqReport = { layers: [] };
  if (o.cle) {
    report.cle = { sweeps: crossLayerEqualize(layers).sweeps };
    absorbHighBias(layers);
  }
  const quant: LayerQuantization[] = [];
  const quantizers: Quantizer[] = [];
  const rng = createRng(o.seed, 'adaround');
  const dispose = () => {
    for (const q of quant) tf.dispose([q.weight, q.bias].filter((t) => t !== undefined));
    for (const q of quantizers) q.dispose();
    disposePtqLayers(layers);
  };
  let hq = networkInput(layers, calib);
  let hf = hq.clone();
  try {
    layers.forEach((layer, i) => {
      const spec = layer.spec;
      const scheme = quantizerScheme(exp, spec, o.heterogeneous);
      const wOpts: QuantizerOptions = { ...weightQuantizerOptions(exp, spec), config: scheme.config };
      const wq = createQuantizer(wOpts);
      const aq = createQuantizer(actQuantizerOptions(exp, spec));
      quantizers.push(wq, aq);
      const step = tf.tidy(() => {
        const yf = tf.add(linearOp(spec, hf, layer.weight), layer.bias);
        aq.apply(hq, true);
        const xq = aq.apply(hq, false);
        wq.apply(layer.weight, true);
        let weight = wq.apply(layer.weight, false);
        let flipped: number | undefined;
        if (o.rounding === 'adaround' && spec.weightBits < 32) {
          const { scale, zeroPoint } = weightGrid(wq, layer.weight);
          const result = adaroundLayer(
            {
              weight: layer.weight,
              scale,
              zeroPoint,
              qmin: wq.grid.qmin,
              qmax: wq.grid.qmax,
              // Only V is learned: the inputs are data, so no gradient flows to them.
              linear: (x, w) => tf.add(linearOp(spec, x, w, false), layer.bias),
              inputs: xq,
              targets: yf,
            },
            rng,
            o.adaround,
          );
          weight = result.weight;
          flipped = result.flipped;
        }
        const yq = tf.add(linearOp(spec, xq, weight), layer.bias);
        const before = empiricalShift(yq, yf);
        let shift: tf.Tensor1D | undefined;
        if (o.biasCorrection === 'empirical') shift = before;
        const prev = layers[i - 1]?.preActivation;
        if (o.biasCorrection === 'analytic' && prev && i > 0) {
          shift = analyticShift(weight, layer.weight, spec.kind, reluMean(prev.mean, prev.std));
        }
        const bias = shift ? (layer.bias.sub(shift) as tf.Tensor1D) : layer.bias.clone();
        const yqc = shift ? yq.sub(shift) : yq;
        const after = empiricalShift(yqc, yf);
        return {
          weight,
          bias,
          flipped,
          shiftBefore: meanAbs(before),
          shiftAfter: meanAbs(after),
          biasShift: shift ? Array.from(shift.dataSync()) : [],
          nextQ: afterLinear(spec, yqc),
          nextF: afterLinear(spec, yf),
          xq,
        };
      });
      quant.push({ weight: step.weight, bias: step.bias, act: (x) => aq.apply(x, false) });
      report.layers.push({
        name: spec.name,
        kind: spec.kind,
        weightBits: spec.weightBits,
        actBits: spec.actBits,
        weightScheme: scheme.label,
        weightRange: gridRange(wq, layer.weight),
        actRange: gridRange(aq, hq),
        ...(step.flipped !== undefined && { adaroundFlipped: step.flipped }),
        weightCount: spec.weightCount,
        meanShiftBefore: step.shiftBefore,
        meanShiftAfter: step.shiftAfter,
        biasShift: step.biasShift,
      });
      step.xq.dispose();
      tf.dispose([hq, hf]);
      hq = step.nextQ;
      hf = step.nextF;
    });
  } catch (error) {
    dispose();
    throw error;
  } finally {
    tf.dispose([hq, hf]);
  }
  return {
    model: {
      layers,
      quant,
      quantizers: layers.map((_, i) => ({ weight: quantizers[2 * i]!, act: quantizers[2 * i + 1]! })),
      dispose,
    },
    report,
  };
}
