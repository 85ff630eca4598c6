/**
 * One live training run inside the worker: runs the trainer in short chunks so pause, step, update
 * and stop are answered between chunks, and streams plain-data events out.
 *
 * All trainer calls go through one promise chain (`exclusive`): a message can arrive while a chunk
 * awaits a read-back, and must not dispose or update the trainer under it.
 *
 * A run steering (`RunSteering`, src/train/run.ts: the bits learned during QAT) is driven exactly as
 * `runExperiment` drives it: steered before the first step, chunks end at its `nextStop`, steered
 * there, and its `finish` adds its record to the result.
 */
import type { Experiment } from '../../src/experiment/schema';
import type { RunSteering } from '../../src/train/run';
import type { Trainer } from '../../src/train/types';
import { layerHistogram, type LayerWeights } from './histogram';
import type { WorkerEvent } from './protocol';

/** Target wall time of one chunk: short enough for a responsive pause, long enough to amortize. */
export const CHUNK_MS = 80;
/** How often (ms of training) to send per-layer weight histograms while playing. */
export const HISTOGRAM_EVERY_MS = 1000;

/** Steps for the next chunk from the measured rate, capped by the auto-pause target. */
export function chunkSteps(stepsPerSec: number, stepsDone: number, untilStep: number | null): number {
  const byTime = Math.max(1, Math.floor((stepsPerSec * CHUNK_MS) / 1000));
  return untilStep === null ? byTime : Math.max(0, Math.min(byTime, untilStep - stepsDone));
}

/** Lets queued messages (pause, update) run; a MessageChannel is not throttled in hidden tabs. */
export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

export class Session {
  private chain: Promise<unknown> = Promise.resolve();
  private playing = false;
  private looping = false;
  private untilStep: number | null = null;
  private seq = 0;
  private stepsPerSec = 5;
  private lastHistogramAt = 0;
  private disposed = false;
  /** The next step at which the steering steers (0: before the first step; none: Infinity). */
  private steerAt: number;

  constructor(
    readonly runId: string,
    private readonly trainer: Trainer,
    private readonly post: (e: WorkerEvent) => void,
    private readonly steering?: RunSteering,
  ) {
    this.steerAt = steering ? 0 : Infinity;
  }

  /** Runs `fn` after every earlier trainer call has settled. */
  private exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  play(seq: number, untilStep: number | null): void {
    this.seq = seq;
    this.untilStep = untilStep;
    this.playing = true;
    void this.loop();
  }

  pause(): void {
    this.playing = false;
  }

  /** Whether a play is in progress (training chunks are running or about to). */
  get isPlaying(): boolean {
    return this.playing && !this.disposed && !this.trainer.done;
  }

  /** Runs `fn` on the trainer between chunks; null once the session is disposed. */
  withTrainer<T>(fn: (trainer: Trainer) => Promise<T> | T): Promise<T | null> {
    return this.exclusive(() => (this.disposed ? null : fn(this.trainer)));
  }

  /** Sends the current weight histograms (at start, so the chart is not empty before play). */
  snapshot(): Promise<void> {
    return this.exclusive(() => (this.disposed ? undefined : this.sendHistograms()));
  }

  update(experiment: Experiment): Promise<void> {
    return this.exclusive(() => {
      if (this.disposed) return;
      // A steered run's bits are the steering's: a live change of anything else keeps them.
      const next = this.steering
        ? { ...experiment, quant: { ...experiment.quant, layers: this.trainer.experiment.quant.layers } }
        : experiment;
      const applied = this.trainer.update(next);
      this.post({ type: 'updated', runId: this.runId, applied, step: this.trainer.stepsDone });
    });
  }

  dispose(): Promise<void> {
    this.playing = false;
    return this.exclusive(() => {
      if (this.disposed) return;
      this.disposed = true;
      this.trainer.dispose();
    });
  }

  private async loop(): Promise<void> {
    if (this.looping) return;
    this.looping = true;
    try {
      while (this.playing && !this.disposed && !this.trainer.done) {
        if (this.steering && this.trainer.stepsDone >= this.steerAt) {
          await this.exclusive(() => this.steer());
          await yieldToEvents();
          continue;
        }
        const byTime = chunkSteps(this.stepsPerSec, this.trainer.stepsDone, this.untilStep);
        const n = Math.min(byTime, this.steerAt - this.trainer.stepsDone);
        if (n === 0) {
          this.playing = false; // auto-pause / single step reached
          break;
        }
        await this.exclusive(() => this.chunk(n));
        await yieldToEvents();
      }
      if (!this.disposed && !this.trainer.done) {
        await this.exclusive(() => this.sendHistograms());
        // A play that arrived during the histogram read-back wins over this pause.
        if (!this.playing)
          this.post({ type: 'paused', runId: this.runId, seq: this.seq, stepsDone: this.trainer.stepsDone });
      }
    } catch (err) {
      this.playing = false;
      this.post({
        type: 'error',
        runId: this.runId,
        message: err instanceof Error ? err.message : String(err),
      });
    } finally {
      this.looping = false;
      if (this.playing && !this.disposed && !this.trainer.done) void this.loop();
    }
  }

  /** Steers at the current step, and sets the next stop. */
  private async steer(): Promise<void> {
    if (this.disposed || !this.steering) return;
    await this.steering.steer(this.trainer);
    this.steerAt = this.steering.nextStop(this.trainer.stepsDone);
  }

  private async chunk(n: number): Promise<void> {
    if (this.disposed) return;
    const t0 = performance.now();
    const reports = await this.trainer.run(n);
    const ms = Math.max(1, performance.now() - t0);
    // EMA of the rate, so chunk sizes follow speed changes (bits, live updates) without jitter.
    this.stepsPerSec = 0.7 * this.stepsPerSec + 0.3 * ((n * 1000) / ms);
    this.post({
      type: 'progress',
      runId: this.runId,
      reports,
      stepsDone: this.trainer.stepsDone,
      stepsPerSec: this.stepsPerSec,
    });
    this.lastHistogramAt += ms;
    if (this.trainer.done) {
      await this.sendHistograms();
      const full = this.trainer.result();
      this.steering?.finish(full);
      const { history: _h, weights: _w, ...result } = full;
      this.post({ type: 'done', runId: this.runId, status: result.status, reason: result.reason, result });
    } else if (this.lastHistogramAt >= HISTOGRAM_EVERY_MS) {
      await this.sendHistograms();
    }
  }

  private async sendHistograms(): Promise<void> {
    this.lastHistogramAt = 0;
    const weights = (await this.trainer.weights()) as Record<string, LayerWeights>;
    const symmetric = this.trainer.experiment.quant.weight.symmetric;
    const histograms = Object.entries(weights).map(([name, w]) => layerHistogram(name, w, symmetric));
    this.post({ type: 'weights', runId: this.runId, step: this.trainer.stepsDone, histograms });
  }
}
