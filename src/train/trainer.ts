/**
 * The training session behind the {@link Trainer} contract (src/train/types.ts): the runner loops
 * `run()` to the end, the browser worker calls it in chunks. One experiment seed drives the
 * initialization (stream 'init') and the data order (stream 'data').
 *
 * Readback happens only at report steps (one tensor per report) and evaluations.
 */
import * as tf from '@tensorflow/tfjs';
import { CheckpointError } from '../checkpoint/check';
import type { CheckpointFile } from '../checkpoint/format';
import { BatchSampler, ImageBatcher } from '../data/batches';
import type { MnistData } from '../data/mnist';
import type { Experiment } from '../experiment/schema';
import { QuantModel } from '../models/build';
import type { QuantizerFactory } from '../models/quantizers';
import { createQuantizer } from '../quant/quantizer';
import { createRng } from '../tensor/rng';
import { startModel, startPlugins, startTensors, trainerCheckpoint, type TrainerStart } from './checkpoint';
import { appendHistory, divergenceReason, evaluateTest } from './metrics';
import { createOptimizer, createQuantizerOptimizer, type ManagedOptimizer } from './optimizer';
import {
  ALL_KERNELS,
  DEFAULT_PLUGINS,
  type KernelChoice,
  type TrainerContext,
  type TrainerPlugin,
  type TrainerPluginFactory,
} from './plugins';
import { layerStatsTensor, toLayerReports } from './report';
import { learningRateAt } from './schedule';
import { trainStep, type StepTensors } from './step';
import { createTwinTrainer, type MakeTrainer } from './twinTrainer';
import type { HistoryPoint, RunResult, RunStatus, StepReport, Trainer } from './types';
import { changeKind } from './update';
import { exportWeights } from './weights';

/** Construction options (tests and twin runs inject; the app and runner use the defaults). */
export interface TrainerOptions {
  /** Plugin factories; default {@link DEFAULT_PLUGINS}. */
  plugins?: TrainerPluginFactory[];
  /** Quantizer factory; default src/quant/quantizer.ts createQuantizer. */
  createQuantizer?: QuantizerFactory;
  /** The fused kernels it may use; default all ({@link ALL_KERNELS}). Tests turn one off to compare. */
  kernels?: Partial<KernelChoice>;
  /**
   * Start from a checkpoint instead of the seeded initialization (./checkpoint.ts): its model must
   * have the experiment's architecture. Throws a CheckpointError naming what does not fit.
   */
  from?: TrainerStart;
}

/**
 * Builds a trainer for `exp` on `data` on the active tfjs backend (set it first with
 * src/tensor/backend.ts initBackend). Dispose it when done.
 */
export async function createTrainer(
  exp: Experiment,
  data: MnistData,
  options: TrainerOptions = {},
): Promise<Trainer> {
  await tf.ready();
  if (exp.twin && options.from)
    throw new CheckpointError('a twin run cannot start from a checkpoint (it trains two models)');
  if (exp.twin) {
    // Twin runs (docs/science.md §1): two trainers in lockstep behind the same contract.
    const make: MakeTrainer = (e, plugins) => new QuantTrainer(e, data, { ...options, plugins });
    return createTwinTrainer(exp, make, options.plugins ?? DEFAULT_PLUGINS);
  }
  return new QuantTrainer(exp, data, options);
}

/** Time in ms (performance.now exists in browsers, workers and Node ≥ 16). */
const now = () => performance.now();

/** The trainer; exported for plugins and tests that need the model (`trainer.model`). */
export class QuantTrainer implements Trainer {
  readonly model: QuantModel;
  private exp: Experiment;
  private readonly data: MnistData;
  private readonly images: ImageBatcher;
  private optimizer: ManagedOptimizer;
  private quantOptimizer: ManagedOptimizer;
  private readonly sampler: BatchSampler;
  private readonly plugins: TrainerPlugin[];
  private readonly ctx: TrainerContext;
  private readonly kernels: Readonly<KernelChoice>;
  private steps = 0;
  private state: RunStatus | 'running' = 'running';
  private reason?: string;
  private lr: number;
  private readonly history: HistoryPoint[] = [];
  private lastPoint?: HistoryPoint;
  private lastEval?: HistoryPoint;
  private wallMs = 0;

