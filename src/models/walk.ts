/**
 * The layers of a built model as an ordered walk: each layer's name, kind, variables and
 * quantizers under stable role names. What a pass over the whole model (calibration,
 * post-training quantization, per-layer sensitivity) iterates, without knowing the kinds.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Quantizer } from '../quant/types';
import type { QuantModel } from './build';
import type { LayerKindDef } from './layers/types';
import type { LayerSpec } from './spec';

/** One layer of the walk. */
export interface WalkedLayer {
  name: string;
  kind: string;
  def: LayerKindDef;
  spec: LayerSpec;
  /** `weight`, then `bias` and BN's `gamma`, `beta` when the layer has them. */
  variables: Record<string, tf.Variable>;
  /** `weight`, `act`, then QuantNorm's `bnGamma`, `bnBeta` when present. */
  quantizers: Record<string, Quantizer>;
}

/** The model's layers in forward order (the quantizers as they are now: a rebuild replaces them). */
export function walkLayers(model: QuantModel): WalkedLayer[] {
  return model.layers.map((l) => {
    const variables: Record<string, tf.Variable> = { weight: l.weight };
    if (l.bias) variables.bias = l.bias;
    if (l.bn) Object.assign(variables, { gamma: l.bn.gamma, beta: l.bn.beta });
    const q = l.quantizers;
    const quantizers: Record<string, Quantizer> = { weight: q.weight, act: q.act };
    if (q.bn) Object.assign(quantizers, { bnGamma: q.bn.gamma, bnBeta: q.bn.beta });
    return { name: l.spec.name, kind: l.spec.kind, def: l.def, spec: l.spec, variables, quantizers };
  });
}
