/**
 * A mixed-precision allocation as plain data (docs/mixed.md §4): per layer its weight and input
 * activation bits, the experiment it makes (per-layer overrides in `quant.layers`), and its cost
 * by the lab's own cost model (src/cost). Pure: no tfjs.
 */
import { costOfExperiment } from '../cost';
import { bitsSchema, type Experiment } from '../experiment/schema';
import { layerNames } from '../models/spec';

/** One layer's bits. Field names are a public contract (the `layers` array of `quant-lab mixed`). */
export interface LayerBits {
  name: string;
  weightBits: number;
  actBits: number;
}

/** The budget axes: BOPs per sample, model size in bytes, ACEv2 per sample. */
export const BUDGET_AXES = ['bops', 'size', 'acev2'] as const;
export type BudgetAxis = (typeof BUDGET_AXES)[number];

/** What an allocation costs on every budget axis (size in bytes). */
export type AllocationCost = Record<BudgetAxis, number>;

/** An allocation, its cost and its summed sensitivity. */
export interface Allocation {
  layers: LayerBits[];
  cost: AllocationCost;
  objective: number;
}

/** The experiment with every listed layer's bits set by a per-layer override. */
export function withAllocation(exp: Experiment, layers: readonly LayerBits[]): Experiment {
  const overrides = Object.fromEntries(
    layers.map((l) => [l.name, { weightBits: l.weightBits, actBits: l.actBits }]),
  );
  return { ...exp, quant: { ...exp.quant, layers: { ...exp.quant.layers, ...overrides } } };
}

/** The cost of `exp` with the allocation, exactly as `quant-lab cost` prices it. */
export function allocationCost(exp: Experiment, layers: readonly LayerBits[]): AllocationCost {
  const { total } = costOfExperiment(withAllocation(exp, layers));
  return { bops: total.bops, size: total.sizeBits / 8, acev2: total.acev2 };
}

/**
 * Reads the `layers` array of a `quant-lab mixed` output (or any object with one), checking each
 * entry's name against the model's layers and its bits against the schema.
 */
export function parseLayerBits(
  value: unknown,
  exp: Experiment,
): { ok: true; value: LayerBits[] } | { ok: false; error: string } {
  const layers = (value as { layers?: unknown } | null)?.layers;
  if (!Array.isArray(layers) || layers.length === 0)
    return { ok: false, error: 'expected an object with a non-empty "layers" array' };
  const names = layerNames(exp);
  const out: LayerBits[] = [];
  for (const [i, entry] of layers.entries()) {
    const { name, weightBits, actBits } = (entry ?? {}) as Partial<LayerBits>;
    if (typeof name !== 'string' || !names.includes(name))
      return {
        ok: false,
        error: `layers[${i}].name: '${String(name)}' is not a layer of ${exp.model.arch} (${names.join(', ')})`,
      };
    for (const [field, bits] of [
      ['weightBits', weightBits],
      ['actBits', actBits],
    ] as const) {
      const parsed = bitsSchema.safeParse(bits);
      if (!parsed.success)
        return { ok: false, error: `layers[${i}].${field}: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
    }
    out.push({ name, weightBits: weightBits!, actBits: actBits! });
  }
  return { ok: true, value: out };
}
