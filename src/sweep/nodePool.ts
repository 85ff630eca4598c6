/**
 * Node-only: runs sweep points in child processes, one per core, each a
 * `node bin/quant-lab.mjs run <id>.json --out <id>.result.json` — the same file layout as
 * `quant-lab sweep --emit-jobs DIR`, so a local sweep and a batch-system sweep merge alike.
 * Processes (not worker threads) because each run owns a whole tfjs runtime and its memory.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseResultJson } from './file';
import { runWork, type GridPoint } from './grid';
import { runPool, type PoolProgress, type Settled } from './pool';
import type { SweepFailure, SweepPoint } from './types';

/** The runner entry point the children execute. */
export const BIN_PATH = fileURLToPath(new URL('../../bin/quant-lab.mjs', import.meta.url));

/** Keep this much of a failed child's stderr in the error message. */
const STDERR_TAIL_CHARS = 2000;

export interface NodeSweepOptions {
  /** Parallel children; default one per core (os.availableParallelism()). */
  jobs?: number;
  /** Where experiment and result files go; default a temp dir that is removed afterwards. */
  workDir?: string;
  signal?: AbortSignal;
  onSettled?: (outcome: Settled<SweepPoint>, point: GridPoint, progress: PoolProgress) => void;
  /** Extra arguments for every `run` (e.g. `--backend cpu`). */
  runArgs?: string[];
  /** The runner script children execute (default {@link BIN_PATH}; tests pass a fake). */
  binPath?: string;
}

/** Default number of parallel runs: one per core. */
export function defaultJobs(): number {
  return availableParallelism();
}

/** Runs `node BIN run expFile --out resultFile [...runArgs]`; rejects with the stderr tail on failure. */
export function runChild(
  expFile: string,
  resultFile: string,
  signal: AbortSignal,
  runArgs: string[] = [],
  binPath = BIN_PATH,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, 'run', expFile, '--out', resultFile, ...runArgs], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    });
    const kill = () => child.kill('SIGTERM');
    signal.addEventListener('abort', kill, { once: true });
    child.on('error', (error) => {
      signal.removeEventListener('abort', kill);
      reject(error);
    });
    child.on('close', (code, sig) => {
      signal.removeEventListener('abort', kill);
      if (code === 0) resolve();
      else reject(new Error(`run exited with ${code ?? sig}: ${stderr.trim() || '(no stderr)'}`));
    });
  });
}

/** Runs one point in a child process and reads its result back as a sweep point. */
export async function runPointInChild(
  point: GridPoint,
  dir: string,
  signal: AbortSignal,
  runArgs: string[] = [],
  binPath = BIN_PATH,
): Promise<SweepPoint> {
  const expFile = join(dir, `${point.id}.json`);
  const resultFile = join(dir, `${point.id}.result.json`);
  await writeFile(expFile, JSON.stringify(point.experiment, null, 2));
  await runChild(expFile, resultFile, signal, runArgs, binPath);
  const parsed = parseResultJson(point.id, JSON.parse(await readFile(resultFile, 'utf8')));
  if (!parsed.ok) throw new Error(`${resultFile}: ${parsed.error}`);
  return parsed.value;
}

/** Runs every point (one child per core by default); failures are collected, not thrown. */
export async function runSweepInNode(
  points: readonly GridPoint[],
  options: NodeSweepOptions = {},
): Promise<{ points: SweepPoint[]; failed: SweepFailure[] }> {
  const ownDir = options.workDir === undefined;
  const dir = options.workDir ?? (await mkdtemp(join(tmpdir(), 'quant-lab-sweep-')));
  await mkdir(dir, { recursive: true });
  try {
    const outcomes = await runPool(
      points,
      options.jobs ?? defaultJobs(),
      (p, _i, signal) => runPointInChild(p, dir, signal, options.runArgs, options.binPath),
      {
        signal: options.signal,
        weight: (p) => runWork(p.experiment),
        onSettled: (outcome, index, progress) => options.onSettled?.(outcome, points[index], progress),
      },
    );
    const done: SweepPoint[] = [];
    const failed: SweepFailure[] = [];
    outcomes.forEach((o, i) =>
      o.ok ? done.push(o.value) : failed.push({ id: points[i].id, error: o.error }),
    );
    return { points: done, failed };
  } finally {
    if (ownDir) await rm(dir, { recursive: true, force: true });
  }
}
