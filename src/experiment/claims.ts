/**
 * Claims: what a lesson says happens, as a sentence and as a predicate over numbers measured on the
 * lesson's own runs. A lesson is a teaching preset plus its claim (src/experiment/presets.ts); where
 * a claim compares two settings, the lesson names the other runs as patches of its experiment
 * (`compare`), and every run of a lesson uses the same seed.
 *
 * Pure: the runner (src/train/lesson.ts) and the app build {@link ClaimRun}s from what they measured,
 * final or so far, and call {@link checkClaim}. A claim is provisional until every run has finished.
 */
import { costOfExperiment } from '../cost/report';
import type { OscillationSummary } from './result';
import { type Experiment, experimentSchema } from './schema';

/** What a claim may read of one run: final, or so far while it trains. */
export interface ClaimRun {
  experiment: Experiment;
  stepsDone: number;
  /** Latest test accuracy (0–1); undefined before the first evaluation. */
  testAccuracy?: number;
  oscillation?: Pick<OscillationSummary, 'fraction' | 'frozenFraction' | 'weights' | 'history'>;
  /** Twin comparison (runs with a twin): fraction of identical integer weights. */
  twin?: { agreement: number };
  /** True once the run has ended (completed, diverged or stopped). */
  final: boolean;
  /** The lesson's post-training ladder over this run's model (`self` only), cells so far. */
  ladder?: { cells: LadderCellResult[]; final: boolean };
  /** The lesson's post-training pruning of this run's model (`self` only), results so far. */
  prune?: { results: PruneResult[]; final: boolean };
  /** The lesson's curvature analysis of this run's model (`self` only), as far as it went. */
  analysis?: LessonAnalysisResult;
  /** The lesson's deployed forms of this run's model (every run of a deploy lesson). */
  deploy?: LessonDeployResult;
  /** Training steps per second of wall time (what one step costs); undefined when not timed. */
  stepsPerSec?: number;
}

/**
 * A lesson's post-training pruning of its own trained model (docs/prune.md §6): each method at
 * `sparsity`, then `finetuneSteps` of fine-tuning with the pruned units masked.
 */
export interface LessonPrune {
  methods: ('hap' | 'magnitude')[];
  sparsity: number;
  finetuneSteps: number;
  /** HAP's Hutchinson probes and Hessian batch (default: the runner's). */
  probes?: number;
  batchSize?: number;
}

/** What a claim reads of one pruning (src/prune's `PruneReport` is one). */
export interface PruneResult {
  method: string;
  sparsity: number;
  before: { testAccuracy: number };
  afterPrune: { testAccuracy: number };
  afterFinetune: { testAccuracy: number };
}

/**
 * A post-training measurement of a lesson's own trained model other than a ladder: `traces`, the
 * per-layer Hutchinson traces of its float loss at several probe seeds on one batch drawn with the
 * experiment's seed (docs/hessian.md, "Lessons").
 */
export interface LessonAnalysis {
  kind: 'traces';
  /** Rademacher probes per seed. */
  probes: number;
  /** Training images of the loss. */
  batchSize: number;
  /** The probe seeds (two or more). */
  seeds: number[];
}

/** One layer's Hessian trace (the fields of `quant-lab hessian`'s JSON). */
export interface LayerTraceResult {
  name: string;
  params: number;
  trace: number;
  traceStdErr: number;
}

/**
 * A lesson's deployment check of each of its trained models (docs/integer.md §8): the parity
 * table (integer-only model and onnxruntime against fake quantization) on `images` test digits.
 */
export interface LessonDeploy {
  images: number;
}

/** What a {@link LessonDeploy} measured on one run's model (a summary of `quant-lab parity`). */
export interface LessonDeployResult {
  images: number;
  /** Test accuracy (0–1) of each form on the images. */
  accuracy: { float: number; fakeQuant: number; integer: number; onnx: number };
  /** Argmax agreement with fake quantization. */
  argmaxAgreement: { integer: number; onnx: number };
  /** Largest share of a layer input's codes the integer model moves, with an int32 bias and with 8 fraction bits. */
  codesMoved: number;
  codesMovedBiasFrac8: number;
  final: boolean;
}

/** What a {@link LessonAnalysis} measured: each probe seed's per-layer traces. */
export interface LessonAnalysisResult {
  kind: 'traces';
  seeds: { seed: number; layers: LayerTraceResult[] }[];
  final: boolean;
}

