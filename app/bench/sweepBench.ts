/**
 * Browser sweep throughput for `npm run bench` (`/bench.html?parts=sweep`): the same small grid on a
 * pool of 1, then 2 workers (app/sweep/workerPool.ts, the lab's own runner), in one page session.
 * One record per pool size: points per minute of wall time, worker start-up included.
 */
import { DEFAULT_EXPERIMENT, type Experiment } from '../../src/experiment/schema';
import { expandGrid, type GridAxes } from '../../src/sweep';
import { BrowserSweepRunner } from '../sweep/workerPool';

/** One measurement of the browser sweep. */
export interface SweepBenchRecord {
  kind: 'sweep';
  workers: number;
  points: number;
  failed: number;
  wallMs: number;
  pointsPerMin: number;
  /** Sum of the points' own training wall times (the rest of wallMs is start-up and idling). */
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

/** Runs the grid on `workers` workers; resolves with its record. */
async function measure(
  runner: BrowserSweepRunner,
  base: Experiment,
  workers: number,
): Promise<SweepBenchRecord> {
  const points = expandGrid(base, AXES);
  let failed = 0;
  let pointMsSum = 0;
  const t0 = performance.now();
  await runner.run(points, workers, {
    onPointProgress: () => undefined,
    onSettled: (o) => {
      if (o.ok) pointMsSum += o.value.wallTimeMs ?? 0;
      else failed++;
    },
  });
  const wallMs = performance.now() - t0;
  return {
    kind: 'sweep',
    workers,
    points: points.length,
    failed,
    wallMs: Math.round(wallMs),
    pointMsSum: Math.round(pointMsSum),
    pointsPerMin: +((60_000 * (points.length - failed)) / wallMs).toFixed(2),
    cores: navigator.hardwareConcurrency,
    grid: `W{2,4,8,f} x width{0.5,1}, MLP [128], ${base.train.steps} steps, batch ${base.train.batchSize}`,
  };
}

/** 1 then 2 workers, after a one-point warm-up (wasm compile and MNIST fetch cached for both). */
export async function benchSweep(quick: boolean, log: (line: string) => void): Promise<SweepBenchRecord[]> {
  const runner = new BrowserSweepRunner({ cores: navigator.hardwareConcurrency });
  const base = benchBase(quick);
  const warm = expandGrid({ ...base, train: { ...base.train, steps: 10 } }, { weightBits: [4] });
  await runner.run(warm, 1, { onPointProgress: () => undefined, onSettled: () => undefined });
  const records: SweepBenchRecord[] = [];
  for (const workers of [1, 2]) {
    const record = await measure(runner, base, workers);
    records.push(record);
    log(JSON.stringify(record));
  }
  return records;
}
