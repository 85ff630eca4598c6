/**
 * The only owner of the training Worker (docs/style.md rule 2). It
 * - drops events of runs it no longer tracks (a superseded or reset run: playground's timerIndex);
 * - terminates the worker on a hard reset (squoosh's abort) and starts a fresh one;
 * - detects a crash ('error' / 'messageerror'), reports the runs lost with it and restarts the
 *   worker, so the store keeps every other run and the lab stays usable.
 */
import type { Checkpoint } from '../../src/checkpoint/format';
import type { Experiment } from '../../src/experiment/schema';
import type { CalibrationViewRequest } from '../../src/ptq/calibrationView';
import type { LadderRequest } from '../../src/ptq/ladderRequest';
import type { LessonPrune } from '../../src/experiment/claims';
import type {
  BackendName,
  ClientEvent,
  Command,
  DeployJob,
  RunStart,
  SensitivityJob,
  WorkerEvent,
} from './protocol';

/** Gives up restarting after this many crashes within {@link CRASH_WINDOW_MS}. */
export const MAX_CRASHES = 3;
export const CRASH_WINDOW_MS = 30_000;

export interface ClientOptions {
  onEvent: (event: ClientEvent) => void;
  /** Forced backend (`?backend=`); the worker picks the fastest otherwise. */
  prefer?: BackendName;
  /** Injected in tests; the default is the bundled module worker. */
  createWorker?: () => Worker;
}

function defaultWorker(): Worker {
  return new Worker(new URL('./train.worker.ts', import.meta.url), {
    type: 'module',
    name: 'quant-lab-train',
  });
}

export class LabClient {
  private worker: Worker | null = null;
  private readonly live = new Set<string>();
  private crashes: number[] = [];

  constructor(private readonly options: ClientOptions) {}

  /** Starts the worker (idempotent) and asks it to pick a backend. */
  connect(): void {
    if (this.worker) return;
    const worker = (this.options.createWorker ?? defaultWorker)();
    worker.onmessage = (e: MessageEvent<WorkerEvent>) => this.receive(e.data);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.crashed(worker, e.message || 'the training worker stopped with an uncaught error');
    };
    worker.onmessageerror = () =>
      this.crashed(worker, 'a message from the training worker could not be read');
    this.worker = worker;
    this.send({ type: 'init', prefer: this.options.prefer });
  }

  /** A new run; `from` starts it from a checkpoint instead of the seeded initialization. */
  start(runId: string, experiment: Experiment, from?: RunStart): void {
    this.connect();
    this.live.add(runId);
    this.send({ type: 'start', runId, experiment, ...(from && { from }) });
  }

  /** Opens a checkpoint as run `runId` (answered by `opened` or `openFailed`). */
  open(runId: string, checkpoint: Checkpoint): void {
    this.connect();
    this.live.add(runId);
    this.send({ type: 'open', runId, checkpoint });
  }

  /** Asks for run `runId`'s model as checkpoint text (answered under `requestId`). */
  saveCheckpoint(requestId: string, runId: string): void {
    this.send({ type: 'checkpoint', requestId, runId });
  }

  play(runId: string, seq: number, untilStep?: number): void {
    this.send({ type: 'play', runId, seq, untilStep });
  }

  pause(runId: string): void {
    this.send({ type: 'pause', runId });
  }

  update(runId: string, experiment: Experiment): void {
    this.send({ type: 'update', runId, experiment });
  }

  /** Disposes a run's trainer; its later events are dropped. */
  stop(runId: string): void {
    if (!this.live.delete(runId)) return;
    this.send({ type: 'stop', runId });
  }

  /** A post-training ladder over run `runId`'s model (its events carry the ladder's id). */
  ladder(ladderId: string, runId: string, request: LadderRequest): void {
    this.send({ type: 'ladder', ladderId, runId, request });
  }

  /** The calibration view of one of run `runId`'s layers (answered by `calibrationDone`). */
  calibration(calibrationId: string, runId: string, request: CalibrationViewRequest): void {
    this.send({ type: 'calibration', calibrationId, runId, request });
  }

  /** A Sensitivity workspace job (answered by `sensitivityDone`). */
  sensitivity(jobId: string, runId: string, job: SensitivityJob): void {
    this.send({ type: 'sensitivity', jobId, runId, job });
  }

  /** A Deploy workspace job (answered by `deployDone`). */
  deploy(jobId: string, runId: string, job: DeployJob): void {
    this.send({ type: 'deploy', jobId, runId, job });
  }

  /** A pruning lesson's measurement over run `runId`'s model (answered by `pruneDone`). */
  prune(pruneId: string, runId: string, prune: LessonPrune): void {
    this.send({ type: 'prune', pruneId, runId, prune });
  }

  cancelLadder(ladderId: string): void {
    this.send({ type: 'ladderCancel', ladderId });
  }

  /** Hard reset: terminates the worker mid-chunk, forgets its runs, starts a fresh worker. */
  reset(): void {
    this.live.clear();
    this.terminate();
    this.connect();
  }

  /** Test hook: makes the worker throw an uncaught error. */
  crash(): void {
    this.send({ type: 'crash' });
  }

  /** Whether events of `runId` are still delivered. */
  isLive(runId: string): boolean {
    return this.live.has(runId);
  }

  terminate(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  private send(cmd: Command): void {
    this.worker?.postMessage(cmd);
  }

  private receive(event: WorkerEvent): void {
    // Events without a run (ready, init errors) always pass; run events only while the run is live.
    if ('runId' in event && event.runId !== undefined && !this.live.has(event.runId)) return;
    this.options.onEvent(event);
  }

  private crashed(worker: Worker, message: string): void {
    if (worker !== this.worker) return; // an already replaced worker
    const runIds = [...this.live];
    this.live.clear();
    this.terminate();
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    const giveUp = this.crashes.length > MAX_CRASHES;
    this.options.onEvent({
      type: 'crashed',
      runIds,
      message: giveUp ? `${message} (crashed ${this.crashes.length} times; reload the page)` : message,
    });
    if (!giveUp) this.connect();
  }
}
