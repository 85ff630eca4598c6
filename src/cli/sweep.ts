/**
 * `quant-lab sweep`: runs a bits × width × seed grid (one child process per core) and writes every
 * point and the Pareto frontier; or, with --emit-jobs DIR, writes one experiment file per point for
 * a batch system and exits (then `quant-lab merge DIR`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatCount } from '../cost/format';
import { COST_AXES, type CostAxis } from '../cost/types';
import { BIT_CHOICES } from '../experiment/schema';
import { buildSweepFile, DEFAULT_AXIS } from '../sweep/file';
import { expandGrid, seedRange, type GridAxes, type GridPoint } from '../sweep/grid';
import { defaultJobs, runSweepInNode } from '../sweep/nodePool';
import { CANCELLED, type PoolProgress, type Settled } from '../sweep/pool';
import type { SweepPoint } from '../sweep/types';
import { loadExperiment, runFlagsHelp, splitArgs, type FlagTable } from './cost';
import type { RunnerOptions } from './flags';
import { formatSweepSummary, parseAxis } from './merge';

export const HELP = `quant-lab sweep [experiment.json] [flags as in run] --out sweep.json
                 [--weight-bits 2,3,4,8,32] [--act-bits 4,8] [--widths 0.5,1,2] [--seeds N]
                 [--sweep-quantnorm] [--sweep-double-quant]
                 [--axis ${COST_AXES.join('|')}] [--jobs N] [--emit-jobs DIR]

Runs the experiment at every grid point (one child process per core; --jobs to change) and writes
each point's config, testAccuracy and cost, and the Pareto frontier on --axis (default ${DEFAULT_AXIS}).

Grid (an absent axis keeps the experiment's value):
  --weight-bits LIST     weight bits (2–8, or 32 / f / float)
  --act-bits LIST        activation bits; absent = same as the weight bits (W4A4, W8A8, …)
  --widths LIST          width multipliers (0.125–8)
  --seeds N              N seeds, from the experiment's seed up
  --sweep-quantnorm      run every point with QuantNorm off and on
  --sweep-double-quant   run every point with double quantization off and on
  (run flags set everything else, e.g. --model cnn --steps 500 --quantnorm; --backend and
  --save-weights are passed on to every run)

Output:
  --out FILE             the sweep file (required unless --emit-jobs)
  --emit-jobs DIR        write DIR/<id>.json per point and exit, for a batch system:
                           parallel quant-lab run {} --out {.}.result.json ::: DIR/*.json
                           quant-lab merge DIR --out sweep.json
  --jobs N               parallel runs (default: ${defaultJobs()}, one per core)
${runFlagsHelp(['weight-bits', 'act-bits', 'out', 'quiet'])}`;

const SWEEP_FLAGS: FlagTable = {
  out: 'value',
  'weight-bits': 'value',
  'act-bits': 'value',
  widths: 'value',
  seeds: 'value',
  axis: 'value',
  jobs: 'value',
  'emit-jobs': 'value',
  'sweep-quantnorm': 'bool',
  'sweep-double-quant': 'bool',
};

/** Runner options passed on to every child run (children are always quiet: the sweep reports). */
export function childRunArgs(options: RunnerOptions): string[] {
  return ['--backend', options.backend, '--quiet', ...(options.saveWeights ? ['--save-weights'] : [])];
}

/** Parses a comma list of bitwidths; `f` / `float` mean 32. */
export function parseBitsList(value: string, flag: string): number[] {
  return value.split(',').map((s) => {
    const t = s.trim().toLowerCase();
    const bits = t === 'f' || t === 'float' ? 32 : Number(t);
    if (!(BIT_CHOICES as readonly number[]).includes(bits)) throw new Error(`--${flag}: '${s}' is not one of ${BIT_CHOICES.join(', ')} (or f)`);
    return bits;
  });
}

