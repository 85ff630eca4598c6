/**
 * The one typed protocol between the main thread and the training worker (docs/style.md rule 2).
 * Plain data only: experiments, step reports and small histograms cross the boundary; tensors never do.
 * Every run-scoped message carries its `runId` so the client can drop stale events of a superseded run.
 */
import type { Checkpoint } from '../../src/checkpoint/format';
import type { LessonPrune, PruneResult } from '../../src/experiment/claims';
import type { Experiment } from '../../src/experiment/schema';
import type { BudgetAllocation, BudgetRequest } from '../../src/mixed/budget';
import type { LayerSensitivity } from '../../src/mixed/allocate';
import type { AllocationFrontier, FrontierRequest } from '../../src/mixed/frontier';
import type { CheapSensitivityOptions, CheapSensitivityReport } from '../../src/mixed/layerSensitivity';
import type { TraceSeedOptions, TraceSeedsReport } from '../../src/mixed/traceSeeds';
import type { SpectrumOptions, SpectrumPhase, SpectrumReport } from '../../src/hessian/spectrumReport';
import type { CalibrationViewRequest, CalibrationViewResult } from '../../src/ptq/calibrationView';
import type { IntegerEvaluation } from '../../src/deploy/evaluate';
import type { DigitInspection, IntegerLayerView } from '../../src/deploy/inspect';
import type { OnnxCheck } from '../../src/deploy/onnxCheck';
import type { LadderCellSummary, LadderRequest } from '../../src/ptq/ladderRequest';
import type { HistoryPoint, RunResult, RunStatus, StepReport } from '../../src/train/types';

/** tfjs backends the worker can run on, fastest first on a CPU-only machine (the core's one list). */
import type { ConcreteBackend } from '../../src/tensor/backendNames';
export { CONCRETE_BACKENDS as BACKEND_NAMES } from '../../src/tensor/backendNames';
export type BackendName = ConcreteBackend;

/** What the worker picked, shown in the header. */
export interface BackendInfo {
  name: BackendName;
  /** wasm only: the SIMD binary is in use. */
  simd: boolean;
  /** wasm only: threads in the XNNPACK pool (1 = single-threaded binary). */
  threads: number;
  /** Backends tried before the one picked, with why they were skipped. */
  skipped: { name: BackendName; reason: string }[];
  /** Why this backend: asked for, measured faster (with the probe times), or WebGL not worth it. */
  why?: string;
}

/** Histogram of one layer's latent weights in grid units (u = w/s + z), with the integer grid. */
export interface WeightHistogram {
  layer: string;
  bits: number;
  /** Integer grid limits [qmin, qmax] of the layer's weights. */
  qmin: number;
  qmax: number;
  /** Bin edges in grid units (length counts + 1). */
  edges: number[];
  counts: number[];
  /** True when built from latent values; false when only integer codes were available. */
  latent: boolean;
}

/** How a ladder ended: every cell done, cancelled (Stop, play, a newer ladder, run gone) or failed. */
export type LadderEndStatus = 'done' | 'cancelled' | 'error';

/**
 * Where a run starts when not from the seeded initialization: a parsed checkpoint (docs/checkpoints.md),
 * fine-tuned (steps counted from 0) or resumed at its step.
 */
export interface RunStart {
  checkpoint: Checkpoint;
  finetune: boolean;
}

/**
 * A job of the Sensitivity workspace (docs/mixed.md §6): cheap sensitivity, the two-seed traces or
 * the spectrum (eigenvalues, density, landscape on `batchSize` training images) of a run's model, or
 * an allocation or the allocation frontier (plain data in: they need no model) solved by HiGHS in
 * the worker.
 */
export type SensitivityJob =
  | { kind: 'cheap'; options: CheapSensitivityOptions }
  | { kind: 'traces'; options: TraceSeedOptions }
  | { kind: 'spectrum'; options: SpectrumOptions; batchSize: number }
  | {
      kind: 'allocate';
      experiment: Experiment;
      sensitivity: LayerSensitivity[];
      request: BudgetRequest;
    }
  | {
      kind: 'frontier';
      experiment: Experiment;
      sensitivity: LayerSensitivity[];
      request: FrontierRequest;
    };

