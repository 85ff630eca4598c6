/**
 * End to end, with real training: `sweep --emit-jobs` → a batch system running `quant-lab run` on
 * each job → `merge`; and the built-in child-process sweep. The batch system is GNU parallel where
 * the machine has it and `xargs -P` (in every base system) where it does not, so the test runs on a
 * fresh machine with nothing installed by apt. A tiny experiment (MLP 784-16-10, a few steps on
 * 64 images) keeps each run to seconds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main as mergeMain } from '../../../src/cli/merge';
import { main as sweepMain } from '../../../src/cli/sweep';
import { parseSweepFile } from '../../../src/sweep/file';
import { BIN_PATH } from '../../../src/sweep/nodePool';

const PARALLEL = '/usr/bin/parallel';

/** Runs `quant-lab run JOB --out JOB-without-.json.result.json` over the job files, two at a time. */
function runJobs(files: string[]) {
  const options = { encoding: 'utf8' as const, timeout: 120_000 };
  if (existsSync(PARALLEL))
    // The README's command, with `node bin/quant-lab.mjs` for `quant-lab` (not on PATH in tests).
    return spawnSync(
      PARALLEL,
      [
        '--will-cite',
        '-j',
        '2',
        process.execPath,
        BIN_PATH,
        'run',
        '{}',
        '--out',
        '{.}.result.json',
        ':::',
        ...files,
      ],
      options,
    );
  // The README's xargs form: one job file per line in, `${f%.json}` for GNU parallel's `{.}`.
  const run = `"$0" "$1" run "$2" --out "\${2%.json}.result.json"`;
  return spawnSync('xargs', ['-P', '2', '-n', '1', 'sh', '-c', run, process.execPath, BIN_PATH], {
    ...options,
    input: files.join('\n'),
  });
}

const TINY = {
  model: { arch: 'mlp', hidden: [16] },
  data: { trainSize: 64, testSize: 64 },
  train: { steps: 4, batchSize: 16, evalEvery: 4, reportEvery: 2 },
};

let dir: string;
let base: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ql-e2e-'));
  base = join(dir, 'tiny.json');
  await writeFile(base, JSON.stringify(TINY));
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

async function readSweep(file: string) {
  const parsed = parseSweepFile(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe('sweep end to end', () => {
  it(`--emit-jobs, then ${existsSync(PARALLEL) ? 'GNU parallel' : 'xargs -P'} runs the jobs, then merge`, async () => {
    const jobs = join(dir, 'jobs');
    expect(await sweepMain([base, '--weight-bits', '4,32', '--emit-jobs', jobs])).toBe(0);
    const files = (await readdir(jobs)).map((n) => join(jobs, n));
    expect(files).toHaveLength(2);
    const ran = runJobs(files);
    expect(ran.status, ran.stderr).toBe(0);
    const out = join(dir, 'merged.json');
    expect(await mergeMain([jobs, '--out', out])).toBe(0);
    const sweep = await readSweep(out);
    expect(sweep.points.map((p) => p.id)).toEqual(['w32a32-x1-s1', 'w4a4-x1-s1']);
    expect(sweep.failed).toEqual([]);
    for (const p of sweep.points) {
      expect(p.testAccuracy).toBeGreaterThanOrEqual(0);
      expect(p.testAccuracy).toBeLessThanOrEqual(1);
      expect(p.cost.acev2).toBeGreaterThan(0);
    }
    expect(sweep.frontier.length).toBeGreaterThanOrEqual(1);
  });

  it('the built-in sweep runs points in child processes and writes the sweep file', async () => {
    const out = join(dir, 'sweep.json');
    expect(await sweepMain([base, '--weight-bits', '2,4', '--jobs', '2', '--out', out])).toBe(0);
    const sweep = await readSweep(out);
    expect(sweep.points.map((p) => p.id)).toEqual(['w2a2-x1-s1', 'w4a4-x1-s1']);
    expect(sweep.points.every((p) => p.wallTimeMs > 0)).toBe(true);
  });
});
