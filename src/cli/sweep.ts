/**
 * `quant-lab sweep`: runs a bits × width × seed grid (one child process per core) and writes every
 * point and the Pareto frontier; or, with --emit-jobs DIR, writes one experiment file per point for
 * a batch system and exits (then `quant-lab merge DIR`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { COST_AXES, formatOnAxis, type CostAxis } from '../cost/axes';
import { BIT_CHOICES } from '../experiment/schema';
import { buildSweepFile, DEFAULT_AXIS } from '../sweep/file';
import { expandGrid, seedRange, type GridAxes, type GridPoint } from '../sweep/grid';
import { defaultJobs, runSweepInNode } from '../sweep/nodePool';
import { CANCELLED, type PoolProgress, type Settled } from '../sweep/pool';
import type { SweepPoint } from '../sweep/types';
import { commandHelp, type CommandSpec, type FlagDef, usageError } from './args';
import { EXPERIMENT_FLAGS, parseArgs, RUNNER_FLAGS, type RunnerOptions } from './flags';
import { formatSweepSummary } from './merge';
import { experimentFromArgs } from './run';

const SWEEP_OWN: readonly FlagDef[] = [
  {
    name: 'weight-bits',
    kind: 'string',
    metavar: 'LIST',
    help: 'weight bits, e.g. 2,3,4,8,32 (32, f or float: float)',
  },
  {
    name: 'act-bits',
    kind: 'string',
    metavar: 'LIST',
    help: 'activation bits; absent = same as the weight bits (W4A4, W8A8, …)',
  },
  { name: 'widths', kind: 'string', metavar: 'LIST', help: 'width multipliers, e.g. 0.5,1,2 (0.125–8)' },
  { name: 'seeds', kind: 'int', metavar: 'N', help: "N seeds, from the experiment's seed up" },
  { name: 'sweep-quantnorm', kind: 'bool', help: 'run every point with QuantNorm off and on' },
  { name: 'sweep-double-quant', kind: 'bool', help: 'run every point with double quantization off and on' },
];

const SWEEP_OUTPUT: readonly FlagDef[] = [
  { name: 'out', kind: 'string', metavar: 'FILE', help: 'the sweep file (required unless --emit-jobs)' },
  {
    name: 'emit-jobs',
    kind: 'string',
    metavar: 'DIR',
    help: 'write DIR/<id>.json per point and exit, for a batch system',
  },
  {
    name: 'axis',
    kind: 'enum',
    values: COST_AXES,
    help: 'cost axis of the Pareto frontier',
    default: DEFAULT_AXIS,
  },
  {
    name: 'jobs',
    kind: 'int',
    metavar: 'N',
    help: 'parallel runs',
    default: `${defaultJobs()}, one per core`,
  },
];

/** `quant-lab sweep`: the grid axes, the output, and the run flags (minus the two the grid redefines). */
export const SWEEP_SPEC: CommandSpec = {
  name: 'sweep',
  summary: 'run a bits × width × seed grid and write every point and the Pareto frontier',
  usage: [
    'sweep [experiment.json] [flags as in run] --out sweep.json',
    '      [--weight-bits 2,3,4,8,32] [--act-bits 4,8] [--widths 0.5,1,2] [--seeds N]',
    `      [--sweep-quantnorm] [--sweep-double-quant] [--axis ${COST_AXES.join('|')}] [--jobs N] [--emit-jobs DIR]`,
  ],
  positionals: { name: 'experiment file', max: 1 },
  description: `Runs the experiment at every grid point (one child process per core; --jobs to change) and writes
each point's config, testAccuracy and cost, and the Pareto frontier on --axis. An absent grid axis
keeps the experiment's value; run flags set everything else (e.g. --model cnn --steps 500
--quantnorm); --backend and --save-weights are passed on to every run.`,
  groups: [
    { heading: 'Grid', flags: SWEEP_OWN },
    { heading: 'Output', flags: SWEEP_OUTPUT },
    {
      heading: "Experiment flags (override the experiment file, as in 'quant-lab run')",
      flags: EXPERIMENT_FLAGS.filter((f) => f.name !== 'weight-bits' && f.name !== 'act-bits'),
    },
    {
      heading: 'Runner flags passed on to every run',
      flags: RUNNER_FLAGS.filter((f) => f.name === 'backend' || f.name === 'save-weights'),
    },
  ],
  footer: `With --emit-jobs DIR, run the jobs with any batch system, then merge:
  parallel quant-lab run {} --out {.}.result.json ::: DIR/*.json
  quant-lab merge DIR --out sweep.json`,
};

