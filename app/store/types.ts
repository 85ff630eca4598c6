/**
 * Store state shapes. Slices by concern (docs/style.md rule 3): `experiment` (exactly the schema value a
 * link holds), runs (status + bounded histories from the worker), and UI.
 */
import type { LessonPrune } from '../../src/experiment/claims';
import type { Experiment } from '../../src/experiment/schema';
import type { HistoryPoint, LayerReport, RunResult, TwinPoint, WeightSample } from '../../src/train/types';
import type { CalibrationViewRequest } from '../../src/ptq/calibrationView';
import type { Checkpoint } from '../../src/checkpoint/format';
import type { BackendInfo, ClientEvent, RunStart, WeightHistogram } from '../worker/protocol';
import type { CheckpointSlice } from './checkpointSlice';
import type { LadderRequest } from '../../src/ptq/ladderRequest';
import type { CalibrationSlice } from './calibrationSlice';
import type { SensitivitySlice } from './sensitivitySlice';
import type { DeploySlice } from './deploySlice';
import type { DeployJob, SensitivityJob } from '../worker/protocol';
import type { LadderState } from './ptqSelectors';
import type { Series } from './series';
import type { LessonSlice } from './lessonSlice';
import type { SavedSlice } from './savedSlice';
import type { ShareSlice } from './shareSlice';
import type { SweepSlice } from './sweepSlice';
import type { TourSlice } from './tourSlice';

/** Lifecycle of a run as the UI shows it. */
export type RunPhase =
  | 'starting' // trainer being built (data load, model init)
  | 'running'
  | 'pausing' // pause asked, the current chunk is finishing
  | 'paused'
  | 'completed'
  | 'diverged'
  | 'stopped' // reset or superseded by a model/data change
  | 'crashed' // lost with a crashed worker
  | 'failed'; // the trainer threw

/** One chart row per step report (frequency histogram and twin point are kept apart). */
export interface ReportRow {
  point: HistoryPoint;
  layers: LayerReport[];
  samples: WeightSample[];
}

/** A test-set evaluation (sparse: every `evalEvery` steps). */
export interface EvalRow {
  step: number;
  testAccuracy: number;
  testLoss?: number;
  testAccuracyBnReestimated?: number;
}

/** A live change applied mid-run, drawn as a vertical line at `step`. */
export interface Mark {
  step: number;
  label: string;
}

export interface RunState {
  id: string;
  /** 1-based number shown to the user ("run 3"). */
  number: number;
  /** The experiment as currently applied to this run (live changes included). */
  experiment: Experiment;
  phase: RunPhase;
  stepsDone: number;
  stepsPerSec: number;
  /** Sequence of the last play command; a `paused` event of an older play is ignored. */
  playSeq: number;
  reports: Series<ReportRow>;
  evals: Series<EvalRow>;
  twin: Series<TwinPoint>;
  frequencyHistogram: { edges: number[]; counts: number[] } | null;
  weightHistograms: WeightHistogram[];
  marks: Mark[];
  /** Live changes sent to the worker and not yet acknowledged, oldest first. */
  pendingChanges: { label: string; experiment: Experiment }[];
  /** Why the run stopped early (divergence, failure, crash), in words a user can act on. */
  reason?: string;
  /** The checkpoint the model was opened from (file or saved name), when it was not trained here. */
  openedFrom?: string;
  result?: Omit<RunResult, 'history' | 'weights'>;
}

export interface Notice {
  kind: 'info' | 'warning' | 'error';
  text: string;
  /** Test id suffix, so e2e tests can tell notices apart (`notice.reset`, `notice.crash`). */
  id: string;
}

export interface ConfigSlice {
  experiment: Experiment;
  /** Replaces the experiment; a live run continues (marked) or resets, as the change requires. */
  setExperiment: (next: Experiment) => void;
  /** Convenience: `setExperiment(recipe(current))`. */
  updateExperiment: (recipe: (current: Experiment) => Experiment) => void;
}

