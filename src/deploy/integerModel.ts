/**
 * The integer-only model of a quantized {@link QuantModel} (docs/integer.md §1–§2). Per layer:
 *
 *   acc_c = Σ (x − z_x)·w_int          int32 accumulator (intOps.ts: exact)
 *   r_c   = σ_c·acc_c + b_c            σ_c = ±1, b_c = round(B_c/|S_c|)  (bias and BN in acc units)
 *                                      (with k bias fraction bits: σ_c·acc_c·2^k + round(B_c·2^k/|S_c|))
 *   r_c   ← ReLU, 2×2 max pool or a sum over H·W (global average pooling), all on integers
 *   x'_c  = clamp(requant(r_c; M_c) + z', qmin', qmax')   M_c = |S_c|/(s' · H·W if pooled by average)
 *
 * with S_c = s_x·s_w,c·γ_c/√(σ²_c + ε) the real value of one accumulator unit (the BN factor only
 * where BN follows) and B_c = (b_c − μ_c)·γ_c/√(σ²_c + ε) + β_c. BN is folded into the per-channel
 * scale, not into the integer weights: the codes stay those of the fake-quant model, the folded
 * weight is w_int·S_c/s_x exactly. The last layer's r_c·|S_c| are the logits, the only float after
 * the input is quantized.
 */
import * as tf from '@tensorflow/tfjs';
import type { Experiment } from '../experiment/schema';
import type { QuantModel } from '../models/build';
import type { LayerSpec } from '../models/spec';
import { type Dyadic, mantissaBitsFor, toDyadic } from './dyadic';
import { fanIn } from './intOps';
import { type IntegerGrid, bnAffine, inputGrid, layerInputs, perChannel, weightCodes } from './layerQuant';

/** One layer of the integer model. `weight` is owned by the model. */
export interface IntegerLayer {
  spec: LayerSpec;
  input: IntegerGrid;
  /** w_int − z_w, integer-valued, the weight shape. */
  weight: tf.Tensor;
  weightMaxAbs: number;
  /** Per output channel: σ_c = ±1, the sign of S_c. */
  sign: Float64Array;
  /** Per output channel: the bias in units of |S_c|·2^−fracBits, an integer. */
  bias: Float64Array;
  /** Fraction bits of r: r = σ·acc·2^fracBits + bias (0: the bias at the accumulator's scale). */
  fracBits: number;
  /** Per output channel: |S_c|, the real value of one accumulator unit. */
  accScale: Float64Array;
  /** Per output channel: the dyadic M_c into the next layer's grid; null for the last layer. */
  requant: Dyadic[] | null;
  /** Largest |r| the requantization meets (sizes the mantissas). */
  accMaxAbs: number;
}

/** The integer model; dispose() frees the integer weights. */
export interface IntegerModel {
  layers: IntegerLayer[];
  dispose(): void;
}

/** Why a model has no integer-only form, or null when it has one. */
export function integerBlocker(model: QuantModel): string | null {
  for (const { spec, quantizers } of model.layers) {
    if (spec.weightBits > 16 || spec.actBits > 16)
      return `layer ${spec.name} is float (W${spec.weightBits}A${spec.actBits}): integer-only inference needs every weight and input quantized`;
    if (quantizers.act.grid.bits > 16 || !quantizers.act.codeParams || !quantizers.weight.codeParams)
      return `layer ${spec.name} has no integer grid`;
  }
  return null;
}

/** Per output channel, whether all its integer weights are zero (only per-channel scales care). */
function deadChannels(weight: tf.Tensor, axis: number | null, channels: number): boolean[] {
  if (axis === null) return new Array<boolean>(channels).fill(false);
  const rank = weight.shape.length;
  const perm = [...Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis), axis];
  const max = tf.tidy(() =>
    tf.max(tf.abs(tf.reshape(tf.transpose(weight, perm), [-1, channels])), 0).dataSync(),
  );
  return Array.from(max, (m) => m === 0);
}

