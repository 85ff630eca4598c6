/**
 * What the deployed forms of a model read from its fake-quant layers (docs/integer.md §1): each
 * layer input's grid, the weight codes with their scales, and BN as a per-channel affine map.
 * The integer model and the ONNX export share them, so both see the codes fake quantization uses.
 */
import * as tf from '@tensorflow/tfjs';
import { BN_EPSILON } from '../models/batchnorm';
import type { QuantModel } from '../models/build';
import { forward } from '../models/forward';
import { rangeEstimatorDef } from '../quant/range/registry';
import type { Quantizer } from '../quant/types';

/** A layer input's integer grid: x̂ = scale·(x_int − zero), x_int ∈ [qmin, qmax]. */
export interface IntegerGrid {
  scale: number;
  zero: number;
  qmin: number;
  qmax: number;
  bits: number;
  /** The fake-quant model takes this range from each batch (min–max, percentile): fixed here from calibration data. */
  calibrated: boolean;
}

/** One number per channel of a [C] or [1] array. */
export const perChannel = (values: Float32Array | Int32Array, c: number) =>
  values[values.length === 1 ? 0 : c]!;

export function inputGrid(q: Quantizer, x: tf.Tensor, range: string): IntegerGrid {
  const p = q.codeParams!(x);
  const scale = p.scale.dataSync();
  const zero = p.zeroPoint.dataSync();
  tf.dispose([p.scale, p.zeroPoint]);
  if (scale.length !== 1)
    throw new Error(
      'integer-only inference needs per-tensor activation quantizers (one scale per layer input)',
    );
  return {
    scale: scale[0]!,
    zero: zero[0]!,
    qmin: q.grid.qmin,
    qmax: q.grid.qmax,
    bits: q.grid.bits,
    calibrated: rangeEstimatorDef(range).dynamicEval === true,
  };
}

/** A weight's integer codes and their grid; the tensors are the caller's. */
export interface WeightCodes {
  /** w_int, float-valued, the weight's shape. */
  codes: tf.Tensor;
  /** z_w, shaped to broadcast against `codes` (a scalar per tensor). */
  zeroPoint: tf.Tensor;
  /** s_w: [C] per channel or [1]. */
  scales: Float32Array;
  /** The zero points as numbers, like `scales`. */
  zeroPoints: Float32Array;
  /** The axis of the weight the scales vary along, null per tensor. */
  axis: number | null;
  /** The weight quantizer's grid. */
  qmin: number;
  qmax: number;
}

/** The weight codes the fake quantizer computes for w, with their scales and zero points. */
export function weightCodes(q: Quantizer, w: tf.Tensor): WeightCodes {
  const p = q.codeParams!(w);
  const scales = p.scale.dataSync() as Float32Array;
  const zeroPoints = p.zeroPoint.dataSync() as Float32Array;
  const shape = p.axis === null ? [] : w.shape.map((n, i) => (i === p.axis ? n : 1));
  const codes = tf.tidy(() => tf.cast(q.toInt(w), 'float32'));
  const zeroPoint = tf.reshape(p.zeroPoint, shape);
  tf.dispose([p.scale, p.zeroPoint]);
  return { codes, zeroPoint, scales, zeroPoints, axis: p.axis, qmin: q.grid.qmin, qmax: q.grid.qmax };
}

/** BN's per-channel factor γ/√(σ² + ε) and shift β − μ·factor (identity without BN). */
export function bnAffine(
  layer: QuantModel['layers'][number],
  channels: number,
): { factor: Float64Array; shift: Float64Array } {
  const factor = new Float64Array(channels).fill(1);
  const shift = new Float64Array(channels);
  const bn = layer.bn;
  if (!bn) return { factor, shift };
  const q = layer.quantizers.bn;
  const [gamma, beta, mean, variance] = tf.tidy(() => [
    q ? q.gamma.apply(bn.gamma, false) : bn.gamma.clone(),
    q ? q.beta.apply(bn.beta, false) : bn.beta.clone(),
    bn.runningMean.clone(),
    bn.runningVariance.clone(),
  ]);
  const [g, b, m, v] = [gamma, beta, mean, variance].map((t) => t!.dataSync());
  tf.dispose([gamma!, beta!, mean!, variance!]);
  for (let c = 0; c < channels; c++) {
    factor[c] = g![c]! / Math.sqrt(v![c]! + BN_EPSILON);
    shift[c] = b![c]! - m![c]! * factor[c]!;
  }
  return { factor, shift };
}

/** Each layer's input on the calibration images (the fake-quant forward, evaluation mode). */
export function layerInputs(model: QuantModel, images: tf.Tensor2D): tf.Tensor[] {
  const inputs: tf.Tensor[] = [];
  const onLayerInput = (_: number, h: tf.Tensor) => void inputs.push(tf.keep(h.clone()));
  tf.tidy(() => void forward(model, images, { training: false, recordClip: false, onLayerInput }));
  return inputs;
}