/**
 * A lesson's post-training ladder over its own trained model (docs/ptq.md §9–10): plain data, the
 * fields of src/ptq's `LadderRequest` (columns and rungs given, the rest defaulting to the lab's).
 */
export interface LessonLadder {
  /** Weight bits of each column (activations at 8). */
  weightBits: number[];
  /** Rung ids: `nearest`, `cle`, `bias`, `adaround` (each its own row; the ladder is cumulative). */
  rungs: string[];
  adaroundIterations?: number;
  calibSize?: number;
  calibData?: CalibrationData;
  /** Each column again, calibrated on this source. */
  compareCalibData?: CalibrationData;
  distillIterations?: number;
  perChannel?: boolean;
  actRange?: 'minmax' | 'percentile' | 'mse';
  /** A last row: the last rung fine-tuned with QAT for this many steps. */
  qatSteps?: number;
}

export type CalibrationData = 'train' | 'distilled';

/** What a claim reads of one finished ladder cell (src/ptq's `LadderCellSummary` is one). */
export interface LadderCellResult {
  /** A rung id, or `qat`. */
  rung: string;
  weightBits: number;
  actBits: number;
  calibData: CalibrationData;
  /** Test accuracy (0–1) of the quantized model and of the float one it came from. */
  testAccuracy: number;
  floatTestAccuracy: number;
  /** Per layer, the mean |output shift| on the calibration set before and after bias correction. */
  layers: { name: string; meanShiftBefore: number; meanShiftAfter: number }[];
  /** The `qat` row: when fine-tuning passed the column's best rung (null: not within its steps). */
  qat?: { bestRung: string; bestAccuracy: number; stepsToPassBest: number | null };
}

/** Named numbers a claim measured (NaN: not measurable yet). */
export type Measured = Record<string, number>;

/** A deep patch of an experiment (plain objects merge, everything else replaces). */
export type ExperimentPatch = Record<string, unknown>;

/** Runs of a lesson by role: `self` is the lesson's own experiment, the others its `compare` runs. */
export type LessonRuns = { self: ClaimRun } & Record<string, ClaimRun>;

export interface ClaimSpec {
  /** The claim in one sentence a student can check against the numbers. */
  text: string;
  /** The machine-checked predicate, written out (the same test as {@link holds}). */
  predicate: string;
  /** When it holds and when it does not, as measured in this lab. */
  condition: string;
  /** Other runs the claim compares against: role → patch of the lesson's experiment (same seed). */
  compare?: Record<string, ExperimentPatch>;
  /** A post-training ladder run on `self`'s trained model once it finishes; `measure` reads its cells. */
  ladder?: LessonLadder;
  /** A post-training pruning of `self`'s trained model once it finishes; `measure` reads its results. */
  prune?: LessonPrune;
  /** A curvature analysis run on `self`'s trained model once it finishes; `measure` reads `self.analysis`. */
  analysis?: LessonAnalysis;
  /** The deployed forms of every run's trained model; `measure` reads each run's `deploy`. */
  deploy?: LessonDeploy;
  /** The numbers the predicate reads, by name (roles in parentheses, e.g. `acc(freeze)`). */
  measure(runs: LessonRuns): Measured;
  holds(m: Measured): boolean;
}

/** A checked claim: what a run's result carries as `claim` and what the app shows beside the run. */
export interface ClaimResult {
  text: string;
  predicate: string;
  condition: string;
  /** Whether the predicate holds on the measured numbers; null while any number is not measurable. */
  holds: boolean | null;
  measured: Measured;
  /** False while any run of the lesson is still training (or its ladder measuring): the verdict may still change. */
  final: boolean;
}

/** Identity of an experiment for reusing a finished run of it (the name is only a label). */
export function experimentKey(e: Experiment): string {
  return JSON.stringify({ ...e, name: '' });
}

/** Deep merge of plain objects; arrays and other values replace. */
export function mergePatch<T extends Record<string, unknown>>(base: T, patch: ExperimentPatch): T {
  const out: Record<string, unknown> = { ...base };
  const isPlain = (x: unknown): x is Record<string, unknown> =>
    typeof x === 'object' && x !== null && !Array.isArray(x);
  for (const [k, v] of Object.entries(patch)) {
    const b = out[k];
    out[k] = isPlain(b) && isPlain(v) ? mergePatch(b, v) : v;
  }
  return out as T;
}

