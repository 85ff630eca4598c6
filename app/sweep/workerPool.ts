/**
 * The browser sweep runner: a pool of sweep workers (one per core, capped) driven by src/sweep
 * `runPool`. It alone owns the sweep Workers (as client.ts owns the training worker): cancel aborts
 * the pool and terminates the busy workers mid-run.
 *
 * Workers outlive a sweep: a fresh worker spends ~1 s of CPU parsing and JIT-compiling tfjs (V8's
 * Maglev and TurboFan on the renderer's background threads, plus wasm top-tier code) and loading
 * MNIST, and with one worker per core that work competes with the other lanes. Idle workers are
 * kept for the next sweep and terminated after {@link IDLE_TERMINATE_MS} without one (or on
 * `dispose`), so a lab that is not sweeping does not hold their memory.
 */
import type { Experiment } from '../../src/experiment/schema';
import { pointFromResult, runPool, runWork, type GridPoint, type SweepPoint } from '../../src/sweep';
import type { RunResult } from '../../src/train/types';
import type { SweepEffects, SweepListener } from '../store/sweepSlice';
import type { BackendName, SweepCommand, SweepWorkerEvent } from '../worker/protocol';

/** Upper bound on pool workers: each holds a tfjs runtime and a copy of MNIST (~50 MB). */
export const MAX_SWEEP_WORKERS = 8;

/** Idle pool workers are terminated after this long without a sweep. */
export const IDLE_TERMINATE_MS = 5 * 60_000;

/** One worker per core, at least 1, at most {@link MAX_SWEEP_WORKERS}. */
export function defaultPoolSize(cores: number | undefined): number {
  return Math.max(1, Math.min(MAX_SWEEP_WORKERS, Math.floor(cores ?? 1) || 1));
}

export type PointResult = Omit<RunResult, 'history' | 'weights'>;

function defaultWorker(): Worker {
  return new Worker(new URL('./sweep.worker.ts', import.meta.url), {
    type: 'module',
    name: 'quant-lab-sweep',
  });
}

/** One pool worker running at most one point; a crash or an abort terminates it. */
class PoolWorker {
  private readonly worker: Worker;
  private pending: { pointId: string; resolve: (r: PointResult) => void; reject: (e: Error) => void } | null =
    null;
  private onProgress: ((fraction: number) => void) | null = null;
  dead = false;

  constructor(create: () => Worker, prefer?: BackendName) {
    this.worker = create();
    this.worker.onmessage = (e: MessageEvent<SweepWorkerEvent>) => this.receive(e.data);
    this.worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.fail(e.message || 'the sweep worker stopped with an uncaught error');
    };
    this.send({ type: 'sweepInit', prefer });
  }

  run(
    pointId: string,
    experiment: Experiment,
    signal: AbortSignal,
    onProgress: (fraction: number) => void,
  ): Promise<PointResult> {
    const onAbort = () => this.fail('cancelled');
    return new Promise<PointResult>((resolve, reject) => {
      if (signal.aborted) return reject(new Error('cancelled'));
      this.pending = { pointId, resolve, reject };
      this.onProgress = onProgress;
      signal.addEventListener('abort', onAbort, { once: true });
      this.send({ type: 'runPoint', pointId, experiment });
    }).finally(() => signal.removeEventListener('abort', onAbort));
  }

  terminate(): void {
    this.dead = true;
    this.worker.terminate();
  }

  private send(cmd: SweepCommand): void {
    this.worker.postMessage(cmd);
  }

  /** Terminates the worker and rejects its point (abort, crash). */
  private fail(message: string): void {
    if (this.dead) return;
    this.terminate();
    const p = this.pending;
    this.pending = null;
    p?.reject(new Error(message));
  }

  private receive(ev: SweepWorkerEvent): void {
    const p = this.pending;
    switch (ev.type) {
      case 'sweepReady':
        return;
      case 'pointProgress':
        if (p?.pointId === ev.pointId) this.onProgress?.(ev.stepsDone / Math.max(1, ev.steps));
        return;
      case 'pointDone':
        if (p?.pointId !== ev.pointId) return;
        this.pending = null;
        return p.resolve(ev.result);
      case 'pointError':
        // An init failure (no pointId) fails whatever point comes next; the worker is unusable.
        if (ev.pointId === undefined) return this.fail(ev.message);
        if (p?.pointId !== ev.pointId) return;
        this.pending = null;
        return p.reject(new Error(ev.message));
    }
  }
}

