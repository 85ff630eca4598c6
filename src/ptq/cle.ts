/**
 * Cross-layer equalization and high-bias absorption (Nagel et al. 2019, data-free quantization;
 * docs/ptq.md for where the lab departs from AIMET).
 *
 * For consecutive layers joined by a positively homogeneous function (ReLU, identity, max or
 * average pooling, flattening), f(x/s) = f(x)/s for s > 0, so scaling output channel i of layer 1
 * by 1/sᵢ and input channel i of layer 2 by sᵢ leaves the network's function unchanged. With
 * r₁ᵢ = max|W₁| over output channel i and r₂ᵢ = max|W₂| over input channel i, sᵢ = √(r₁ᵢ/r₂ᵢ)
 * makes both ranges √(r₁ᵢ·r₂ᵢ). Along a chain the pairs are swept until no scale moves (the
 * paper's iteration); for conv → depthwise → pointwise its fixed point is AIMET's closed-form
 * triplet, all three ranges equal to the cube root of their product.
 */
import * as tf from '@tensorflow/tfjs';
import { channelAbsMax, inputChannelSums, scaleChannels } from './channels';
import { sharedChannels, type PtqLayer } from './types';

/** Sweeps stop when every scale of a sweep is within this factor of 1. */
const CONVERGED = 1e-4;
const MAX_SWEEPS = 50;

/** What CLE did: sweeps run and each pair's accumulated scales (by the first layer's name). */
export interface CleReport {
  sweeps: number;
  scales: Record<string, number[]>;
}

/** One pair's scale vector s (1 where either range is 0), as a new [C] tensor. */
function pairScale(a: PtqLayer, b: PtqLayer): tf.Tensor1D {
  return tf.tidy(() => {
    const c = a.spec.outChannels;
    const r1 = channelAbsMax(a.weight, a.spec.kind, 'out', c);
    const r2 = channelAbsMax(b.weight, b.spec.kind, 'in', c);
    const ok = r1.mul(r2).greater(0);
    return tf.where(ok, r1.div(tf.where(ok, r2, tf.onesLike(r2))).sqrt(), tf.onesLike(r1)) as tf.Tensor1D;
  });
}

/** Applies scale s to a pair in place (old tensors disposed). */
function applyScale(a: PtqLayer, b: PtqLayer, s: tf.Tensor1D): void {
  const inv = tf.reciprocal(s) as tf.Tensor1D;
  const next = {
    w1: scaleChannels(a.weight, a.spec.kind, 'out', inv),
    b1: tf.mul(a.bias, inv) as tf.Tensor1D,
    w2: scaleChannels(b.weight, b.spec.kind, 'in', s),
  };
  tf.dispose([a.weight, a.bias, b.weight]);
  a.weight = next.w1;
  a.bias = next.b1;
  b.weight = next.w2;
  if (a.preActivation) {
    const { mean, std } = a.preActivation;
    a.preActivation = { mean: tf.mul(mean, inv) as tf.Tensor1D, std: tf.mul(std, inv) as tf.Tensor1D };
    tf.dispose([mean, std]);
  }
  inv.dispose();
}

/** Whether CLE can scale across the boundary after layer `a` (a ReLU or nothing, channels match). */
export function equalizable(a: PtqLayer, b: PtqLayer): boolean {
  return (
    sharedChannels(a.spec, b.spec) !== null && (a.spec.activation === 'relu' || a.spec.activation === 'none')
  );
}

/** Equalizes every consecutive pair of `layers` in place. */
export function crossLayerEqualize(layers: PtqLayer[]): CleReport {
  const pairs: number[] = [];
  for (let i = 0; i + 1 < layers.length; i += 1) if (equalizable(layers[i]!, layers[i + 1]!)) pairs.push(i);
  const scales: Record<string, Float32Array> = {};
  for (const i of pairs) scales[layers[i]!.spec.name] = new Float32Array(layers[i]!.spec.outChannels).fill(1);
  let sweeps = 0;
  while (sweeps < MAX_SWEEPS) {
    sweeps += 1;
    let worst = 0;
    for (const i of pairs) {
      const a = layers[i]!;
      const s = pairScale(a, layers[i + 1]!);
      const values = s.dataSync();
      const total = scales[a.spec.name]!;
      values.forEach((v, c) => {
        total[c] = total[c]! * v;
        worst = Math.max(worst, Math.abs(Math.log(v)));
      });
      applyScale(a, layers[i + 1]!, s);
      s.dispose();
    }
    if (worst < CONVERGED) break;
  }
  return {
    sweeps,
    scales: Object.fromEntries(Object.entries(scales).map(([k, v]) => [k, Array.from(v)])),
  };
}

/** High-bias absorption: how much bias moved to the next layer, per first layer's name. */
export type AbsorptionReport = Record<string, number[]>;

/**
 * Moves c = max(0, β − 3|γ|) of each ReLU layer's bias into the next layer (Nagel et al. 2019):
 * b₁ ← b₁ − c, b₂ ← b₂ + W₂·c. Exact where the pre-activation stays above c (almost always, for a
 * normal N(β, γ²)); approximate at the zero-padded border of a following convolution, where the
 * padding does not carry c (docs/ptq.md). Layers without BN statistics are left alone.
 */
export function absorbHighBias(layers: PtqLayer[]): AbsorptionReport {
  const report: AbsorptionReport = {};
  for (let i = 0; i + 1 < layers.length; i += 1) {
    const a = layers[i]!;
    const b = layers[i + 1]!;
    if (!a.preActivation || a.spec.activation !== 'relu' || !equalizable(a, b)) continue;
    const c = tf.tidy(() => tf.relu(a.preActivation!.mean.sub(a.preActivation!.std.mul(3))) as tf.Tensor1D);
    const next = tf.tidy(() => {
      const sums = inputChannelSums(b.weight, b.spec.kind, a.spec.outChannels);
      const shift =
        b.spec.kind === 'depthwise'
          ? sums.mul(c)
          : tf.matMul(sums as tf.Tensor2D, c.reshape([-1, 1])).reshape([-1]);
      return {
        b1: a.bias.sub(c) as tf.Tensor1D,
        b2: b.bias.add(shift) as tf.Tensor1D,
        mean: a.preActivation!.mean.sub(c) as tf.Tensor1D,
      };
    });
    report[a.spec.name] = Array.from(c.dataSync());
    tf.dispose([a.bias, b.bias, a.preActivation.mean, c]);
    a.bias = next.b1;
    b.bias = next.b2;
    a.preActivation = { mean: next.mean, std: a.preActivation.std };
  }
  return report;
}
