/**
 * What a run reports while it trains and what it returns at the end. Plain data only: these cross
 * the worker boundary and are written by the runner as JSON.
 */
import type { CheckpointFile } from '../checkpoint/format';
import type { CostReport } from '../cost/types';
import type { ClaimResult } from '../experiment/claims';
import type { Experiment } from '../experiment/schema';

/** One point of a training history (a report every `train.reportEvery` steps). */
export interface HistoryPoint {
  step: number;
  loss: number;
  /** Training-batch accuracy (0–1) of the reported step. */
  trainAccuracy: number;
  lr: number;
  /** Test accuracy (0–1), on evaluation steps only. */
  testAccuracy?: number;
  testLoss?: number;
  /** Test accuracy with BN statistics re-estimated, on evaluation steps when enabled. */
  testAccuracyBnReestimated?: number;
}

/** Per-layer quantizer state at a report. */
export interface LayerReport {
  name: string;
  weightScale: number;
  /** Mean weight zero point (0 when symmetric); absent in runs saved before it was reported. */
  weightZeroPoint?: number;
  actScale: number;
  /** Fraction of activations outside the clip range in the last batch. */
  actClipFraction: number;
  /** Oscillation statistics (present when the layer is tracked). */
  oscillatingFraction?: number;
  meanFrequency?: number;
  /** Integer changes of the layer's weights since tracking started. */
  flips?: number;
  /** Of those, changes that reversed the weight's previous change (oscillations proper). */
  reversals?: number;
  frozenFraction?: number;
}

/** Sampled weight trajectories for the charts: latent value and integer code per report. */
export interface WeightSample {
  layer: string;
  /** Flat index into the layer's weight tensor. */
  index: number;
  latent: number;
  code: number;
  frozen: boolean;
  flips: number;
}

/** Streamed every `reportEvery` steps. */
export interface StepReport {
  point: HistoryPoint;
  layers: LayerReport[];
  samples: WeightSample[];
  /** Histogram of oscillation frequencies over all tracked weights (fixed bin edges, 0..maxFreq). */
  frequencyHistogram?: { edges: number[]; counts: number[] };
  twin?: TwinPoint;
}

export interface TwinPoint {
  step: number;
  /** Fraction of identical integer weights between the twins. */
  agreement: number;
  /** ‖M(w_GE) − w_STE‖/‖w_STE‖ (mapped SGD) or ‖w_GE − w_STE‖/‖w_STE‖. */
  alignmentError: number;
  signAgreement: number;
  /** testAccuracy(STE twin) − testAccuracy(other twin), on evaluation steps. */
  accuracyGap?: number;
}

/** Oscillation state at one report. */
export interface OscillationPoint {
  step: number;
  /** Fraction of weights whose EMA frequency exceeds the report threshold (frozen weights included until it decays). */
  fraction: number;
  frozenFraction: number;
  /** Integer changes since tracking started, summed over the tracked weights (absent in older result files). */
  flips?: number;
  /** Of those, changes that reversed the previous change of the same weight. */
  reversals?: number;
}

export interface OscillationSummary {
  /** Fraction of tracked weights oscillating (frequency > reportThreshold) at the end. */
  fraction: number;
  frozenFraction: number;
  /** Number of tracked weights, the denominator of the fractions and rates (absent in older result files). */
  weights?: number;
  history: OscillationPoint[];
  layers: Record<
    string,
    { fraction: number; frozenFraction: number; weights?: number; history: OscillationPoint[] }
  >;
}

export interface TwinSummary {
  estimator: string;
  /** Final fraction of identical integer weights. */
  agreement: number;
  /** SGD mapping learning-rate factor α, when `--twin-map` was applied. */
  alpha?: number;
  history: TwinPoint[];
  testAccuracy: number;
}

export type RunStatus = 'completed' | 'diverged' | 'stopped';

/** A finished run: the resolved experiment plus what was measured (the runner's result JSON). */
export interface RunResult {
  experiment: Experiment;
  status: RunStatus;
  /** Why the run stopped early (divergence), in words a user can act on. */
  reason?: string;
  /** Final test accuracy, 0–1. */
  testAccuracy: number;
  /** Final test accuracy with BN re-estimation (when enabled). */
  testAccuracyBnReestimated?: number;
  history: HistoryPoint[];
  backend: string;
  wallTimeMs: number;
  stepsPerSec: number;
  oscillation?: OscillationSummary;
  twin?: TwinSummary;
  /** Per-layer and total cost (src/cost). */
  cost?: CostReport;
  /** A lesson's run (`--preset`): the lesson id, its claim checked on all its runs, and those other runs. */
  lesson?: string;
  claim?: ClaimResult;
  compare?: Record<string, Omit<RunResult, 'weights'>>;
  /** With --save-weights: each layer's integer codes and scales. */
  weights?: Record<
    string,
    { shape: number[]; codes: number[]; scale: number[]; zeroPoint: number[]; bits: number }
  >;
}

/**
 * A stateful training session over one experiment. The runner loops `run()` to the end; the browser
 * worker calls it in small chunks so it can answer pause/step/stop between chunks.
 * Implemented by `createTrainer` in src/train/trainer.ts.
 */
export interface Trainer {
  /** The experiment as currently applied (live changes included). */
  readonly experiment: Experiment;
  /** Steps done so far. */
  readonly stepsDone: number;
  /** True when `experiment.train.steps` are done or the run diverged. */
  readonly done: boolean;
  readonly status: RunStatus | 'running';
  /** Runs up to `n` more steps; returns the reports emitted (one per `reportEvery` steps). */
  run(n: number): Promise<StepReport[]>;
  /**
   * Applies a changed experiment mid-run. Live-changeable: estimator, learning rate and schedule,
   * dampening, freezing threshold, bitwidths, BN re-estimation, steps, report cadence. Returns false
   * (and changes nothing) when the change needs a fresh trainer (model, data, seed, twin).
   */
  update(next: Experiment): boolean;
  /** Evaluates on the test split now (with BN re-estimation when enabled). */
  evaluate(): Promise<HistoryPoint>;
  /** The result so far (final once `done`). */
  result(): RunResult;
  /** Latent weights, codes and scales of every layer (for histograms and --save-weights). */
  weights(): Promise<NonNullable<RunResult['weights']>>;
  /**
   * A checkpoint of the trained model now (docs/checkpoints.md); absent where there is no one
   * model to store (twin runs).
   */
  checkpoint?(createdBy?: string): Promise<CheckpointFile>;
  dispose(): void;
}