export interface RunnerOptions {
  /** Forced backend (`?backend=`), as for the training worker. */
  prefer?: BackendName;
  /** `navigator.hardwareConcurrency` (injectable). */
  cores?: number;
  createWorker?: () => Worker;
  /** Idle time before pool workers are terminated (default {@link IDLE_TERMINATE_MS}). */
  idleTerminateMs?: number;
}

/** Runs sweeps on Web Workers; the store's {@link SweepEffects}. */
export class BrowserSweepRunner implements SweepEffects {
  private controller: AbortController | null = null;
  /** Live workers not running a point, kept across sweeps (newest last). */
  private readonly idle: PoolWorker[] = [];
  private idleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: RunnerOptions = {}) {}

  poolSize(requested: number | null): number {
    const max = defaultPoolSize(this.options.cores);
    return requested === null ? max : Math.max(1, Math.min(MAX_SWEEP_WORKERS, Math.floor(requested)));
  }

  /** Live idle workers, kept from earlier sweeps. */
  get idleWorkers(): number {
    return this.idle.length;
  }

  async run(points: readonly GridPoint[], workers: number, listener: SweepListener): Promise<void> {
    this.cancel(); // one sweep at a time
    this.clearIdleTimer();
    const controller = new AbortController();
    this.controller = controller;
    const task = async (point: GridPoint, _i: number, signal: AbortSignal): Promise<SweepPoint> => {
      const w = this.idle.shift() ?? this.spawn();
      try {
        const result = await w.run(point.id, point.experiment, signal, (f) =>
          listener.onPointProgress(point.id, f),
        );
        return pointFromResult(point.id, result);
      } finally {
        if (!w.dead) this.idle.push(w);
      }
    };
    try {
      await runPool(points, workers, task, {
        signal: controller.signal,
        weight: (p) => runWork(p.experiment),
        onSettled: (outcome, index, progress) => listener.onSettled(outcome, points[index], progress),
      });
    } finally {
      if (this.controller === controller) this.controller = null;
      this.scheduleIdleTermination();
    }
  }

  cancel(): void {
    this.controller?.abort();
    this.controller = null;
  }

  /**
   * Runs one experiment to the end on a pool worker, outside any sweep (a lesson's compare run), and
   * resolves with its whole result (oscillation and twin summaries included). `signal` aborts it.
   */
  async runOne(
    id: string,
    experiment: Experiment,
    signal: AbortSignal,
    onProgress: (fraction: number) => void,
  ): Promise<PointResult> {
    this.clearIdleTimer();
    const w = this.idle.shift() ?? this.spawn();
    try {
      return await w.run(id, experiment, signal, onProgress);
    } finally {
      if (!w.dead) this.idle.push(w);
      if (this.controller === null) this.scheduleIdleTermination();
    }
  }

  /** Cancels any sweep and terminates every worker now. */
  dispose(): void {
    this.cancel();
    this.clearIdleTimer();
    this.idle.splice(0).forEach((w) => w.terminate());
  }

  private spawn(): PoolWorker {
    return new PoolWorker(this.options.createWorker ?? defaultWorker, this.options.prefer);
  }

  private scheduleIdleTermination(): void {
    this.clearIdleTimer();
    if (this.idle.length === 0) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.controller === null) this.idle.splice(0).forEach((w) => w.terminate());
    }, this.options.idleTerminateMs ?? IDLE_TERMINATE_MS);
  }

  private clearIdleTimer(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}
