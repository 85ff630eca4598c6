/**
 * What a run reports while it trains, and the trainer's interface. Plain data only: these cross
 * the worker boundary. What a run returns at the end (RunResult and its parts) lives one layer
 * down, in src/experiment/result.ts, next to the schema that reads it back; re-exported here.
 */
import type { CheckpointFile } from '../checkpoint/format';
import type { HistoryPoint, RunResult, RunStatus, TwinPoint } from '../experiment/result';
import type { Experiment } from '../experiment/schema';

export type {
  HistoryPoint,
  OscillationPoint,
  OscillationSummary,
  RunResult,
  RunStatus,
  TwinPoint,
  TwinSummary,
} from '../experiment/result';

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