/** A sensitivity job's answer, by kind; `ms` is its wall time in the worker. */
export type SensitivityResult =
  | { kind: 'cheap'; report: CheapSensitivityReport; ms: number }
  | { kind: 'traces'; report: TraceSeedsReport; ms: number }
  | { kind: 'spectrum'; report: SpectrumReport; ms: number }
  | { kind: 'allocate'; allocation: BudgetAllocation; ms: number }
  | { kind: 'frontier'; frontier: AllocationFrontier; ms: number };

/**
 * A job of the Deploy workspace (docs/integer.md §6) over a run's model: the integer model with its
 * parity and one test digit followed through it, a digit alone, or the QDQ export checked in
 * onnxruntime-web.
 */
export type DeployJob =
  | { kind: 'integer'; biasFracBits: number; digit: number }
  | { kind: 'digit'; biasFracBits: number; digit: number }
  | { kind: 'onnx' };

/** A deploy job's answer, by kind; `ms` is its wall time in the worker. */
export type DeployResult =
  | {
      kind: 'integer';
      biasFracBits: number;
      evaluation: IntegerEvaluation;
      layers: IntegerLayerView[];
      digit: DigitInspection;
      ms: number;
    }
  | { kind: 'digit'; biasFracBits: number; digit: DigitInspection; ms: number }
  | {
      kind: 'onnx';
      check: OnnxCheck;
      /** The exported file (what "Download ONNX" saves). */
      bytes: Uint8Array;
      inputShape: (number | string)[];
      /** onnxruntime-web's wasm threads. */
      threads: number;
      /** Export alone, and the whole job (export, session, every test digit through both models). */
      exportMs: number;
      ms: number;
    };

/** Commands: main thread → worker. */
export type Command =
  | { type: 'init'; prefer?: BackendName }
  | { type: 'start'; runId: string; experiment: Experiment; from?: RunStart }
  /**
   * Train until paused, done, or `untilStep` (auto-pause / single step). `seq` numbers the plays of
   * a run and comes back on `paused`, so a pause that raced a newer play is recognised as stale.
   */
  | { type: 'play'; runId: string; seq: number; untilStep?: number }
  | { type: 'pause'; runId: string }
  | { type: 'update'; runId: string; experiment: Experiment }
  | { type: 'stop'; runId: string }
  /**
   * Post-training ladder over run `runId`'s trained model, one `ladderCell` per finished cell. Refused
   * while the run is playing; a `play` of the run or a newer ladder cancels it (between cells).
   */
  | { type: 'ladder'; ladderId: string; runId: string; request: LadderRequest }
  | { type: 'ladderCancel'; ladderId: string }
  /**
   * The calibration view of one layer's tensor of run `runId`'s trained model (docs/ptq.md §12).
   * Refused while the run is playing; answered by one `calibrationDone`.
   */
  | { type: 'calibration'; calibrationId: string; runId: string; request: CalibrationViewRequest }
  /**
   * A Sensitivity workspace job over run `runId`'s model (an allocation needs none); refused while
   * the run is playing; answered by one `sensitivityDone`.
   */
  | { type: 'sensitivity'; jobId: string; runId: string; job: SensitivityJob }
  /** A Deploy workspace job over run `runId`'s model; refused while the run is playing; one `deployDone`. */
  | { type: 'deploy'; jobId: string; runId: string; job: DeployJob }
  /**
   * A pruning lesson's measurement (docs/prune.md §6): each method of `prune` on a copy of run
   * `runId`'s trained model (the run's own model is untouched); refused while the run is playing;
   * one `pruneProgress` as each method starts, then one `pruneDone`.
   */
  | { type: 'prune'; pruneId: string; runId: string; prune: LessonPrune }
  /**
   * Encode run `runId`'s model as checkpoint file text (paused or finished runs only); answered by
   * `checkpointSaved` or `checkpointFailed` with the same `requestId`.
   */
  | { type: 'checkpoint'; requestId: string; runId: string }
  /**
   * Load a checkpoint as run `runId`'s model, with its experiment, and evaluate it on the test split.
   * The worker's current run is replaced only once the model is built (`opened`); a checkpoint that
   * does not fit leaves it as it was (`openFailed`).
   */
  | { type: 'open'; runId: string; checkpoint: Checkpoint }
  /** Test hook: throw an uncaught error inside the worker. */
  | { type: 'crash' };

