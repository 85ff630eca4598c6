/**
 * How the cost model sees a pruned model (docs/prune.md §3): as the physically narrower one. The
 * masked model keeps its full shapes, but its pruned units compute zeros, so its cost is that of
 * the architecture with each pruned layer's output channels cut to the units kept (and the next
 * layer's inputs with them): the same drafts through describeLayers and computeCost, so MACs,
 * BOPs, ACEv2 and size all count live units only. Pure: no tfjs.
 */
import { computeCost, costOptionsOf } from '../cost/report';
import type { CostReport } from '../cost/types';
import { BN_PARAMS_PER_CHANNEL } from '../cost/opCosts';
import type { Experiment } from '../experiment/schema';
import { MODEL_ARCH_DEFS } from '../models/archs';
import { describeLayers, describeModel, type LayerSpec } from '../models/spec';
import { keptCounts, type PruneMask } from './groups';

/** The layer specs of `exp`'s model with each pruned layer narrowed to its kept units. */
export function prunedSpecs(exp: Experiment, mask: PruneMask): LayerSpec[] {
  const kept = keptCounts(mask);
  const full = describeModel(exp);
  const drafts = MODEL_ARCH_DEFS[exp.model.arch].layers(exp.model).map((d, i) => ({
    ...d,
    // Folded BN (describeModel's rule) stays folded.
    bias: full[i].bias,
    batchNorm: full[i].batchNorm,
    outChannels: kept.get(d.name) ?? d.outChannels,
  }));
  return describeLayers(drafts, exp);
}

/** Trainable parameters of a layer list: weights, biases, BN γ and β. */
export function paramCount(specs: readonly LayerSpec[]): number {
  return specs.reduce(
    (sum, l) =>
      sum +
      l.weightCount +
      (l.bias ? l.outChannels : 0) +
      (l.batchNorm ? BN_PARAMS_PER_CHANNEL * l.outChannels : 0),
    0,
  );
}

/** Parameters and MACs per sample, the pair the prune report prints. */
export interface PruneSize {
  params: number;
  macs: number;
}

export function sizeOf(specs: readonly LayerSpec[]): PruneSize {
  return { params: paramCount(specs), macs: specs.reduce((s, l) => s + l.macs, 0) };
}

/** The full cost report of the pruned model (what `quant-lab cost` would print for the narrower one). */
export function prunedCost(exp: Experiment, mask: PruneMask): CostReport {
  return computeCost(prunedSpecs(exp, mask), costOptionsOf(exp));
}
