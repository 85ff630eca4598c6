/**
 * Post-training quantization timings shared by the Node bench and the in-browser bench worker: the
 * CNN trained in float through the lab's Trainer, then the ladder's passes timed on it through
 * src/ptq `runPtq`, as the runner's `ptq` command and the app's ladder run them (docs/ptq.md).
 */
import type { MnistData } from '../data/mnist';
import { experimentSchema, type Experiment } from '../experiment/schema';
import { runPtq, type PtqRunOptions } from '../ptq/run';
import { QuantTrainer } from '../train/trainer';
import type { Trainer } from '../train/types';
import { median } from './stats';

/** The passes timed, each with the time the lab aims to stay under (seconds, in the browser worker). */
export const PTQ_BENCH_PASSES = [
  {
    pass: 'nearest+cle+bias W8A8',
    bits: 8,
    options: { cle: true, biasCorrection: 'empirical' },
    targetSec: 5,
  },
  {
    pass: 'adaround W4A8',
    bits: 4,
    options: { cle: true, biasCorrection: 'empirical', rounding: 'adaround' },
    targetSec: 60,
  },
] as const satisfies readonly {
  pass: string;
  bits: number;
  options: Partial<PtqRunOptions>;
  targetSec: number;
}[];

/** One line of `npm run bench -- --json` for a PTQ pass (a type, so it is a plain bench line). */
export type PtqBenchRecord = {
  kind: 'ptq';
  env: 'node' | 'browser';
  backend: string;
  model: 'cnn';
  pass: (typeof PTQ_BENCH_PASSES)[number]['pass'];
  /** Calibration plus quantization (what the pass costs), median over runs, and half the range. */
  medianSec: number;
  spread: number;
  /** The same pass with the float and quantized test evaluations (what a ladder cell costs). */
  medianWallSec: number;
  targetSec: number;
  runs: number;
  floatSteps: number;
  calibSize: number;
  testAccuracy: number;
  floatTestAccuracy: number;
};

/** The float CNN the passes quantize: seed 1, Adam, batch 64, 1,000 test digits. */
export function ptqBenchExperiment(steps: number): Experiment {
  return experimentSchema.parse({
    seed: 1,
    data: { testSize: 1000 },
    model: { arch: 'cnn' },
    quant: { weight: { bits: 32 }, act: { bits: 32 } },
    train: { optimizer: 'adam', lr: 1e-3, steps, batchSize: 64, evalEvery: 1_000_000, reportEvery: 50 },
    oscillation: { track: false },
  });
}

/** Float steps and runs per pass: quick trains less and times each pass once. */
export function ptqBenchPlan(quick: boolean): { floatSteps: number; runs: number } {
  return quick ? { floatSteps: 200, runs: 1 } : { floatSteps: 1000, runs: 3 };
}

/**
 * Trains the float CNN, then times every pass of {@link PTQ_BENCH_PASSES} `plan.runs` times,
 * round-robin so a shared machine's drift falls on both alike. `now` is injected (performance.now).
 */
export async function measurePtq(
  create: (exp: Experiment, data: MnistData) => Promise<Trainer>,
  data: MnistData,
  host: { env: PtqBenchRecord['env']; backend: string; quick: boolean },
  now: () => number,
): Promise<PtqBenchRecord[]> {
  const plan = ptqBenchPlan(host.quick);
  const exp = ptqBenchExperiment(plan.floatSteps);
  const trainer = await create(exp, data);
  try {
    if (!(trainer instanceof QuantTrainer)) throw new Error('the PTQ bench needs a single-model trainer');
    await trainer.run(plan.floatSteps);
    const samples = PTQ_BENCH_PASSES.map(() => ({ pass: [] as number[], wall: [] as number[] }));
    const last: { testAccuracy: number; floatTestAccuracy: number; calibSize: number }[] = [];
    for (let r = 0; r < plan.runs; r++) {
      for (const [i, p] of PTQ_BENCH_PASSES.entries()) {
        const column: Experiment = {
          ...exp,
          quant: {
            ...exp.quant,
            weight: { ...exp.quant.weight, bits: p.bits },
            act: { ...exp.quant.act, bits: 8 },
          },
        };
        const t0 = now();
        const result = await runPtq(trainer.model, column, data, { ...p.options, seed: 1 });
        samples[i].wall.push((now() - t0) / 1000);
        const s = result.ptq.seconds;
        samples[i].pass.push(s.calibration + s.quantization);
        last[i] = {
          testAccuracy: result.testAccuracy,
          floatTestAccuracy: result.ptq.floatTestAccuracy,
          calibSize: result.ptq.options.calibSize,
        };
      }
    }
    return PTQ_BENCH_PASSES.map((p, i) => ({
      kind: 'ptq',
      env: host.env,
      backend: host.backend,
      model: 'cnn',
      pass: p.pass,
      medianSec: round(median(samples[i].pass)),
      spread: round((Math.max(...samples[i].pass) - Math.min(...samples[i].pass)) / 2),
      medianWallSec: round(median(samples[i].wall)),
      targetSec: p.targetSec,
      runs: plan.runs,
      floatSteps: plan.floatSteps,
      ...last[i],
    }));
  } finally {
    trainer.dispose();
  }
}

const round = (x: number) => Number(x.toFixed(2));
