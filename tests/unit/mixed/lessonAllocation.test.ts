/**
 * The allocation lesson ships its per-layer bits (a lesson's runs are fixed before any trains);
 * this recomputes them with the recipe at the shipped seed, float training, two-seed traces, Ω and
 * the ILP, and checks the lesson still ships what the recipe makes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnistNode } from '../../../src/data/node';
import {
  ALLOCATION_BITS,
  ALLOCATION_BUDGET_BOPS,
  CURVATURE_FLOAT_MLP,
  CURVATURE_QAT_MLP,
  CURVATURE_TRACES,
  SHIPPED_ALLOCATIONS,
} from '../../../src/experiment/curvaturePresets';
import { getPreset } from '../../../src/experiment/presets';
import { experimentSchema } from '../../../src/experiment/schema';
import { computeLessonAllocations, layerOverrides } from '../../../src/mixed/lessonAllocation';
import { initBackend } from '../../../src/tensor/backend';

describe('the allocation lesson’s shipped bits', () => {
  beforeAll(() => initBackend('wasm'));

  it('are what the recipe computes at the shipped seed', { timeout: 300_000 }, async () => {
    const preset = getPreset('curvature-hawq-mlp')!;
    const seed = preset.experiment.seed;
    const got = await computeLessonAllocations(
      {
        float: experimentSchema.parse(CURVATURE_FLOAT_MLP),
        qat: experimentSchema.parse(CURVATURE_QAT_MLP),
        probes: CURVATURE_TRACES.probes,
        batchSize: CURVATURE_TRACES.batchSize,
        probeSeeds: [CURVATURE_TRACES.seeds[0], CURVATURE_TRACES.seeds[1]],
        bits: ALLOCATION_BITS,
        budgetBops: ALLOCATION_BUDGET_BOPS,
      },
      loadMnistNode(),
      seed,
    );
    console.log(
      `allocation at seed ${seed} (float ${got.floatTestAccuracy}): ` +
        ['hawq', 'uniform', 'random']
          .map((k) => {
            const a = got[k as 'hawq' | 'uniform' | 'random'];
            return `${k} ${a.layers.map((l) => l.weightBits).join(',')} (${a.cost.bops} BOPs, Ω ${a.objective.toPrecision(3)})`;
          })
          .join('; '),
    );
    expect(layerOverrides(got.hawq.layers)).toEqual(SHIPPED_ALLOCATIONS.hawq);
    expect(layerOverrides(got.uniform.layers)).toEqual(SHIPPED_ALLOCATIONS.uniform);
    expect(layerOverrides(got.random.layers)).toEqual(SHIPPED_ALLOCATIONS.random);
    // The lesson trains exactly these: its own run the ILP's, its compare runs the baselines.
    expect(preset.experiment.quant.layers).toEqual(SHIPPED_ALLOCATIONS.hawq);
    expect(preset.claim.compare).toEqual({
      uniform: { quant: { layers: SHIPPED_ALLOCATIONS.uniform } },
      random: { quant: { layers: SHIPPED_ALLOCATIONS.random } },
    });
    for (const a of [got.hawq, got.uniform, got.random])
      expect(a.cost.bops).toBeLessThanOrEqual(ALLOCATION_BUDGET_BOPS);
    // The ILP minimizes ΣΩ: neither baseline is more sensitive-aware than it.
    expect(got.hawq.objective).toBeLessThanOrEqual(got.uniform.objective);
    expect(got.hawq.objective).toBeLessThanOrEqual(got.random.objective);
  });
});
