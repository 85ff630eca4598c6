/**
 * The estimator conventions a config can switch (docs/conventions.md §2–§4), applied around the
 * registry's estimators by `resolveEstimator` (registry.ts). Defaults are the lab's: every switch
 * off gives back the registry's estimator itself.
 *
 * clip mask:  dx = backward(dy, v) · inside(v)
 *             inside(v) = 1[qmin ≤ v ≤ qmax]          (maskOn 'unrounded', the lab)
 *                       = 1[qmin ≤ round(v) ≤ qmax]   (maskOn 'rounded', PyTorch's fake-quant)
 * EWGS units: δ_code = δ_normalized / (2^b − 1)       (the paper measures on the input in [0, 1])
 *
 * Truth table (grid [−8, 7], Q̂' of `clipped-ste`, or of any estimator with `clipMask`, times):
 * | v                 | −8.6 | −8.5 | −8 | 0 | 7 | 7.2 | 7.5 | 7.6 |
 * | inside, unrounded |  0   |  0   | 1  | 1 | 1 |  0  |  0  |  0  |
 * | inside, rounded   |  0   |  1   | 1  | 1 | 1 |  1  |  1  |  0  |
 * (round half to even: round(−8.5) = −8, round(7.5) = 8.)
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EstimatorSpec, GradientEstimator } from './types';

/** 1 where v counts as inside [qmin, qmax], else 0 (float32, v's shape). Call inside a tidy. */
export function clipMaskTensor(v: tf.Tensor, qmin: number, qmax: number, rounded: boolean): tf.Tensor {
  const t = rounded ? tf.round(v) : v;
  return tf.cast(tf.logicalAnd(tf.greaterEqual(t, qmin), tf.lessEqual(t, qmax)), 'float32');
}

/**
 * The lab's δ for an EWGS parameter given in `units`: the same number in code units, δ/(2^b − 1)
 * in the paper's normalized units.
 * @param bits the quantizer's bitwidth b (2–8)
 */
export function ewgsCodeDelta(delta: number, units: EstimatorSpec['deltaUnits'], bits: number): number {
  return units === 'normalized' ? delta / (2 ** bits - 1) : delta;
}

/**
 * `base` with the spec's clip mask applied: unchanged when the spec asks for none (the lab's
 * default). `clipped-ste` is the STE with the mask always on; the others get it from `clipMask`.
 */
export function withClipMask(base: GradientEstimator, spec: EstimatorSpec): GradientEstimator {
  const rounded = spec.maskOn === 'rounded';
  if (base.name === 'clipped-ste') {
    if (!rounded) return base;
  } else if (!spec.clipMask) return base;
  const inner = base.name === 'clipped-ste' ? null : base;
  return {
    name: base.name,
    param: base.param,
    usesInput: true,
    backward: (dy, v, qmin, qmax) =>
      tf.tidy(() => {
        const dx = inner ? inner.backward(dy, v, qmin, qmax) : dy;
        return tf.mul(dx, clipMaskTensor(v, qmin, qmax, rounded));
      }),
  };
}