  constructor(exp: Experiment, data: MnistData, options: TrainerOptions = {}) {
    this.exp = exp;
    this.data = data;
    this.images = new ImageBatcher(data.train);
    this.kernels = { ...ALL_KERNELS, ...options.kernels };
    const makeQuantizer = options.createQuantizer ?? createQuantizer;
    this.model = QuantModel.build(
      exp,
      this.kernels.fakeQuant ? makeQuantizer : (o) => makeQuantizer({ ...o, fusedKernels: false }),
    );
    this.lr = exp.train.lr;
    this.optimizer = this.createOptimizer(exp);
    this.quantOptimizer = this.createQuantizerOptimizer(exp);
    this.sampler = new BatchSampler(
      Math.min(exp.data.trainSize, data.train.count),
      createRng(exp.seed, 'data'),
    );
    this.ctx = this.makeContext();
    this.plugins = [];
    const { from } = options;
    const saved = startTensors(from);
    try {
      // From a checkpoint: its model, then plugins made at its step, then their state.
      if (from) this.steps = startModel(this.model, exp, from, saved, this.sampler);
      for (const factory of options.plugins ?? DEFAULT_PLUGINS) {
        const plugin = factory(this.ctx);
        if (plugin) this.plugins.push(plugin);
      }
      if (from) startPlugins(this.plugins, from, saved);
    } catch (error) {
      // A half-built trainer would leak its variables (docs/performance.md §5.7): release them first.
      this.dispose();
      throw error;
    } finally {
      tf.dispose(Object.values(saved));
    }
  }

  private optimizerOptions(exp: Experiment) {
    return { fusedAdam: this.kernels.adam, seed: exp.seed, hessianPower: exp.train.hessianPower };
  }

  private createOptimizer(exp: Experiment): ManagedOptimizer {
    return createOptimizer(exp.train.optimizer, this.lr, this.optimizerOptions(exp));
  }

  private createQuantizerOptimizer(exp: Experiment): ManagedOptimizer {
    return createQuantizerOptimizer(exp.train.optimizer, this.lr, this.optimizerOptions(exp));
  }

  /** A live view of the run for plugins (getters read the current values). */
  private makeContext(): TrainerContext {
    const read = () => ({ exp: this.exp, steps: this.steps, lr: this.lr });
    return {
      kernels: this.kernels,
      get experiment() {
        return read().exp;
      },
      model: this.model,
      get stepsDone() {
        return read().steps;
      },
      get lr() {
        return read().lr;
      },
    };
  }

  get experiment(): Experiment {
    return this.exp;
  }
  get stepsDone(): number {
    return this.steps;
  }
  get status(): RunStatus | 'running' {
    return this.state;
  }
  get done(): boolean {
    return this.state !== 'running';
  }

  async run(n: number): Promise<StepReport[]> {
    const reports: StepReport[] = [];
    const start = now();
    try {
      for (let i = 0; i < n && !this.done; i += 1) {
        const report = await this.step();
        if (report) reports.push(report);
      }
    } finally {
      this.wallMs += now() - start;
    }
    return reports;
  }

  private shouldEvaluate(step: number): boolean {
    return step % this.exp.train.evalEvery === 0 || step >= this.exp.train.steps;
  }

  private shouldReport(step: number): boolean {
    return step % this.exp.train.reportEvery === 0 || this.shouldEvaluate(step);
  }

  /** Learning rate of the next step: schedule × plugin scales. */
  private nextLearningRate(): number {
    const scale = this.plugins.reduce((s, p) => s * (p.learningRateScale?.(this.ctx) ?? 1), 1);
    return learningRateAt(this.exp.train, this.steps) * scale;
  }