export const HELP = commandHelp(SWEEP_SPEC);

/** Runner options passed on to every child run (children are always quiet: the sweep reports). */
export function childRunArgs(options: RunnerOptions): string[] {
  return ['--backend', options.backend, '--quiet', ...(options.saveWeights ? ['--save-weights'] : [])];
}

/** Parses a comma list of bitwidths; `f` / `float` mean 32. */
export function parseBitsList(value: string, flag: string): number[] {
  return value.split(',').map((s) => {
    const t = s.trim().toLowerCase();
    const bits = t === 'f' || t === 'float' ? 32 : Number(t);
    if (!(BIT_CHOICES as readonly number[]).includes(bits))
      throw new Error(`--${flag}: '${s}' is not one of ${BIT_CHOICES.join(', ')} (or f)`);
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
function parseCount(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a positive integer`);
  return n;
}

/** The grid axes from the sweep flags (the experiment's seed starts `--seeds N`). Throws on a bad list. */
export function axesFromFlags(own: ReadonlyMap<string, unknown>, baseSeed: number): GridAxes {
  const str = (name: string) => {
    const v = own.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const seeds = parseCount(own.get('seeds'), 'seeds');
  return {
    weightBits:
      str('weight-bits') === undefined ? undefined : parseBitsList(str('weight-bits')!, 'weight-bits'),
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

function progressLine(
  outcome: Settled<SweepPoint>,
  point: GridPoint,
  p: PoolProgress,
  axis: CostAxis,
): string {
  const head = `[${p.done}/${p.total}] ${point.id}`;
  const eta = `elapsed ${formatDuration(p.elapsedMs)}, eta ${formatDuration(p.etaMs)}`;
  if (!outcome.ok) return `${head} FAILED (${outcome.error.split('\n')[0].slice(0, 160)}); ${eta}`;
  const v = outcome.value;
  return `${head} acc ${(100 * v.testAccuracy).toFixed(2)}% ${axis} ${formatOnAxis(v.cost, axis)}; ${eta}`;
}

/** Entry point of `quant-lab sweep`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, SWEEP_SPEC);
  if (!args.ok) return usageError(SWEEP_SPEC, args.error);
  const { own, options } = args.value;
  const exp = experimentFromArgs(args.value);
  if (!exp.ok) {
    console.error(`quant-lab sweep: ${exp.error}`);
    return 2;
  }
  const base = exp.value;
  let axes: GridAxes;
  try {
    axes = axesFromFlags(own, base.seed);
  } catch (error) {
    return usageError(SWEEP_SPEC, (error as Error).message);
  }
  const points = expandGrid(base, axes);
  const emitDir = own.get('emit-jobs');
  if (typeof emitDir === 'string') {
    await emitJobs(points, emitDir);
    console.error(`wrote ${points.length} experiment files to ${emitDir}/. Run them, then merge:`);
    console.error(`  parallel quant-lab run {} --out {.}.result.json ::: ${emitDir}/*.json`);
    console.error(`  quant-lab merge ${emitDir} --out sweep.json`);
    return 0;
  }
  const out = own.get('out');
  if (typeof out !== 'string') return usageError(SWEEP_SPEC, 'needs --out FILE (or --emit-jobs DIR)');
  const axis = (own.get('axis') as CostAxis | undefined) ?? DEFAULT_AXIS;
  let jobs: number;
  try {
    jobs = parseCount(own.get('jobs'), 'jobs') ?? defaultJobs();
  } catch (error) {
    return usageError(SWEEP_SPEC, (error as Error).message);
  }
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