/** Events: worker → main thread. */
export type WorkerEvent =
  | { type: 'ready'; backend: BackendInfo }
  | { type: 'started'; runId: string }
  /** One training chunk: the reports it emitted (0..n) and the counters after it. */
  | { type: 'progress'; runId: string; reports: StepReport[]; stepsDone: number; stepsPerSec: number }
  | { type: 'weights'; runId: string; step: number; histograms: WeightHistogram[] }
  | { type: 'paused'; runId: string; seq: number; stepsDone: number }
  | { type: 'updated'; runId: string; applied: boolean; step: number }
  | {
      type: 'done';
      runId: string;
      status: RunStatus;
      reason?: string;
      result: Omit<RunResult, 'history' | 'weights'>;
    }
  /** Ladder events carry no `runId`: a ladder's failure is not its run's. */
  | { type: 'ladderCell'; ladderId: string; cell: LadderCellSummary }
  | { type: 'ladderDone'; ladderId: string; status: LadderEndStatus; message?: string }
  /** The calibration view's answer: its result, or why there is none (keyed by its id, like a ladder). */
  | { type: 'calibrationDone'; calibrationId: string; result?: CalibrationViewResult; message?: string }
  /** A sensitivity job's answer: its result, or why there is none (keyed by the job's id). */
  | { type: 'sensitivityDone'; jobId: string; result?: SensitivityResult; message?: string }
  /** A deploy job's answer: its result, or why there is none (keyed by the job's id). */
  | { type: 'deployDone'; jobId: string; result?: DeployResult; message?: string }
  /** A long sensitivity job's progress: `done` of `total` units of its current phase (≤ 5 a second). */
  | { type: 'sensitivityProgress'; jobId: string; phase: SpectrumPhase; done: number; total: number }
  /** A pruning job starts method `method` (the `index`-th of `total`). */
  | { type: 'pruneProgress'; pruneId: string; method: string; index: number; total: number }
  /** A pruning job's answer: every method's result, or why there is none (keyed by its id). */
  | { type: 'pruneDone'; pruneId: string; results?: PruneResult[]; message?: string }
  /** A checkpoint's file text (`serializeCheckpoint`: the bytes the runner writes), with what it holds. */
  | { type: 'checkpointSaved'; requestId: string; text: string; experiment: Experiment; stepsDone: number }
  | { type: 'checkpointFailed'; requestId: string; message: string }
  /** An opened checkpoint is the worker's run `runId`: its test evaluation and its result so far. */
  | {
      type: 'opened';
      runId: string;
      stepsDone: number;
      evaluation: HistoryPoint;
      result: Omit<RunResult, 'history' | 'weights'>;
    }
  | { type: 'openFailed'; runId: string; message: string }
  /** A run failed with an exception (the worker itself is fine). `runId` is absent for init failures. */
  | { type: 'error'; runId?: string; message: string };

/**
 * What the client hands to the store: every worker event, plus `crashed` when the worker died
 * (uncaught error, message error) and was restarted; `runIds` lists the runs lost with it.
 */
export type ClientEvent = WorkerEvent | { type: 'crashed'; runIds: string[]; message: string };

/** Exhaustiveness helper for `switch (msg.type)`. */
export function assertNever(x: never): never {
  throw new Error(`unhandled message: ${JSON.stringify(x)}`);
}

/**
 * Sweep pool (app/sweep/sweep.worker.ts): each pool worker runs one grid point at a time to the end
 * with src/train `runExperiment`. `pointId` plays the role of `runId`: a result of a point the
 * pool no longer waits for (cancelled) is dropped by app/sweep/workerPool.ts.
 */
export type SweepCommand =
  { type: 'sweepInit'; prefer?: BackendName } | { type: 'runPoint'; pointId: string; experiment: Experiment };

/** Sweep pool events: worker → main thread. */
export type SweepWorkerEvent =
  | { type: 'sweepReady'; backend: BackendInfo }
  /** Steps done of the running point (throttled), for a smooth progress bar. */
  | { type: 'pointProgress'; pointId: string; stepsDone: number; steps: number }
  | { type: 'pointDone'; pointId: string; result: Omit<RunResult, 'history' | 'weights'> }
  | { type: 'pointError'; pointId?: string; message: string };