  private async step(): Promise<StepReport | null> {
    const step = this.steps + 1;
    this.lr = this.nextLearningRate();
    this.optimizer.setLearningRate(this.lr);
    this.quantOptimizer.setLearningRate(this.lr);
    const kept = trainStep({
      model: this.model,
      images: this.images,
      indices: this.sampler.next(this.exp.train.batchSize),
      optimizer: this.optimizer,
      quantOptimizer: this.quantOptimizer,
      weightDecay: this.exp.train.weightDecay,
      plugins: this.plugins,
      ctx: this.ctx,
      keepMetrics: this.shouldReport(step),
    });
    this.steps = step;
    if (!kept) return null;
    const report = await this.readReport(kept, step);
    this.reason = divergenceReason(report.point.loss, step, this.exp.train.lr);
    if (this.reason) this.state = 'diverged';
    else if (this.shouldEvaluate(step)) await this.evaluateInto(report.point);
    for (const plugin of this.plugins) await plugin.report?.(report, this.ctx);
    appendHistory(this.history, report.point);
    this.lastPoint = report.point;
    if (this.state === 'running' && step >= this.exp.train.steps) this.state = 'completed';
    return report;
  }

  /** Reads the step's metrics and the layer statistics in one readback. */
  private async readReport(kept: StepTensors, step: number): Promise<StepReport> {
    const all = tf.tidy(() => tf.concat([tf.stack([kept.loss, kept.correct]), layerStatsTensor(this.model)]));
    tf.dispose([kept.loss, kept.correct]);
    const values = await all.data();
    all.dispose();
    const point: HistoryPoint = {
      step,
      loss: values[0],
      trainAccuracy: values[1] / this.exp.train.batchSize,
      lr: this.lr,
    };
    return { point, layers: toLayerReports(this.model, values.subarray(2)), samples: [] };
  }

  async evaluate(): Promise<HistoryPoint> {
    const start = now();
    const point: HistoryPoint = {
      step: this.steps,
      loss: this.lastPoint?.loss ?? 0,
      trainAccuracy: this.lastPoint?.trainAccuracy ?? 0,
      lr: this.lr,
    };
    await this.evaluateInto(point);
    this.wallMs += now() - start;
    return point;
  }

  /** Test metrics (src/train/metrics.ts evaluateTest) into `point`. */
  private async evaluateInto(point: HistoryPoint): Promise<void> {
    Object.assign(point, await evaluateTest(this.model, this.exp, this.data, this.images, this.steps));
    this.lastEval = point;
  }

  update(next: Experiment): boolean {
    const kind = changeKind(this.exp, next);
    if (kind.needsNewTrainer) return false;
    if (!this.plugins.every((p) => p.canUpdate?.(next, this.ctx) ?? true)) return false;
    this.exp = next;
    if (kind.quantizers) {
      this.model.rebuildQuantizers(next);
      // Fresh quantizer variables: fresh optimizer slots for them.
      this.quantOptimizer.dispose();
      this.quantOptimizer = this.createQuantizerOptimizer(next);
    }
    if (kind.optimizer) {
      this.optimizer.dispose();
      this.optimizer = this.createOptimizer(next);
      this.quantOptimizer.dispose();
      this.quantOptimizer = this.createQuantizerOptimizer(next);
    }
    if (this.state === 'running' && this.steps >= next.train.steps) this.state = 'completed';
    if (this.state === 'completed' && this.steps < next.train.steps) this.state = 'running';
    for (const plugin of this.plugins) plugin.updated?.(this.ctx, kind.quantizers);
    return true;
  }

  result(): RunResult {
    const result: RunResult = {
      experiment: this.exp,
      status: this.state === 'running' ? 'stopped' : this.state,
      reason: this.reason,
      testAccuracy: this.lastEval?.testAccuracy ?? 0,
      testAccuracyBnReestimated: this.lastEval?.testAccuracyBnReestimated,
      history: [...this.history],
      backend: tf.getBackend(),
      wallTimeMs: Math.round(this.wallMs),
      stepsPerSec: this.wallMs > 0 ? this.steps / (this.wallMs / 1000) : 0,
    };
    for (const plugin of this.plugins) plugin.finish?.(result, this.ctx);
    return result;
  }

  weights(): Promise<NonNullable<RunResult['weights']>> {
    return exportWeights(this.model);
  }

  checkpoint(createdBy?: string): Promise<CheckpointFile> {
    const meta = { experiment: this.exp, stepsDone: this.steps, createdBy };
    return trainerCheckpoint(this.model, this.plugins, meta);
  }

  dispose(): void {
    for (const plugin of this.plugins) plugin.dispose?.();
    this.optimizer.dispose();
    this.quantOptimizer.dispose();
    this.model.dispose();
    this.images.dispose();
  }
}
