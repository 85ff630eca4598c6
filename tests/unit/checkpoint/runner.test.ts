/**
 * `quant-lab run --checkpoint FILE` writes the trained model; `--from FILE` resumes from it (its
 * experiment unless flags or a file change it), `--finetune` starts the step count at 0, and a
 * bad or unfitting checkpoint exits 2 with the message.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readCheckpointFile } from '../../../src/checkpoint/node';
import { main } from '../../../src/cli/run';

const dir = mkdtempSync(join(tmpdir(), 'ql-ckpt-'));
const SMALL = ['--backend', 'cpu', '--hidden', '16', '--batch-size', '8', '--test-size', '64', '--quiet'];

/** Runs `quant-lab run` with stderr captured. */
async function run(argv: string[]): Promise<{ code: number; err: string }> {
  const lines: string[] = [];
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  const code = await main(argv);
  vi.restoreAllMocks();
  return { code, err: lines.join('\n') };
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

afterEach(() => vi.restoreAllMocks());

describe('quant-lab run with checkpoints', () => {
  const ckpt = join(dir, 'w4.ckpt.json');

  it('--checkpoint writes the trained model; --from resumes it to --steps in total', async () => {
    const first = await run([...SMALL, '--weight-bits', '4', '--steps', '4', '--checkpoint', ckpt]);
    expect(first.code).toBe(0);
    const saved = readCheckpointFile(ckpt);
    if (!saved.ok) throw new Error(saved.error);
    expect(saved.value.stepsDone).toBe(4);
    expect(saved.value.experiment.model.hidden).toEqual([16]);

    const out = join(dir, 'resumed.json');
    const next = join(dir, 'w4-6.ckpt.json');
    // No experiment file: the checkpoint's experiment, with --steps changed.
    const resumed = await run([
      '--backend',
      'cpu',
      '--quiet',
      '--from',
      ckpt,
      '--steps',
      '6',
      '--out',
      out,
      '--checkpoint',
      next,
    ]);
    expect(resumed.code).toBe(0);
    const result = readJson(out);
    expect(result.experiment.model.hidden).toEqual([16]);
    expect(result.experiment.quant.weight.bits).toBe(4);
    expect(result.history.map((p: { step: number }) => p.step)).toEqual([6]);
    expect(readJson(next).stepsDone).toBe(6);
  });

  it('--finetune counts from 0 on the checkpoint’s weights, here at other bits', async () => {
    const out = join(dir, 'tuned.json');
    const tuned = await run([
      ...SMALL,
      '--from',
      ckpt,
      '--finetune',
      '--weight-bits',
      '3',
      '--steps',
      '2',
      '--out',
      out,
    ]);
    expect(tuned.code).toBe(0);
    const result = readJson(out);
    expect(result.experiment.quant.weight.bits).toBe(3);
    expect(result.history.map((p: { step: number }) => p.step)).toEqual([2]);
  });

  it('an experiment file replaces the checkpoint’s experiment', async () => {
    const file = join(dir, 'exp.json');
    const quant = { weight: { bits: 8 }, act: { bits: 8 } };
    writeFileSync(
      file,
      JSON.stringify({ model: { hidden: [16] }, quant, train: { steps: 5, batchSize: 8 } }),
    );
    const out = join(dir, 'from-file.json');
    expect((await run([file, '--backend', 'cpu', '--quiet', '--from', ckpt, '--out', out])).code).toBe(0);
    const result = readJson(out);
    expect(result.experiment.quant.weight.bits).toBe(8);
    expect(result.experiment.train.steps).toBe(5);
    // Resumed at the checkpoint's step 4: one step to go.
    expect(result.history.map((p: { step: number }) => p.step)).toEqual([5]);
  });

  it('a bad or unfitting checkpoint exits 2 with the message', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'quant-lab-checkpoint', version: 2 }));
    expect(await run([...SMALL, '--from', bad])).toEqual({
      code: 2,
      err: `quant-lab run: ${bad}: written by a newer Quant Lab (version 2); this one reads version 1`,
    });
    const wider = await run(['--backend', 'cpu', '--quiet', '--from', ckpt, '--hidden', '32']);
    expect(wider.code).toBe(2);
    expect(wider.err).toBe(
      `quant-lab run: ${ckpt}: architecture differs: layer 1 is fc1 [784,16] in the checkpoint, fc1 [784,32] in the experiment`,
    );
    const missing = await run([...SMALL, '--from', join(dir, 'none.json')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read .*none\.json/);
  });

  it('refuses flags that do not go together', async () => {
    expect((await run([...SMALL, '--finetune'])).err).toBe('quant-lab run: --finetune needs --from FILE');
    expect((await run([...SMALL, '--twin', 'tanh', '--checkpoint', ckpt])).err).toMatch(
      /a twin run trains two/,
    );
    expect((await run(['--preset', 'oscillations-w3-dscnn-freeze', '--from', ckpt])).err).toMatch(
      /do not apply to a lesson/,
    );
  });
});
