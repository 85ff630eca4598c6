/**
 * Whole-model cost: the per-layer costs of src/cost/layerCost.ts and their totals.
 * Pure and tfjs-free: runs in the browser main thread (live breakdown chart), workers and Node.
 */
import { FLOAT_BITS, type Experiment } from '../experiment/schema';
import { describeModel, type LayerSpec } from '../models/spec';
import { FLOAT_COST_BITS } from './opCosts';
import { costOfLayer } from './layerCost';
import { costTerms } from './terms';
import type { CostKind, CostOptions, CostReport, CostTotals, LayerCost } from './types';

/** Cost options of an experiment (its `quant` block), float priced at {@link FLOAT_COST_BITS}. */
export function costOptionsOf(exp: Experiment, overrides: Partial<CostOptions> = {}): CostOptions {
  return {
    quantNorm: exp.quant.quantNorm,
    doubleQuant: exp.quant.doubleQuant,
    weightPerChannel: exp.quant.weight.perChannel,
    actSymmetric: exp.quant.act.symmetric,
    floatBits: FLOAT_COST_BITS,
    ...overrides,
  };
}

/** 0 for `mac` and each term priced now (terms.ts), in breakdown order. */
function zeroPerKind(): Record<CostKind, number> {
  return Object.fromEntries(['mac', ...costTerms().map(([k]) => k)].map((k) => [k, 0])) as Record<
    CostKind,
    number
  >;
}

/** Adds up per-layer costs (every numeric field and every breakdown key). */
export function sumCosts(layers: CostTotals[]): CostTotals {
  const total: CostTotals = {
    macs: 0,
    ace: 0,
    acev2: 0,
    bops: 0,
    sizeBits: 0,
    acev2Breakdown: zeroPerKind(),
    opCounts: zeroPerKind(),
    sizeBreakdown: { weights: 0, bias: 0, bn: 0, scales: 0 },
  };
  for (const l of layers) {
    total.macs += l.macs;
    total.ace += l.ace;
    total.acev2 += l.acev2;
    total.bops += l.bops;
    total.sizeBits += l.sizeBits;
    for (const k of Object.keys(total.acev2Breakdown) as (keyof CostTotals['acev2Breakdown'])[]) {
      total.acev2Breakdown[k] += l.acev2Breakdown[k];
      total.opCounts[k] += l.opCounts[k];
    }
    for (const k of Object.keys(total.sizeBreakdown) as (keyof CostTotals['sizeBreakdown'])[]) {
      total.sizeBreakdown[k] += l.sizeBreakdown[k];
    }
  }
  return total;
}

/** Prices a layer list (from describeModel) under `options`; per sample. */
export function computeCost(layers: LayerSpec[], options: CostOptions): CostReport {
  const priced: LayerCost[] = layers.map((layer, i) =>
    // A layer's output is quantized at the next layer's input bits; the logits stay float.
    costOfLayer(layer, i + 1 < layers.length ? layers[i + 1].actBits : FLOAT_BITS, options),
  );
  return { layers: priced, total: sumCosts(priced), options };
}

/** Per-layer and total cost of an experiment's model: `computeCost(describeModel(exp), …)`. */
export function costOfExperiment(exp: Experiment, overrides: Partial<CostOptions> = {}): CostReport {
  return computeCost(describeModel(exp), costOptionsOf(exp, overrides));
}
