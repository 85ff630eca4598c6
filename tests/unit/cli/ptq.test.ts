/**
 * `quant-lab ptq`: quantizes a checkpoint written by `run --checkpoint`, writes run's result shape
 * with a `ptq` section (or the ladder), and rejects what it cannot use with exit code 2.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main as ptq } from '../../../src/cli/ptq';
import { main as run } from '../../../src/cli/run';

const dir = mkdtempSync(join(tmpdir(), 'ql-ptq-'));
const mlp = join(dir, 'mlp.ckpt.json');
const cnn = join(dir, 'cnn.ckpt.json');
const COMMON = ['--backend', 'cpu', '--quiet', '--test-size', '128'];

async function capture(fn: () => Promise<number>): Promise<{ code: number; err: string }> {
  const lines: string[] = [];
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  const code = await fn();
  vi.restoreAllMocks();
  return { code, err: lines.join('\n') };
}
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

beforeAll(async () => {
  const float = ['--weight-bits', '32', '--act-bits', '32', '--batch-size', '16', '--steps', '40'];
  expect(
    await run([...COMMON, ...float, '--hidden', '32', '--checkpoint', mlp, '--out', join(dir, 'r.json')]),
  ).toBe(0);
  expect(
    await run([
      ...COMMON,
      ...float,
      '--model',
      'cnn',
      '--width',
      '0.25',
      '--checkpoint',
      cnn,
      '--out',
      join(dir, 'c.json'),
    ]),
  ).toBe(0);
});
afterEach(() => vi.restoreAllMocks());

describe('quant-lab ptq', () => {
  it('writes run’s result shape with the ptq section the flags asked for', async () => {
    const out = join(dir, 'ptq.json');
    const flags = ['--weight-bits', '4', '--act-bits', '8', '--act-range', 'minmax', '--per-channel'];
    const more = [
      '--cle',
      '--bias-correction',
      'empirical',
      '--rounding',
      'adaround',
      '--adaround-iters',
      '5',
    ];
    expect(await ptq([...COMMON, '--from', cnn, ...flags, ...more, '--calib-size', '32', '--out', out])).toBe(
      0,
    );
    const result = readJson(out);
    expect(result.status).toBe('completed');
    expect(result.experiment.quant.weight).toMatchObject({ bits: 4, perChannel: true });
    expect(result.testAccuracy).toBeGreaterThan(0);
    expect(result.ptq.options).toMatchObject({
      cle: true,
      biasCorrection: 'empirical',
      rounding: 'adaround',
      calibSize: 32,
    });
    expect(result.ptq.layers.map((l: { name: string }) => l.name)).toEqual(['conv1', 'conv2', 'fc']);
    expect(result.ptq.layers[0].weightRange.min).toHaveLength(4);
    expect(
      result.ptq.layers.every((l: { adaroundFlipped?: number }) => typeof l.adaroundFlipped === 'number'),
    ).toBe(true);
    expect(result.cost.total.acev2).toBeGreaterThan(0);
  });

  it('--checkpoint writes the quantized model, which run --from fine-tunes with QAT', async () => {
    const q = join(dir, 'w4.ckpt.json');
    const flags = ['--weight-bits', '4', '--act-bits', '8', '--act-range', 'minmax', '--calib-size', '32'];
    expect(
      await ptq([
        ...COMMON,
        '--from',
        cnn,
        ...flags,
        '--cle',
        '--checkpoint',
        q,
        '--out',
        join(dir, 'q.json'),
      ]),
    ).toBe(0);
    const out = join(dir, 'qat.json');
    expect(await run([...COMMON, '--from', q, '--finetune', '--steps', '3', '--out', out])).toBe(0);
    const result = readJson(out);
    expect(result.experiment.model.foldBatchNorm).toBe(true);
    expect(result.experiment.quant.weight.bits).toBe(4);
    expect(result.history.at(-1).step).toBe(3);
  });

  it('--ladder writes every rung of every column, and --qat-steps a QAT row after each', async () => {
    const out = join(dir, 'ladder.json');
    const flags = ['--ladder', '--adaround-iters', '3', '--calib-size', '16', '--qat-steps', '4'];
    expect(await ptq([...COMMON, '--from', mlp, ...flags, '--out', out])).toBe(0);
    const { ladder } = readJson(out);
    expect(ladder.map((c: { rung: string }) => c.rung).slice(0, 5)).toEqual([
      'nearest',
      'cle',
      'bias',
      'adaround',
      'qat',
    ]);
    expect(ladder).toHaveLength(15);
    const qat = ladder[4].qat;
    expect(qat.curve.map((p: { step: number }) => p.step)).toEqual([0, 1, 2, 3, 4]);
    expect(qat.curve[0].testAccuracy).toBe(ladder[3].testAccuracy);
    expect(qat.bestAccuracy).toBe(
      Math.max(...ladder.slice(0, 4).map((c: { testAccuracy: number }) => c.testAccuracy)),
    );
    const passed = qat.curve.find(
      (p: { step: number; testAccuracy: number }) => p.step > 0 && p.testAccuracy > qat.bestAccuracy,
    );
    expect(qat.stepsToPassBest).toBe(passed?.step ?? null);
  });

  it('exits 2 with a message: no --from, a bad file, distilled data without BN', async () => {
    expect((await capture(() => ptq(COMMON))).err).toMatch(/--from FILE is required/);
    expect((await capture(() => ptq([...COMMON, '--from', mlp, '--qat-steps', '5']))).err).toMatch(
      /give --ladder/,
    );
    const bad = await capture(() => ptq([...COMMON, '--from', join(dir, 'r.json')]));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/not a checkpoint but a run result/);
    const distilled = await capture(() => ptq([...COMMON, '--from', mlp, '--calib-data', 'distilled']));
    expect(distilled.code).toBe(2);
    expect(distilled.err).toMatch(/batch norm/);
  });
});
