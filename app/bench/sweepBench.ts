/**
 * Browser sweep throughput for `npm run bench` (`/bench.html?parts=sweep`): the same small grid on a
 * pool of 1, then 2 workers (app/sweep/workerPool.ts, the lab's own runner), in one page session,
 * twice: on a cold pool (fresh workers, whose start-up and JIT warm-up the sweep pays) and on a warm
 * one (workers kept from an earlier sweep, as the lab keeps them: a sweep of dozens of points).
 * One record per pool size and state: points per minute of wall time, the median of `repeats`
 * sweeps measured alternately on 1 and 2 workers (so drift on a shared machine hits both alike).
 */
import { median } from '../../src/bench/stats';
import { DEFAULT_EXPERIMENT, type Experiment } from '../../src/experiment/schema';
import { expandGrid, type GridAxes } from '../../src/sweep';
import { BrowserSweepRunner } from '../sweep/workerPool';

/** One measurement of the browser sweep. */
export interface SweepBenchRecord {
  kind: 'sweep';
  workers: number;
  /** `cold`: every worker started for this sweep; `warm`: workers kept from a previous sweep. */
  pool: 'cold' | 'warm';
  points: number;
  failed: number;
  /** Median over the repeats. */
  wallMs: number;
  /** Median over the repeats, and half the range. */
  pointsPerMin: number;
  spread: number;
  repeats: number;
  /** Sum of the points' own training wall times (the rest of wallMs is start-up and idling); median. */
  pointMsSum: number;
  /** Cores the browser reports (the pool's default size). */
  cores: number;
  grid: string;
}

/** The benchmark grid's base: a small MLP, short runs (full: 8 points × 300 steps). */
function benchBase(quick: boolean): Experiment {
  return {
    ...DEFAULT_EXPERIMENT,
    data: { ...DEFAULT_EXPERIMENT.data, trainSize: 2000, testSize: 500 },
    model: { ...DEFAULT_EXPERIMENT.model, hidden: [128] },
    train: { ...DEFAULT_EXPERIMENT.train, steps: quick ? 150 : 300, evalEvery: 1000 },
  };
}

const AXES: GridAxes = { weightBits: [2, 4, 8, 32], widths: [0.5, 1] };

interface Sample {
  wallMs: number;
  pointMsSum: number;
  failed: number;
}

/** Runs the grid once on `workers` workers of `runner`. */
async function sample(runner: BrowserSweepRunner, base: Experiment, workers: number): Promise<Sample> {
  let failed = 0;
  let pointMsSum = 0;
  const t0 = performance.now();
  await runner.run(expandGrid(base, AXES), workers, {
    onPointProgress: () => undefined,
    onSettled: (o) => {
      if (o.ok) pointMsSum += o.value.wallTimeMs ?? 0;
      else failed++;
    },
  });
  return { wallMs: performance.now() - t0, pointMsSum, failed };
}

/** The record of `samples` of one pool size and state. */
function summarize(
  base: Experiment,
  workers: number,
  pool: SweepBenchRecord['pool'],
  samples: Sample[],
): SweepBenchRecord {
  const points = expandGrid(base, AXES).length;
  const rates = samples.map((s) => (60_000 * (points - s.failed)) / s.wallMs);
  return {
    kind: 'sweep',
    workers,
    pool,
    points,
    failed: Math.max(...samples.map((s) => s.failed)),
    wallMs: Math.round(median(samples.map((s) => s.wallMs))),
    pointMsSum: Math.round(median(samples.map((s) => s.pointMsSum))),
    pointsPerMin: +median(rates).toFixed(2),
    spread: +((Math.max(...rates) - Math.min(...rates)) / 2).toFixed(2),
    repeats: samples.length,
    cores: navigator.hardwareConcurrency,
    grid: `W{2,4,8,f} x width{0.5,1}, MLP [128], ${base.train.steps} steps, batch ${base.train.batchSize}`,
  };
}

const quiet = { onPointProgress: () => undefined, onSettled: () => undefined };

/**
 * Cold: 1 and 2 fresh workers (a new runner each), after a one-point warm-up so the wasm binary
 * and MNIST come from the HTTP cache. Warm: a 2-worker pool that has run the grid once (V8 has
 * compiled tfjs's hot paths by then, as in the later points of a long sweep), then 1 and 2 of its
 * workers. Each pair is measured `repeats` times, alternating.
 */
export async function benchSweep(quick: boolean, log: (line: string) => void): Promise<SweepBenchRecord[]> {
  const cores = navigator.hardwareConcurrency;
  const base = benchBase(quick);
  const repeats = quick ? 1 : 3;
  const short = (steps: number) => ({ ...base, train: { ...base.train, steps } });
  const first = new BrowserSweepRunner({ cores });
  await first.run(expandGrid(short(10), { weightBits: [4] }), 1, quiet);
  first.dispose();
  const cold: Sample[][] = [[], []];
  const warm: Sample[][] = [[], []];
  for (let r = 0; r < repeats; r++) {
    for (const workers of [1, 2]) {
      const runner = new BrowserSweepRunner({ cores });
      cold[workers - 1].push(await sample(runner, base, workers));
      runner.dispose();
    }
  }
  const pool = new BrowserSweepRunner({ cores });
  await pool.run(expandGrid(base, AXES), 2, quiet);
  for (let r = 0; r < repeats; r++) {
    for (const workers of [1, 2]) warm[workers - 1].push(await sample(pool, base, workers));
  }
  pool.dispose();
  const records = [
    summarize(base, 1, 'cold', cold[0]),
    summarize(base, 2, 'cold', cold[1]),
    summarize(base, 1, 'warm', warm[0]),
    summarize(base, 2, 'warm', warm[1]),
  ];
  records.forEach((record) => log(JSON.stringify(record)));
  return records;
}
