/**
 * What a layer kind declares, in one place (one file per kind next to this one, one row in
 * ./registry.ts): the shapes and MACs it derives from its input, the initialization of its weights,
 * the per-channel axis of its weight quantizer, the elements the cost terms count, its op in the
 * forward pass and the MAC formula the UI explains.
 *
 * What every layer shares is not declared per kind: a layer is x̂ = Q_act(x) → ŵ = Q_w(w) →
 * op(x̂, ŵ) (+ bias) → BN → activation → pool → flatten (src/models/forward.ts), its variables
 * are the kernel (weightShape), a bias and BN when its spec says so (src/models/build.ts).
 *
 * Kind files import tfjs as types only: the pure consumers (spec, cost, the app's main thread)
 * read the registry without loading tfjs. The op gets the tfjs namespace from the forward pass.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { OpSet } from '../../tensor/backend';
import type { Rng } from '../../tensor/rng';
import type { LayerSpec } from '../spec';

/** The tfjs namespace, handed to a kind's op by the forward pass. */
export type TfApi = typeof tfjs;

/** What a kind derives from its input shape and its draft (kernel, output channels). */
export interface LayerShape {
  /** Weight tensor shape. */
  weightShape: number[];
  /** Multiply-accumulates per sample. */
  macs: number;
  /** Output shape of one sample before pooling and flattening. */
  outShape: number[];
}

/** One MAC formula for the UI: general form and the same with this layer's numbers. */
export interface MacsFormula {
  formula: string;
  filled: string;
}

/** Everything about one layer kind. */
export interface LayerKindDef {
  /** The input rank it takes: a vector [d] or an image [h, w, c]. */
  input: 'vector' | 'image';
  /** Weight shape, MACs and pre-pool output shape for one sample of `inShape`. */
  shape(inShape: number[], kernel: number, outChannels: number): LayerShape;
  /** Inputs feeding one output unit (He/Glorot initialization). */
  fanIn(spec: LayerSpec): number;
  /** Outputs one input unit feeds (Glorot initialization). */
  fanOut(spec: LayerSpec): number;
  /**
   * Initial weights, flat in weightShape order, when the kind does not use the shared
   * He/Glorot-uniform rule (src/models/init.ts).
   */
  init?(spec: LayerSpec, rng: Rng): Float32Array;
  /** Axis of the weight tensor that holds the output channels (per-channel quantization). */
  weightChannelAxis(spec: LayerSpec): number;
  /** Output elements per sample of the op itself, before pooling (what scale, bias, BN, act count). */
  prePoolElements(spec: LayerSpec): number;
  /**
   * The op on quantized input x [N, ...inShape] and weights w: returns [N, ...pre-pool outShape].
   * `inputGrad` false: x is data and its gradient may be skipped. Runs every step: no closures or
   * allocations beyond the op's own tensors.
   */
  op(x: tfjs.Tensor, w: tfjs.Tensor, inputGrad: boolean, ops: OpSet, tf: TfApi): tfjs.Tensor;
  /** The MAC count spelled out for the UI's cost explanation. */
  macsFormula(spec: LayerSpec): MacsFormula;
}