/** Options of {@link buildIntegerModel}. */
export interface IntegerModelOptions {
  /**
   * Fraction bits of the bias below the accumulator's unit (default 0: an int32 bias at scale
   * s_x·s_w, as HAWQ-V3 and TFLite store it). k > 0 shifts the accumulator left by k before
   * adding a bias rounded to 2^−k units, still integer-only, with k more accumulator bits.
   */
  biasFracBits?: number;
}

/**
 * Builds the integer model of `model` (quantized everywhere: {@link integerBlocker} is null).
 * @param exp the model's experiment (its activation range estimator)
 * @param calibration images [N, 784] that fix the ranges the fake-quant model takes per batch
 */
export function buildIntegerModel(
  model: QuantModel,
  exp: Experiment,
  calibration: tf.Tensor2D,
  options: IntegerModelOptions = {},
): IntegerModel {
  const fracBits = options.biasFracBits ?? 0;
  const blocker = integerBlocker(model);
  if (blocker) throw new Error(blocker);
  const inputs = layerInputs(model, calibration);
  const layers: IntegerLayer[] = [];
  try {
    const grids = model.layers.map((l, i) => inputGrid(l.quantizers.act, inputs[i]!, exp.quant.act.range));
    model.layers.forEach((layer, i) => {
      const { spec } = layer;
      const grid = grids[i]!;
      const C = spec.outChannels;
      const codes = weightCodes(layer.quantizers.weight, layer.weight);
      const { scales } = codes;
      const weight = tf.tidy(() => tf.sub(codes.codes, codes.zeroPoint));
      codes.codes.dispose();
      codes.zeroPoint.dispose();
      const weightMaxAbs = tf.tidy(() => tf.max(tf.abs(weight)).dataSync()[0]!);
      const dead = deadChannels(weight, codes.axis, C);
      const ownBias = layer.bias ? layer.bias.dataSync() : new Float32Array(C);
      const { factor, shift } = bnAffine(layer, C);
      const sign = new Float64Array(C);
      const bias = new Float64Array(C);
      const accScale = new Float64Array(C);
      // A channel whose weights are all zero (pruned) has a vanishing per-channel scale; its
      // accumulator is always 0, so it takes the largest live channel's unit for its bias.
      const liveScale = Math.max(
        ...Array.from({ length: C }, (_, c) => (dead[c] ? 0 : Math.abs(perChannel(scales, c)))),
      );
      for (let c = 0; c < C; c++) {
        const S = grid.scale * (dead[c] ? liveScale || 1 : perChannel(scales, c)) * factor[c]!;
        const B = ownBias[c]! * factor[c]! + shift[c]!;
        sign[c] = S < 0 ? -1 : 1;
        accScale[c] = Math.abs(S) || Number.MIN_VALUE;
        bias[c] = Math.round((B * 2 ** fracBits) / accScale[c]!);
      }
      const codeSpan = Math.max(Math.abs(grid.qmin - grid.zero), Math.abs(grid.qmax - grid.zero));
      const pooled = spec.pool === 'gap' ? spec.inShape[0]! * spec.inShape[1]! : 1;
      const accMaxAbs =
        (fanIn(spec) * weightMaxAbs * codeSpan * 2 ** fracBits + Math.max(...bias.map(Math.abs))) * pooled;
      const next = grids[i + 1];
      const unit = 2 ** fracBits * pooled;
      const requant = next
        ? Array.from(accScale, (a) => toDyadic(a / (next.scale * unit), mantissaBitsFor(accMaxAbs)))
        : null;
      layers.push({
        spec,
        input: grid,
        weight,
        weightMaxAbs,
        sign,
        bias,
        fracBits,
        accScale,
        requant,
        accMaxAbs,
      });
    });
  } catch (error) {
    tf.dispose(layers.map((l) => l.weight));
    throw error;
  } finally {
    tf.dispose(inputs);
  }
  return { layers, dispose: () => tf.dispose(layers.map((l) => l.weight)) };
}
