/**
 * How the allocation lesson's per-layer bits are made (docs/mixed.md, "Lessons"). A lesson's runs
 * are experiments fixed before any of them trains, so the lesson cannot start a run whose bits
 * depend on a measurement; it ships the bits instead, and this function is the recipe that
 * reproduces them: train the float model at the seed, Hutchinson traces at two probe seeds
 * (pooled, as the Sensitivity workspace does), Ω_l(b) with the QAT experiment's weight quantizer,
 * then the ILP at a BOPs budget beside the largest uniform allocation within it and a random one
 * at it. A unit test runs it at the shipped seed and checks the lesson still ships what it makes.
 */
import type { MnistData } from '../data/mnist';
import type { Experiment } from '../experiment/schema';
import { runExperiment } from '../train/run';
import { QuantTrainer } from '../train/trainer';
import { allocateMixed } from './allocate';
import type { Allocation, LayerBits } from './allocation';
import { loadSolver } from './ilp';
import { traceSeeds, type TraceSeedsReport } from './traceSeeds';

/** What the lesson's allocations are computed from. */
export interface LessonAllocationRecipe {
  /** The float experiment whose trained model's curvature ranks the layers. */
  float: Experiment;
  /** The QAT experiment the allocations are trained with (its weight quantizer is Ω's Q_b). */
  qat: Experiment;
  /** Hutchinson probes per probe seed, on one batch of this many training images. */
  probes: number;
  batchSize: number;
  probeSeeds: [number, number];
  /** Candidate weight bitwidths (activation bits tied). */
  bits: number[];
  /** The budget in BOPs per sample. */
  budgetBops: number;
}

/** The three allocations of the lesson, and the traces and float accuracy they came from. */
export interface LessonAllocations {
  hawq: Allocation;
  uniform: Allocation & { bits: number };
  /** The first random allocation at the budget that is neither the ILP's nor the uniform one. */
  random: Allocation;
  traces: TraceSeedsReport;
  floatTestAccuracy: number;
}

/** Random allocations drawn before giving up on one that differs from the ILP's and uniform's. */
const RANDOM_DRAWS = 16;

const sameBits = (a: readonly LayerBits[], b: readonly LayerBits[]) =>
  a.length === b.length &&
  a.every(
    (l, i) => l.name === b[i]!.name && l.weightBits === b[i]!.weightBits && l.actBits === b[i]!.actBits,
  );

/** Runs the recipe at `seed` (the float model's seed, the batch's and the random draws'). */
export async function computeLessonAllocations(
  recipe: LessonAllocationRecipe,
  data: MnistData,
  seed: number,
): Promise<LessonAllocations> {
  let traces: TraceSeedsReport | undefined;
  const float = await runExperiment({ ...recipe.float, seed }, data, undefined, {
    onTrained: async (t) => {
      if (!(t instanceof QuantTrainer)) throw new Error('the float model of an allocation is one model');
      traces = await traceSeeds(t.model, { ...recipe.qat, seed }, data, {
        probes: recipe.probes,
        batchSize: recipe.batchSize,
        seeds: recipe.probeSeeds,
        bits: recipe.bits,
      });
    },
  });
  if (!traces) throw new Error(`the float model did not train (${float.status})`);
  const highs = await loadSolver();
  const mixed = allocateMixed(highs, { ...recipe.qat, seed }, traces.sensitivity, {
    bits: recipe.bits,
    actBits: 'tied',
    axis: 'bops',
    budget: recipe.budgetBops,
    randomCount: RANDOM_DRAWS,
    seed,
  });
  if (!mixed.uniform) throw new Error(`no uniform allocation fits ${recipe.budgetBops} BOPs`);
  const uniform = mixed.uniform;
  const random = mixed.random.find(
    (r) => !sameBits(r.layers, mixed.layers) && !sameBits(r.layers, uniform.layers),
  );
  if (!random)
    throw new Error(`${RANDOM_DRAWS} random allocations at the budget were all the ILP's or the uniform one`);
  const { uniform: _u, random: _r, solveMs: _s, ...hawq } = mixed;
  return { hawq, uniform, random, traces, floatTestAccuracy: float.testAccuracy };
}

/** Per-layer overrides (`quant.layers`) of an allocation, as a lesson's experiment patch holds them. */
export function layerOverrides(
  layers: readonly LayerBits[],
): Record<string, { weightBits: number; actBits: number }> {
  return Object.fromEntries(layers.map((l) => [l.name, { weightBits: l.weightBits, actBits: l.actBits }]));
}