/** Parses a comma list of positive numbers. */
export function parseNumberList(value: string, flag: string): number[] {
  return value.split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${flag}: '${s}' is not a positive number`);
    return n;
  });
}

/** A positive integer flag value. */
function parseCount(value: string | true | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a positive integer`);
  return n;
}

/** The grid axes from the sweep flags (the experiment's seed starts `--seeds N`). */
export function axesFromFlags(own: Map<string, string | true>, baseSeed: number): GridAxes {
  const str = (name: string) => {
    const v = own.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const seeds = parseCount(own.get('seeds'), 'seeds');
  return {
    weightBits: str('weight-bits') === undefined ? undefined : parseBitsList(str('weight-bits')!, 'weight-bits'),
    actBits: str('act-bits') === undefined ? undefined : parseBitsList(str('act-bits')!, 'act-bits'),
    widths: str('widths') === undefined ? undefined : parseNumberList(str('widths')!, 'widths'),
    seeds: seeds === undefined ? undefined : seedRange(baseSeed, seeds),
    quantNorm: own.has('sweep-quantnorm') ? [false, true] : undefined,
    doubleQuant: own.has('sweep-double-quant') ? [false, true] : undefined,
  };
}

/** Writes DIR/<id>.json for every point (the batch-system path). */
export async function emitJobs(points: readonly GridPoint[], dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const p of points) await writeFile(join(dir, `${p.id}.json`), JSON.stringify(p.experiment, null, 2));
}

function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function progressLine(outcome: Settled<SweepPoint>, point: GridPoint, p: PoolProgress, axis: CostAxis): string {
  const head = `[${p.done}/${p.total}] ${point.id}`;
  const eta = `elapsed ${formatDuration(p.elapsedMs)}, eta ${formatDuration(p.etaMs)}`;
  if (!outcome.ok) return `${head} FAILED (${outcome.error.split('\n')[0].slice(0, 160)}); ${eta}`;
  const v = outcome.value;
  return `${head} acc ${(100 * v.testAccuracy).toFixed(2)}% ${axis} ${formatCount(v.cost[axis])}; ${eta}`;
}

/** Entry point of `quant-lab sweep`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const { own, rest } = splitArgs(argv, SWEEP_FLAGS);
  const { experiment: base, options } = await loadExperiment(rest);
  const points = expandGrid(base, axesFromFlags(own, base.seed));
  const emitDir = own.get('emit-jobs');
  if (typeof emitDir === 'string') {
    await emitJobs(points, emitDir);
    console.error(`wrote ${points.length} experiment files to ${emitDir}/. Run them, then merge:`);
    console.error(`  parallel quant-lab run {} --out {.}.result.json ::: ${emitDir}/*.json`);
    console.error(`  quant-lab merge ${emitDir} --out sweep.json`);
    return 0;
  }
  const out = own.get('out');
  if (typeof out !== 'string') {
    console.error(`quant-lab sweep: needs --out FILE (or --emit-jobs DIR)\n\n${HELP}`);
    return 2;
  }
  const axis = parseAxis(own.get('axis'));
  const jobs = parseCount(own.get('jobs'), 'jobs') ?? defaultJobs();
  console.error(`sweep: ${points.length} points on ${Math.min(jobs, points.length)} parallel runs`);
  const controller = new AbortController();
  const onSigint = () => {
    console.error('sweep: interrupted; stopping runs and writing what finished');
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  try {
    const { points: done, failed } = await runSweepInNode(points, {
      jobs,
      signal: controller.signal,
      runArgs: childRunArgs(options),
      onSettled: (outcome, point, progress) => console.error(progressLine(outcome, point, progress, axis)),
    });
    const sweep = buildSweepFile(done, axis, failed);
    await writeFile(out, JSON.stringify(sweep, null, 2));
    console.error(formatSweepSummary(sweep));
    console.error(`wrote ${out}`);
    if (controller.signal.aborted || failed.some((f) => f.error === CANCELLED)) return 130;
    return failed.length ? 1 : 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
