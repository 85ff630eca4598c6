/**
 * Cost report types: plain data (crosses the worker boundary, written into run and sweep JSON).
 * Every cost is per sample (one image through the network); see src/cost/opCosts.ts for units.
 */
import type { LayerKind } from '../models/layers/registry';
import type { ElementwiseKind } from './terms';

/** Stacked-bar segments of ACEv2: the MAC term and each elementwise kind. */
export type CostKind = 'mac' | ElementwiseKind;

/** Segments of the model size. */
export type SizeKind = 'weights' | 'bias' | 'bn' | 'scales';

/** Cost axes a sweep can be plotted / its frontier computed against: the registry in axes.ts. */
export { COST_AXES, type CostAxis } from './axes';

/** What the cost depends on beyond the layer list (all from the experiment's `quant` block). */
export interface CostOptions {
  /** PikeLPN QuantNorm: BN parameters γ', β' at the layer's weight bits instead of float. */
  quantNorm: boolean;
  /** PikeLPN double quantization: requantization scales at 8 bits instead of float. */
  doubleQuant: boolean;
  /** One weight scale per output channel (else one per tensor): changes sizeBits only. */
  weightPerChannel: boolean;
  /** Symmetric activations need no zero point: changes sizeBits only. */
  actSymmetric: boolean;
  /** Width at which float operands are priced in ACE and ACEv2 (default 32; AQT uses 16). */
  floatBits: number;
}

/** Totals of one layer or of the whole model. */
export interface CostTotals {
  /** Multiply-accumulates per sample. */
  macs: number;
  /** PokeBNN ACE: Σ MACs·b_w·b_a, float priced at `floatBits` (ACE units = bit-products). */
  ace: number;
  /** The lab's ACEv2 (src/cost/opCosts.ts ACEV2_FORMULA): ACE plus elementwise ops (ACE units). */
  acev2: number;
  /**
   * HAWQ-V3 BOPs: Σ MACs·b_w·b_a with float = 32. Identical to `ace` at the default floatBits = 32;
   * both names are kept because the literature (and the UI's axis picker) uses both.
   */
  bops: number;
  /** Model size in bits: weights·b_w + bias + BN params + quantization scales / zero points. */
  sizeBits: number;
  /** ACEv2 split by kind; sums to `acev2`. `mac` equals `ace`. */
  acev2Breakdown: Record<CostKind, number>;
  /** Number of scalar ops per sample by kind (`mac` = macs). */
  opCounts: Record<CostKind, number>;
  /** sizeBits split by kind; sums to `sizeBits`. */
  sizeBreakdown: Record<SizeKind, number>;
}

/** Cost of one layer (LayerSpec of src/models/spec.ts), with the widths it was priced at. */
export interface LayerCost extends CostTotals {
  name: string;
  kind: LayerKind;
  /** Resolved widths (32 = float): weights, input activations, output activations. */
  weightBits: number;
  actBits: number;
  outBits: number;
  /** Width of BN parameters (0 when the layer has no BN) and of the requantization scale (0 when float). */
  bnBits: number;
  scaleBits: number;
}

/** Per-layer and total cost of a model under one quantization config. */
export interface CostReport {
  layers: LayerCost[];
  total: CostTotals;
  options: CostOptions;
}