/**
 * The experiments a lesson trains, by role, all at `seed`: `self` is `experiment` as given, each
 * compare run is it with its patch applied (so a flag that changes the lesson changes every run).
 */
export function lessonExperiments(
  experiment: Experiment,
  claim: ClaimSpec,
  seed = experiment.seed,
): Record<string, Experiment> {
  const self = { ...experiment, seed };
  const out: Record<string, Experiment> = { self };
  for (const [role, patch] of Object.entries(claim.compare ?? {})) {
    out[role] = experimentSchema.parse(mergePatch(self as unknown as Record<string, unknown>, patch));
  }
  return out;
}

/** Checks a claim on the runs measured so far (a missing compare run counts as not measurable). */
export function checkClaim(claim: ClaimSpec, runs: Partial<LessonRuns> & { self: ClaimRun }): ClaimResult {
  const roles = ['self', ...Object.keys(claim.compare ?? {})];
  const missing = roles.some((r) => runs[r] === undefined);
  const measured = missing ? {} : claim.measure(runs as LessonRuns);
  const measurable = !missing && Object.values(measured).every(Number.isFinite);
  return {
    text: claim.text,
    predicate: claim.predicate,
    condition: claim.condition,
    holds: measurable ? claim.holds(measured) : null,
    measured: roundMeasured(measured),
    final:
      !missing &&
      roles.every((r) => runs[r]!.final) &&
      (!claim.ladder || runs.self.ladder?.final === true) &&
      (!claim.prune || runs.self.prune?.final === true) &&
      (!claim.analysis || runs.self.analysis?.final === true) &&
      (!claim.deploy || roles.every((r) => runs[r]!.deploy?.final === true)),
  };
}

/** Four significant digits: enough to read a predicate's margin, short enough for a table. */
function roundMeasured(m: Measured): Measured {
  return Object.fromEntries(
    Object.entries(m).map(([k, v]) => [k, Number.isFinite(v) ? Number(v.toPrecision(4)) : v]),
  );
}

// ---- What claims measure, each a plain function of one run -------------------------------------

/** Latest test accuracy (0–1), NaN before the first evaluation. */
export function acc(run: ClaimRun): number {
  return run.testAccuracy ?? NaN;
}

/** Fraction of tracked weights whose oscillation frequency EMA is above the report threshold. */
export function oscillating(run: ClaimRun): number {
  return run.oscillation?.history.length ? run.oscillation.fraction : NaN;
}

/** Fraction of tracked weights frozen. */
export function frozen(run: ClaimRun): number {
  return run.oscillation?.history.length ? run.oscillation.frozenFraction : NaN;
}

/**
 * Oscillations per 1000 weights per 100 steps over the last quarter of the steps done: integer
 * changes that reverse the weight's previous change, counted exactly. Unlike the EMA fraction it
 * drops as soon as weights stop flipping (a frozen weight's EMA only decays at rate m).
 */
export function reversalRate(run: ClaimRun): number {
  const osc = run.oscillation;
  if (!osc || !osc.weights || osc.history.length < 2) return NaN;
  const end = osc.history[osc.history.length - 1];
  const from = osc.history.find((p) => p.step >= 0.75 * end.step) ?? end;
  if (end.reversals === undefined || from.reversals === undefined || end.step === from.step) return NaN;
  return ((end.reversals - from.reversals) / osc.weights / (end.step - from.step)) * 1e5;
}

/** Fraction of identical integer weights between the twins. */
export function agreement(run: ClaimRun): number {
  return run.twin?.agreement ?? NaN;
}

/** Training steps per second of wall time, NaN when the run was not timed. */
export function stepsPerSec(run: ClaimRun): number {
  return run.stepsPerSec ?? NaN;
}

/** ACEv2 of the run's model and quantization (the lab's formulation; a pure function of the experiment). */
export function acev2(run: ClaimRun): number {
  return costOfExperiment(run.experiment).total.acev2;
}

/** ACE (PokeBNN): Σ over MACs of b_w·b_a. */
export function ace(run: ClaimRun): number {
  return costOfExperiment(run.experiment).total.ace;
}
