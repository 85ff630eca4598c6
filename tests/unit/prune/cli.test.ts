/**
 * `quant-lab prune` (cpu, real tfjs): its flags parse, bad input exits 2 with a message naming the
 * problem, and a run on a small trained checkpoint writes the documented JSON with the pruned
 * units and the narrower model's size.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseCommand } from '../../../src/cli/args';
import { main, PRUNE_SPEC } from '../../../src/cli/prune';
import { writeCheckpointFile } from '../../../src/checkpoint/node';
import { useTrainedFloatMlp } from '../../helpers/trained';

const trained = useTrainedFloatMlp({ hidden: [16, 12], trainSize: 512, testSize: 200, steps: 60 });
const dir = mkdtempSync(join(tmpdir(), 'prune-cli-'));

/** Runs the command with stdout and stderr captured. */
async function capture(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
  vi.spyOn(console, 'error').mockImplementation((s: string) => void err.push(s));
  const code = await main([...argv, '--backend', 'cpu', '--quiet']);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

afterEach(() => vi.restoreAllMocks());

describe('quant-lab prune', () => {
  it('parses its flags', () => {
    const r = parseCommand(PRUNE_SPEC, [
      '--from=a.json',
      '--sparsity',
      '0.5',
      '--method',
      'magnitude',
      '--finetune-steps',
      '10',
      '--probes',
      '3',
      '--batch-size',
      '32',
      '--seed',
      '2',
      '--checkpoint',
      'out.json',
      '--json',
    ]);
    expect(r.ok && Object.fromEntries(r.value.values)).toEqual({
      from: 'a.json',
      sparsity: 0.5,
      method: 'magnitude',
      'finetune-steps': 10,
      probes: 3,
      'batch-size': 32,
      seed: 2,
      checkpoint: 'out.json',
      json: true,
    });
  });

  it('exits 2 on bad input, naming it', async () => {
    const junk = join(dir, 'junk.json');
    writeFileSync(junk, '{"format": "something else"}');
    const cases: [string[], RegExp][] = [
      [['--sparsity', '0.5'], /--from FILE is required/],
      [['--from', junk], /--sparsity S is required/],
      [['--from', junk, '--sparsity', '1.5'], /--sparsity must be between 0 and 1/],
      [['--from', junk, '--sparsity', '0'], /--sparsity must be between 0 and 1/],
      [
        ['--from', junk, '--sparsity', '0.5', '--method', 'random'],
        /--method: expected one of hap\|magnitude/,
      ],
      [['--from', junk, '--sparsity', '0.5', '--probes', '0'], /--probes must be at least 1/],
      [['--from', junk, '--sparsity', '0.5'], /junk\.json: not a checkpoint/],
      [['--from', join(dir, 'missing.json'), '--sparsity', '0.5'], /cannot read/],
    ];
    for (const [argv, message] of cases) {
      const { code, err } = await capture(argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(err, argv.join(' ')).toMatch(message);
    }
  });

  it('prunes a trained checkpoint and reports the narrower model', async () => {
    const ckpt = join(dir, 'mlp.ckpt.json');
    writeCheckpointFile(ckpt, await trained.trainer().checkpoint());
    const { code, out } = await capture([
      '--from',
      ckpt,
      '--sparsity',
      '0.5',
      '--probes',
      '4',
      '--batch-size',
      '32',
      '--finetune-steps',
      '10',
      '--json',
    ]);
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r.method).toBe('hap');
    expect(r.hvpCalls).toBe(4);
    expect(r.layers.map((l: { name: string }) => l.name)).toEqual(['fc1', 'fc2']);
    const pruned = r.layers.reduce((s: number, l: { pruned: number[] }) => s + l.pruned.length, 0);
    expect(pruned).toBe(14);
    for (const l of r.layers) expect(l.kept + l.pruned.length).toBe(l.channels);
    const [k1, k2] = r.layers.map((l: { kept: number }) => l.kept);
    expect(r.before.macs).toBe(784 * 16 + 16 * 12 + 12 * 10);
    expect(r.afterFinetune.macs).toBe(784 * k1 + k1 * k2 + k2 * 10);
    expect(r.afterFinetune.params).toBe(r.afterFinetune.macs + k1 + k2 + 10);
    for (const key of ['before', 'afterPrune', 'afterFinetune'])
      expect(r[key].testAccuracy).toBeGreaterThan(0.1);
  }, 120_000);
});
