/**
 * Cost of one layer: the MAC term, then each elementwise term of the registry (terms.ts), priced
 * with the table in opCosts.ts. Pure (no tfjs); every number is per sample.
 */
import { FLOAT_BITS } from '../experiment/schema';
import type { LayerSpec } from '../models/spec';
import {
  ACT_QUANT_PARAM_BITS,
  BIAS_BITS,
  BN_PARAMS_PER_CHANNEL,
  DOUBLE_QUANT_SCALE_BITS,
  OP_COST,
  type OperandBits,
  priceOps,
} from './opCosts';
import { costTerms } from './terms';
import type { CostKind, CostOptions, LayerCost, SizeKind } from './types';

/** True when `bits` means "not quantized". */
export function isFloat(bits: number): boolean {
  return bits >= FLOAT_BITS;
}

/** Width at which an operand of `bits` is priced: float operands at `floatBits`. */
export function pricedBits(bits: number, floatBits: number): number {
  return isFloat(bits) ? floatBits : bits;
}

export { prePoolElements } from './terms';

/** Widths of this layer's elementwise operands under the options (float priced at floatBits). */
export function operandBits(
  layer: LayerSpec,
  outBits: number,
  options: CostOptions,
): OperandBits & { quantized: boolean } {
  const quantized = !isFloat(layer.weightBits) || !isFloat(layer.actBits) || !isFloat(outBits);
  return {
    quantized,
    out: pricedBits(outBits, options.floatBits),
    bn: options.quantNorm && !isFloat(layer.weightBits) ? layer.weightBits : options.floatBits,
    scale: options.doubleQuant ? DOUBLE_QUANT_SCALE_BITS : options.floatBits,
  };
}

/** Model size of one layer in bits, by kind (storage: float = 32 bits whatever floatBits is). */
export function layerSizeBits(layer: LayerSpec, options: CostOptions): Record<SizeKind, number> {
  const weights = layer.weightCount * layer.weightBits;
  const bias = layer.bias ? layer.outChannels * BIAS_BITS : 0;
  const bnBits = options.quantNorm && !isFloat(layer.weightBits) ? layer.weightBits : FLOAT_BITS;
  const bn = layer.batchNorm ? BN_PARAMS_PER_CHANNEL * layer.outChannels * bnBits : 0;
  let scales = 0;
  if (!isFloat(layer.weightBits)) {
    const count = options.weightPerChannel ? layer.outChannels : 1;
    // Double quantization stores each scale as an 8-bit integer plus one shared float factor.
    scales += options.doubleQuant ? count * DOUBLE_QUANT_SCALE_BITS + FLOAT_BITS : count * FLOAT_BITS;
  }
  if (!isFloat(layer.actBits)) {
    // The input quantizer: one per-tensor scale, plus a zero point when asymmetric.
    scales += ACT_QUANT_PARAM_BITS * (options.actSymmetric ? 1 : 2);
  }
  return { weights, bias, bn, scales };
}

/**
 * Prices one layer. `outBits` is the width of its output activations: the next layer's `actBits`,
 * or 32 (float logits) for the last layer.
 */
export function costOfLayer(layer: LayerSpec, outBits: number, options: CostOptions): LayerCost {
  const bits = operandBits(layer, outBits, options);
  const macCost = OP_COST.mac(
    pricedBits(layer.weightBits, options.floatBits),
    pricedBits(layer.actBits, options.floatBits),
  );
  const ace = layer.macs * macCost;
  const acev2Breakdown = { mac: ace } as Record<CostKind, number>;
  const opCounts = { mac: layer.macs } as Record<CostKind, number>;
  for (const [kind, term] of costTerms()) {
    const count = term.count(layer, bits.quantized);
    const priced = priceOps(term.ops(bits, layer));
    acev2Breakdown[kind as CostKind] = count * priced.cost;
    opCounts[kind as CostKind] = count * priced.count;
  }
  const sizeBreakdown = layerSizeBits(layer, options);
  return {
    name: layer.name,
    kind: layer.kind,
    weightBits: layer.weightBits,
    actBits: layer.actBits,
    outBits,
    bnBits: layer.batchNorm ? bits.bn : 0,
    scaleBits: bits.quantized ? bits.scale : 0,
    macs: layer.macs,
    ace,
    acev2: sumValues(acev2Breakdown),
    // HAWQ-V3 BOPs price float at 32 whatever floatBits is (BOPs at 8 bits = BOPs at 32 / 16).
    bops: layer.macs * OP_COST.mac(layer.weightBits, layer.actBits),
    sizeBits: sumValues(sizeBreakdown),
    acev2Breakdown,
    opCounts,
    sizeBreakdown,
  };
}

/** Sum of a record's values. */
export function sumValues(record: Record<string, number>): number {
  return Object.values(record).reduce((a, b) => a + b, 0);
}