export interface RunSlice {
  runs: Record<string, RunState>;
  /** Run ids, oldest first. */
  runOrder: string[];
  /** The run the controls drive (null: nothing started since the last reset). */
  activeRunId: string | null;
  play: () => void;
  pause: () => void;
  /** One report interval (`train.reportEvery` steps), then pause. */
  step: () => void;
  /** Hard reset: terminates the worker; the next play starts a fresh run. */
  reset: () => void;
  /** Applies a batch of client events (throttled progress, or one control event). */
  ingest: (events: ClientEvent[]) => void;
}

export interface UiSlice {
  backend: BackendInfo | null;
  /** Steps per play before auto-pausing (null: run to the end). */
  autoPauseAfter: number | null;
  selectedLayer: string | null;
  /** Run shown in the charts when not the active one (a kept earlier run). */
  viewRunId: string | null;
  notice: Notice | null;
  /** Whether the tab is hidden (training continues in the worker; we say so). */
  hidden: boolean;
  workerCrashes: number;
  /** The workspace shown (a registry id, `app/workspaces/registry.ts`); carried in the link as `?ws=`. */
  workspace: string;
  setAutoPauseAfter: (n: number | null) => void;
  selectLayer: (name: string | null) => void;
  viewRun: (id: string | null) => void;
  setNotice: (notice: Notice | null) => void;
  setHidden: (hidden: boolean) => void;
  setWorkspace: (id: string) => void;
}

export interface PtqSlice {
  /** The ladder panel's options (columns, rungs, AdaRound iterations, calibration, granularity). */
  ptqOptions: LadderRequest;
  /** The current or last post-training ladder (null: none asked for yet). */
  ladder: LadderState | null;
  setPtqOptions: (patch: Partial<LadderRequest>) => void;
  /**
   * Quantizes the active run's model with the panel's options (or `request`, a lesson's ladder),
   * or records why it cannot (no model, training, twin).
   */
  runLadder: (request?: LadderRequest) => void;
  /** Cancels the ladder after the cell in progress. */
  stopLadder: () => void;
  /** Fills the ladder from worker events (the run slice's `ingest` hands every batch on). */
  ingestLadder: (events: ClientEvent[]) => void;
}

export type LabState = ConfigSlice &
  RunSlice &
  UiSlice &
  PtqSlice &
  CalibrationSlice &
  SensitivitySlice &
  DeploySlice &
  SweepSlice &
  SavedSlice &
  ShareSlice &
  LessonSlice &
  TourSlice &
  CheckpointSlice;

/** The side effects the store needs (the worker client), injected so Node tests can fake them. */
export interface LabEffects {
  /** A new run; `from` starts it from a checkpoint. */
  start: (runId: string, experiment: Experiment, from?: RunStart) => void;
  play: (runId: string, seq: number, untilStep?: number) => void;
  pause: (runId: string) => void;
  update: (runId: string, experiment: Experiment) => void;
  stop: (runId: string) => void;
  reset: () => void;
  /** Runs a post-training ladder over run `runId`'s model in the worker. */
  ladder: (ladderId: string, runId: string, request: LadderRequest) => void;
  cancelLadder: (ladderId: string) => void;
  /** The calibration view of one of run `runId`'s layers, computed in the worker. */
  calibration: (calibrationId: string, runId: string, request: CalibrationViewRequest) => void;
  /** A Sensitivity workspace job in the worker (over run `runId`'s model, but for an allocation). */
  sensitivity: (jobId: string, runId: string, job: SensitivityJob) => void;
  /** A Deploy workspace job over run `runId`'s model in the worker. */
  deploy: (jobId: string, runId: string, job: DeployJob) => void;
  /** A pruning lesson's prunings of run `runId`'s model in the worker (docs/prune.md §6). */
  prune: (pruneId: string, runId: string, prune: LessonPrune) => void;
  /** Opens a checkpoint as run `runId` in the worker. */
  open: (runId: string, checkpoint: Checkpoint) => void;
  /** Asks for run `runId`'s model as checkpoint file text, answered under `requestId`. */
  saveCheckpoint: (requestId: string, runId: string) => void;
}
