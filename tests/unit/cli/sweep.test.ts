/** `quant-lab sweep --emit-jobs` and `quant-lab merge`, without training (fake result files). */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseArgs } from '../../../src/cli/flags';
import { main as mergeMain } from '../../../src/cli/merge';
import { axesFromFlags, main as sweepMain, parseBitsList, SWEEP_SPEC } from '../../../src/cli/sweep';
import { experimentSchema } from '../../../src/experiment/schema';
import { parseSweepFile } from '../../../src/sweep/file';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ql-sweep-test-'));
  vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

describe('sweep flags', () => {
  it('bit lists accept f/float for 32 and reject other values', () => {
    expect(parseBitsList('2, 4,f,float,32', 'weight-bits')).toEqual([2, 4, 32, 32, 32]);
    expect(() => parseBitsList('4,9', 'weight-bits')).toThrow(/'9'/);
  });

  it('sorts its own flags from the experiment flags it shares with run', () => {
    const s = parseArgs(
      ['exp.json', '--widths=0.5,1', '--steps', '10', '--sweep-quantnorm', '--out', 'o.json'],
      SWEEP_SPEC,
    );
    expect(s.ok).toBe(true);
    if (!s.ok) return;
    expect(Object.fromEntries(s.value.own)).toEqual({
      widths: '0.5,1',
      'sweep-quantnorm': true,
      out: 'o.json',
    });
    expect(Object.fromEntries(s.value.overrides)).toEqual({ 'train.steps': 10 });
    expect(s.value.file).toBe('exp.json');
  });

  it('--seeds N counts up from the base seed; absent axes stay undefined', () => {
    const axes = axesFromFlags(
      new Map<string, string | true>([
        ['seeds', '3'],
        ['sweep-double-quant', true],
      ]),
      5,
    );
    expect(axes).toEqual({
      weightBits: undefined,
      actBits: undefined,
      widths: undefined,
      seeds: [5, 6, 7],
      quantNorm: undefined,
      doubleQuant: [false, true],
    });
  });
});

describe('--emit-jobs + merge', () => {
  it('writes one experiment per point, and merge combines the result files', async () => {
    const expFile = join(dir, 'base.json');
    await writeFile(expFile, JSON.stringify({ model: { arch: 'mlp', hidden: [16] }, train: { steps: 5 } }));
    const jobs = join(dir, 'jobs');
    const code = await sweepMain([expFile, '--weight-bits', '2,4', '--widths', '0.5,1', '--emit-jobs', jobs]);
    expect(code).toBe(0);
    const names = (await readdir(jobs)).sort();
    expect(names).toEqual(['w2a2-x0p5-s1.json', 'w2a2-x1-s1.json', 'w4a4-x0p5-s1.json', 'w4a4-x1-s1.json']);
    const job = experimentSchema.parse(JSON.parse(await readFile(join(jobs, 'w4a4-x0p5-s1.json'), 'utf8')));
    expect([job.quant.weight.bits, job.model.widthMultiplier, job.train.steps]).toEqual([4, 0.5, 5]);

    // Pretend a batch system ran three of the four jobs.
    for (const [i, name] of names.slice(0, 3).entries()) {
      const experiment = JSON.parse(await readFile(join(jobs, name), 'utf8'));
      const result = {
        experiment,
        status: 'completed',
        testAccuracy: 0.5 + 0.1 * i,
        wallTimeMs: 10,
        history: [],
      };
      await writeFile(join(jobs, name.replace(/\.json$/, '.result.json')), JSON.stringify(result));
    }
    const out = join(dir, 'sweep.json');
    expect(await mergeMain([jobs, '--out', out, '--axis', 'ace'])).toBe(1); // one job has no result
    const parsed = parseSweepFile(JSON.parse(await readFile(out, 'utf8')));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.value.points.map((p) => p.id)).toEqual(['w2a2-x0p5-s1', 'w2a2-x1-s1', 'w4a4-x0p5-s1']);
    expect(parsed.value.failed).toEqual([{ id: 'w4a4-x1-s1', error: 'no result file' }]);
    expect(parsed.value.axis).toBe('ace');
    // Accuracy rises with ACE here (w2 x0.5 < w2 x1 < w4 x0.5 in ACE), so all three are on the frontier.
    expect(parsed.value.frontier).toEqual(['w2a2-x0p5-s1', 'w2a2-x1-s1', 'w4a4-x0p5-s1']);
  });

  it('run flags set the base of every point (and --weight-bits takes a list here)', async () => {
    const jobs = join(dir, 'jobs2');
    expect(
      await sweepMain([
        '--model',
        'cnn',
        '--steps',
        '3',
        '--quantnorm',
        '--weight-bits',
        '4,8',
        '--seeds',
        '2',
        '--emit-jobs',
        jobs,
      ]),
    ).toBe(0);
    const names = (await readdir(jobs)).sort();
    expect(names).toEqual([
      'w4a4-x1-s1-qn.json',
      'w4a4-x1-s2-qn.json',
      'w8a8-x1-s1-qn.json',
      'w8a8-x1-s2-qn.json',
    ]);
    const job = experimentSchema.parse(JSON.parse(await readFile(join(jobs, names[3]), 'utf8')));
    expect([job.model.arch, job.train.steps, job.quant.quantNorm, job.seed, job.quant.act.bits]).toEqual([
      'cnn',
      3,
      true,
      2,
      8,
    ]);
    expect(await sweepMain(['--bogus', '--emit-jobs', jobs])).toBe(2);
    expect(vi.mocked(console.error).mock.calls.flat().join('\n')).toMatch(/unknown flag '--bogus'/);
  });

  it('usage errors exit 2', async () => {
    expect(await mergeMain([dir])).toBe(2);
    expect(await sweepMain(['--weight-bits', '4'])).toBe(2);
  });
});
