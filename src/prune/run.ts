/**
 * Structured pruning of a trained checkpoint, then fine-tuning (docs/prune.md): score every unit
 * (./scores.ts), prune the lowest globally (./select.ts) by masking (./mask.ts), evaluate, and
 * fine-tune with the masks held; report test accuracy and size (./cost.ts) before, after pruning
 * and after fine-tuning. The runner's `quant-lab prune` and the pruning lessons run it.
 */
import type { Checkpoint, CheckpointFile } from '../checkpoint/format';
import { modelFromCheckpoint } from '../checkpoint/model';
import type { MnistData } from '../data/mnist';
import type { Experiment } from '../experiment/schema';
import { disposeBatch, sampleBatch } from '../hessian/analyze';
import { describeModel } from '../models/spec';
import { evaluateSplit } from '../train/metrics';
import { DEFAULT_PLUGINS } from '../train/plugins';
import { runExperiment } from '../train/run';
import { prunedSpecs, sizeOf, type PruneSize } from './cost';
import { pruneGroups, type PruneMask } from './groups';
import { applyMasks, disposeMasks, maskTensors, pruneMaskPlugin } from './mask';
import { channelTraces, hapScores, magnitudeScores, type ChannelScores, type PruneMethod } from './scores';
import { prunedIndices, selectUnits } from './select';

/** What to prune and how to fine-tune. */
export interface PruneOptions {
  method: PruneMethod;
  /** Share of the prunable units removed, in (0, 1). */
  sparsity: number;
  /** Fine-tuning steps after pruning (0: none). */
  finetuneSteps: number;
  /** HAP: Rademacher probes of the per-channel traces. */
  probes: number;
  /** HAP: training images of the Hessian's batch. */
  batchSize: number;
  /** Seed of the Hessian's batch and probes. */
  seed: number;
  /** Include each unit's score in the report. */
  scores?: boolean;
  log?: (line: string) => void;
}

/** docs/prune.md §4 says where each default comes from. */
export const PRUNE_DEFAULTS: Omit<PruneOptions, 'method' | 'sparsity'> = {
  finetuneSteps: 200,
  probes: 100,
  batchSize: 128,
  seed: 1,
};

/** Fine-tuning's learning rate as a share of the checkpoint's (HAP's README: 0.02 after 0.1). */
export const FINETUNE_LR_SCALE = 0.2;

/** One prunable layer in the report. Field names are a public contract (the runner's JSON). */
export interface PrunedLayer {
  name: string;
  channels: number;
  kept: number;
  pruned: number[];
  scores?: number[];
}

export interface PruneReport {
  method: PruneMethod;
  sparsity: number;
  layers: PrunedLayer[];
  before: { testAccuracy: number } & PruneSize;
  afterPrune: { testAccuracy: number };
  afterFinetune: { testAccuracy: number } & PruneSize;
  /** Hessian-vector products computed (HAP; 0 for magnitude). */
  hvpCalls: number;
}

/** The experiment a pruned model fine-tunes under: the checkpoint's, for `steps` steps at a lower rate. */
export function finetuneExperiment(exp: Experiment, steps: number): Experiment {
  return {
    ...exp,
    train: { ...exp.train, steps, evalEvery: steps, lr: exp.train.lr * FINETUNE_LR_SCALE },
  };
}

/**
 * Prunes `checkpoint`'s model and fine-tunes it. `onCheckpoint` receives the pruned, fine-tuned
 * model (the masked one: pruned units are zeros). Throws on a checkpoint that does not build.
 */
export async function pruneCheckpoint(
  checkpoint: Checkpoint,
  data: MnistData,
  options: PruneOptions,
  onCheckpoint?: (file: CheckpointFile) => void,
): Promise<PruneReport> {
  const log = options.log ?? (() => {});
  const exp = checkpoint.experiment;
  const built = modelFromCheckpoint(checkpoint);
  if (!built.ok) throw new Error(built.error);
  const model = built.model;
  const groups = pruneGroups(model.specs);
  if (!groups.length) {
    model.dispose();
    throw new Error(`the ${exp.model.arch} model has no prunable channels (docs/prune.md §2)`);
  }
  let scores: ChannelScores;
  let hvpCalls = 0;
  let mask: PruneMask;
  let before: number;
  let afterPrune: number;
  try {
    before = (await evaluateSplit(model, data.test, exp.data.testSize)).accuracy;
    if (options.method === 'hap') {
      const batch = sampleBatch(data.train, options.batchSize, options.seed);
      try {
        const traces = channelTraces(model, batch, options.probes, options.seed);
        hvpCalls = options.probes;
        scores = hapScores(model, traces);
      } finally {
        disposeBatch(batch);
      }
    } else scores = magnitudeScores(model);
    mask = selectUnits(groups, scores, options.sparsity);
    const masks = maskTensors(model, mask);
    applyMasks(masks);
    disposeMasks(masks);
    afterPrune = (await evaluateSplit(model, data.test, exp.data.testSize)).accuracy;
    log(`${options.method}: test accuracy ${pct(before)} → ${pct(afterPrune)} after pruning`);
  } finally {
    model.dispose();
  }
  let afterFinetune = afterPrune;
  if (options.finetuneSteps > 0) {
    const result = await runExperiment(finetuneExperiment(exp, options.finetuneSteps), data, undefined, {
      from: { checkpoint, finetune: true },
      plugins: [...DEFAULT_PLUGINS, pruneMaskPlugin(mask)],
      onCheckpoint,
    });
    afterFinetune = result.testAccuracy ?? NaN;
    log(`${options.method}: ${pct(afterFinetune)} after ${options.finetuneSteps} fine-tuning steps`);
  }
  return {
    method: options.method,
    sparsity: options.sparsity,
    layers: groups.map((g) => {
      const keep = mask.get(g.name)!;
      return {
        name: g.name,
        channels: g.channels,
        kept: keep.filter(Boolean).length,
        pruned: prunedIndices(keep),
        ...(options.scores && { scores: scores.get(g.name)! }),
      };
    }),
    before: { testAccuracy: before, ...sizeOf(describeModel(exp)) },
    afterPrune: { testAccuracy: afterPrune },
    afterFinetune: { testAccuracy: afterFinetune, ...sizeOf(prunedSpecs(exp, mask)) },
    hvpCalls,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
