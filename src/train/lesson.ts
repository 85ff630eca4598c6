/**
 * Runs a lesson to the end: its own experiment and the compare runs its claim names, one after the
 * other at one seed, then (for a post-training lesson) the claim's ladder or curvature analysis
 * over the lesson's own trained model, then checks the claim (src/experiment/claims.ts). The runner's `--preset` and the
 * lesson tests use it; the browser trains the same experiments in its workers.
 */
import type { MnistData } from '../data/mnist';
import {
  checkClaim,
  type ClaimResult,
  type ClaimRun,
  type LessonAnalysis,
  type LessonAnalysisResult,
  type LessonDeployResult,
  type LessonLadder,
  type LessonPrune,
  type PruneResult,
  lessonExperiments,
} from '../experiment/claims';
import { hessianTraces } from '../mixed/sensitivity';
import type { Preset } from '../experiment/presets';
import type { Experiment } from '../experiment/schema';
import { parseCheckpoint } from '../checkpoint/format';
import { type LadderCellSummary, normalizeLadderRequest, runLadderRequest } from '../ptq/ladderRequest';
import { PRUNE_DEFAULTS, pruneCheckpoint, type PruneOptions, type PruneReport } from '../prune/run';
import { measureLessonDeploy } from './lessonDeploy';
import { runExperiment, type RunOptions } from './run';
import { QuantTrainer } from './trainer';
import type { RunResult, StepReport, Trainer } from './types';

/** What a claim reads of a finished (or imported) run. */
export function claimRunOf(
  result: Pick<
    RunResult,
    'experiment' | 'history' | 'testAccuracy' | 'oscillation' | 'twin' | 'status' | 'stepsPerSec'
  >,
): ClaimRun {
  const last = result.history[result.history.length - 1];
  return {
    experiment: result.experiment,
    stepsDone: last?.step ?? 0,
    testAccuracy: result.testAccuracy,
    oscillation: result.oscillation,
    twin: result.twin,
    stepsPerSec: result.stepsPerSec,
    final: true,
  };
}

/**
 * A lesson's curvature analysis of `trainer`'s trained model: per-layer Hutchinson traces of its
 * float loss at each probe seed, all on one batch drawn with the experiment's seed (the Sensitivity
 * workspace's traces, docs/mixed.md §6).
 */
export async function measureLessonAnalysis(
  trainer: Trainer,
  analysis: LessonAnalysis,
  data: MnistData,
): Promise<LessonAnalysisResult> {
  if (!(trainer instanceof QuantTrainer)) throw new Error('a curvature analysis reads one model, not twins');
  const seeds: LessonAnalysisResult['seeds'] = [];
  for (const seed of analysis.seeds) {
    const layers = await hessianTraces(trainer.model, data.train, {
      probes: analysis.probes,
      batchSize: analysis.batchSize,
      seed,
      batchSeed: trainer.experiment.seed,
    });
    seeds.push({ seed, layers });
  }
  return { kind: 'traces', seeds, final: true };
}

/**
 * A lesson's post-training ladder over `trainer`'s trained model, every cell (the same
 * `runLadderRequest` the app's worker steps through), as its claim reads it.
 */
export async function measureLessonLadder(
  trainer: Trainer,
  ladder: LessonLadder,
  data: MnistData,
  onCell?: (cell: LadderCellSummary) => void,
): Promise<{ cells: LadderCellSummary[]; final: true }> {
  if (!(trainer instanceof QuantTrainer))
    throw new Error('a post-training ladder quantizes one model, not twins');
  const cells: LadderCellSummary[] = [];
  for await (const cell of runLadderRequest(
    trainer.model,
    trainer.experiment,
    data,
    normalizeLadderRequest(ladder),
  )) {
    cells.push(cell);
    onCell?.(cell);
  }
  return { cells, final: true };
}

/** The options of one method of a lesson's pruning (the runner's defaults where it gives none). */
export function lessonPruneOptions(
  prune: LessonPrune,
  method: LessonPrune['methods'][number],
  seed: number,
): PruneOptions {
  return {
    ...PRUNE_DEFAULTS,
    ...(prune.probes !== undefined && { probes: prune.probes }),
    ...(prune.batchSize !== undefined && { batchSize: prune.batchSize }),
    method,
    sparsity: prune.sparsity,
    finetuneSteps: prune.finetuneSteps,
    seed,
  };
}

/** What a claim reads of a pruning report (plain data: what the app's worker posts). */
export function pruneResultOf(report: PruneReport): PruneResult {
  const { method, sparsity, before, afterPrune, afterFinetune } = report;
  return {
    method,
    sparsity,
    before: { testAccuracy: before.testAccuracy },
    afterPrune: { testAccuracy: afterPrune.testAccuracy },
    afterFinetune: { testAccuracy: afterFinetune.testAccuracy },
  };
}

