/**
 * Benchmark measurements shared by the Node bench and the in-browser bench worker, so both time the
 * same experiments through the same Trainer code path (docs/architecture.md: one core, two hosts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MnistData } from '../data/mnist';
import { experimentSchema, type Experiment } from '../experiment/schema';
import type { Trainer } from '../train/types';
import { median } from './stats';

export type BenchModel = 'mlp' | 'cnn';
/** float; W4A4 fake-quant with STE; W4A4 with oscillation tracking and iterative freezing on. */
export type BenchPrecision = 'float' | 'w4a4' | 'w4a4-osc' | NativeIntPrecision;
export const BENCH_PRECISIONS: BenchPrecision[] = ['float', 'w4a4', 'w4a4-osc'];
/** Fake-quant W8A8 / W4A8 and the same with the layer ops on integer codes (`-int`, train.nativeInt). */
export const NATIVE_INT_PRECISIONS = ['w8a8', 'w8a8-int', 'w4a8', 'w4a8-int'] as const;
export type NativeIntPrecision = (typeof NATIVE_INT_PRECISIONS)[number];

/** Batch sizes of the reference measurements (docs/performance.md): MLP 128, CNN 64. */
export const BENCH_BATCH: Record<BenchModel, number> = { mlp: 128, cnn: 64 };

/** One line of `npm run bench -- --json`. */
export interface BenchRecord {
  env: 'node' | 'browser' | 'torch';
  backend: string;
  model: BenchModel;
  precision: BenchPrecision;
  batch: number;
  /** Median over runs. */
  stepsPerSec: number;
  /** Half the range of the per-run rates. */
  spread: number;
  runs: number;
  stepsPerRun: number;
  /**
   * Quant Lab's own wasm kernels (src/tensor/kernels) registered when the measurement ended: each is
   * registered only once its module was instantiated over this backend's heap, so an empty list
   * on wasm means the op-by-op fallbacks ran. Absent for PyTorch.
   */
  ownKernels?: string[];
}

/** Names of Quant Lab's own kernels registered for the active backend (see BenchRecord.ownKernels). */
export function ownKernelsRegistered(): string[] {
  return tf
    .getKernelsForBackend(tf.getBackend())
    .map((k) => k.kernelName)
    .filter((n) => n.startsWith('QuantLab'))
    .sort();
}

/**
 * The experiment a benchmark times: MLP 784-256-256-10 or the CNN (conv3x3x16 → pool → conv3x3x32 →
 * pool → dense10, with BN), Adam, reports every 10 steps as the lab does. `-int` precisions train
 * with the layer ops on integer codes (train.nativeInt). `totalSteps` sets the
 * schedule horizon so freezing (which starts at 25% of training) is active for most timed steps.
 */
export function benchExperiment(
  model: BenchModel,
  precision: BenchPrecision,
  totalSteps: number,
): Experiment {
  const bits = precision === 'float' ? 32 : 4;
  const [weightBits, actBits] = precision.startsWith('w8a8')
    ? [8, 8]
    : precision.startsWith('w4a8')
      ? [4, 8]
      : [bits, bits];
  return experimentSchema.parse({
    seed: 1,
    model: { arch: model, hidden: [256, 256] },
    quant: { weight: { bits: weightBits }, act: { bits: actBits } },
    train: {
      nativeInt: precision.endsWith('-int'),
      optimizer: 'adam',
      lr: 1e-3,
      steps: totalSteps,
      batchSize: BENCH_BATCH[model],
      evalEvery: 1_000_000,
      reportEvery: 10,
    },
    oscillation:
      precision === 'w4a4-osc'
        ? { track: true, trackAll: true, freezeThreshold: 0.02, momentum: 0.01 }
        : { track: false, freezeThreshold: 0, dampening: 0 },
  });
}

/** Steps per run and runs per measurement, by model and how slow the backend is. */
export function benchPlan(
  model: BenchModel,
  backend: string,
  quick: boolean,
): { warmup: number; steps: number; runs: number } {
  const slow = backend === 'cpu' || backend === 'webgl';
  if (slow) return { warmup: 2, steps: model === 'mlp' ? 10 : 2, runs: 3 };
  const steps = model === 'mlp' ? (quick ? 30 : 100) : quick ? 10 : 40;
  return { warmup: 10, steps, runs: quick ? 3 : 5 };
}

/** One precision's figures: median steps/s over the timed chunks, half their range. */
export interface TrainingMeasurement {
  stepsPerSec: number;
  spread: number;
  ownKernels: string[];
}

/**
 * Times one model at every precision in `precisions`: builds one trainer per precision, warms each
 * up, then times `runs` rounds of one chunk of `steps` steps per trainer, round-robin, so the drift
 * of a shared machine falls on all precisions alike and their ratios hold within the run.
 * `now` is injected (performance.now in both hosts).
 */
export async function measureTraining(
  create: (exp: Experiment, data: MnistData) => Promise<Trainer>,
  data: MnistData,
  model: BenchModel,
  precisions: readonly BenchPrecision[],
  plan: { warmup: number; steps: number; runs: number },
  now: () => number,
): Promise<Map<BenchPrecision, TrainingMeasurement>> {
  const total = plan.warmup + plan.steps * plan.runs;
  const trainers: Trainer[] = [];
  try {
    // One step more than timed, so the final evaluation (at the last step) never lands in a timed run.
    for (const precision of precisions)
      trainers.push(await create(benchExperiment(model, precision, total + 1), data));
    for (const trainer of trainers) await trainer.run(plan.warmup);
    const rates: number[][] = precisions.map(() => []);
    for (let r = 0; r < plan.runs; r++) {
      for (let i = 0; i < trainers.length; i++) {
        const t0 = now();
        await trainers[i].run(plan.steps);
        rates[i].push((plan.steps * 1000) / (now() - t0));
      }
    }
    const ownKernels = ownKernelsRegistered();
    return new Map(
      precisions.map((precision, i) => [
        precision,
        {
          stepsPerSec: median(rates[i]),
          spread: (Math.max(...rates[i]) - Math.min(...rates[i])) / 2,
          ownKernels,
        },
      ]),
    );
  } finally {
    trainers.forEach((t) => t.dispose());
  }
}