/**
 * A lesson's post-training pruning of `trainer`'s trained model (docs/prune.md §6): each method
 * from a checkpoint of it, as `quant-lab prune` does (the app's worker runs the same, app/worker/pruneJob.ts).
 */
export async function measureLessonPrune(
  trainer: Trainer,
  prune: LessonPrune,
  data: MnistData,
): Promise<{ results: PruneReport[]; final: true }> {
  if (!trainer.checkpoint) throw new Error('pruning measures one model, not twins');
  const parsed = parseCheckpoint(await trainer.checkpoint());
  if (!parsed.ok) throw new Error(parsed.error);
  const results: PruneReport[] = [];
  for (const method of prune.methods)
    results.push(
      await pruneCheckpoint(parsed.value, data, lessonPruneOptions(prune, method, trainer.experiment.seed)),
    );
  return { results, final: true };
}

export interface LessonOutcome {
  /** Result of the lesson's own experiment, with the checked claim. */
  self: RunResult & { claim: ClaimResult };
  /** Results of the compare runs, by role. */
  compare: Record<string, RunResult>;
  /** The claim's ladder cells over `self`'s model (post-training lessons). */
  ladder?: LadderCellSummary[];
  /** The claim's prunings of `self`'s model (pruning lessons). */
  prune?: PruneReport[];
  /** The claim's curvature analysis of `self`'s model (curvature lessons). */
  analysis?: LessonAnalysisResult;
  /** The deployed forms of every run's model, by role (deploy lessons). */
  deploy?: Record<string, LessonDeployResult>;
}

/**
 * Trains every run of `preset`'s lesson at `seed` (default: the experiment's), `experiment` standing
 * in for the preset's own (flags may have changed it; the compare patches apply on top of it).
 * A run that diverges still counts: its numbers are what the claim reads.
 */
export async function runLesson(
  preset: Preset,
  data: MnistData,
  options: {
    experiment?: Experiment;
    seed?: number;
    onRunStart?: (role: string, experiment: Experiment) => void;
    onReport?: (role: string, report: StepReport) => void;
    onLadderCell?: (cell: LadderCellSummary) => void;
  } & Pick<RunOptions, 'saveWeights' | 'signal'> = {},
): Promise<LessonOutcome> {
  const base = options.experiment ?? preset.experiment;
  const experiments = lessonExperiments(base, preset.claim, options.seed ?? base.seed);
  const results: Record<string, RunResult> = {};
  const { ladder, prune, analysis, deploy } = preset.claim;
  const deployed: Record<string, LessonDeployResult> = {};
  let measured: { cells: LadderCellSummary[]; final: true } | undefined;
  let pruned: { results: PruneReport[]; final: true } | undefined;
  let analysed: LessonAnalysisResult | undefined;
  for (const [role, exp] of Object.entries(experiments)) {
    options.onRunStart?.(role, exp);
    const onReport = options.onReport ? (r: StepReport) => options.onReport!(role, r) : undefined;
    results[role] = await runExperiment(exp, data, onReport, {
      saveWeights: role === 'self' && options.saveWeights,
      signal: options.signal,
      ...(((role === 'self' && (ladder || prune || analysis)) || deploy) && {
        onTrained: async (t: Trainer) => {
          if (deploy) deployed[role] = await measureLessonDeploy(t, deploy, data);
          if (role !== 'self') return;
          if (ladder) measured = await measureLessonLadder(t, ladder, data, options.onLadderCell);
          if (prune) pruned = await measureLessonPrune(t, prune, data);
          if (analysis) analysed = await measureLessonAnalysis(t, analysis, data);
        },
      }),
    });
  }
  const runs = Object.fromEntries(
    Object.entries(results).map(([role, r]) => [
      role,
      { ...claimRunOf(r), ...(deployed[role] && { deploy: deployed[role] }) },
    ]),
  );
  if (measured) runs.self = { ...runs.self!, ladder: measured };
  if (pruned) runs.self = { ...runs.self!, prune: pruned };
  if (analysed) runs.self = { ...runs.self!, analysis: analysed };
  const claim = checkClaim(preset.claim, runs as { self: ClaimRun });
  const { self, ...compare } = results;
  return {
    self: { ...self, claim },
    compare,
    ...(measured && { ladder: measured.cells }),
    ...(pruned && { prune: pruned.results }),
    ...(analysed && { analysis: analysed }),
    ...(deploy && { deploy: deployed }),
  };
}
