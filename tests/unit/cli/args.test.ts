/**
 * The runner's one argument layer: every command parses with Node's parser from its declared flags,
 * an unknown or malformed flag exits 2 with that command's help, --help is generated from the same
 * declarations, and the README's flag table lists every flag of run.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commandHelp, flagsOf, parseCommand, type CommandSpec } from '../../../src/cli/args';
import { COST_SPEC, main as costMain } from '../../../src/cli/cost';
import { FLAGS } from '../../../src/cli/flags';
import { HESSIAN_SPEC, main as hessianMain } from '../../../src/cli/hessian';
import { main as cliMain } from '../../../src/cli/main';
import { EXPORT_SPEC, main as exportMain } from '../../../src/cli/export';
import { INFER_SPEC, main as inferMain } from '../../../src/cli/infer';
import { MERGE_SPEC, main as mergeMain } from '../../../src/cli/merge';
import { MIXED_SPEC, main as mixedMain } from '../../../src/cli/mixed';
import { main as parityMain, PARITY_SPEC } from '../../../src/cli/parity';
import { PRUNE_SPEC, main as pruneMain } from '../../../src/cli/prune';
import { PRESETS_SPEC, main as presetsMain } from '../../../src/cli/presets';
import { PTQ_SPEC, main as ptqMain } from '../../../src/cli/ptq';
import { main as runMain, RUN_SPEC } from '../../../src/cli/run';
import { main as sweepMain, SWEEP_SPEC } from '../../../src/cli/sweep';

const COMMANDS: [CommandSpec, (argv: string[]) => Promise<number>][] = [
  [RUN_SPEC, runMain],
  [COST_SPEC, costMain],
  [SWEEP_SPEC, sweepMain],
  [MERGE_SPEC, mergeMain],
  [PRESETS_SPEC, presetsMain],
  [PTQ_SPEC, ptqMain],
  [HESSIAN_SPEC, hessianMain],
  [MIXED_SPEC, mixedMain],
  [INFER_SPEC, inferMain],
  [EXPORT_SPEC, exportMain],
  [PRUNE_SPEC, pruneMain],
  [PARITY_SPEC, parityMain],
];

/** Runs `main` with stderr captured. */
async function capture(main: (argv: string[]) => Promise<number>, argv: string[]) {
  const lines: string[] = [];
  const spy = vi
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  const code = await main(argv);
  spy.mockRestore();
  return { code, err: lines.join('\n') };
}

afterEach(() => vi.restoreAllMocks());

describe('the argument layer', () => {
  it.each(COMMANDS.map(([spec, main]) => [spec.name, spec, main] as const))(
    'quant-lab %s --bogus exits 2 with that command’s help',
    async (_name, spec, main) => {
      const { code, err } = await capture(main, ['--bogus']);
      expect(code).toBe(2);
      expect(err).toContain(`quant-lab ${spec.name}: unknown flag '--bogus'`);
      expect(err).toContain(commandHelp(spec));
    },
  );

  it('a missing value, a value given to a boolean, a bad number and a stray argument are usage errors', async () => {
    expect((await capture(runMain, ['--steps'])).err).toMatch(/--steps needs a value/);
    expect((await capture(runMain, ['--per-channel=yes'])).err).toMatch(/--per-channel takes no value/);
    expect((await capture(runMain, ['--lr', 'fast'])).err).toMatch(
      /--lr \(train\.lr\): expected a number, got 'fast'/,
    );
    expect((await capture(runMain, ['a.json', 'b.json'])).err).toMatch(/unexpected argument 'b\.json'/);
    expect((await capture(presetsMain, ['x'])).code).toBe(2);
    expect((await capture(costMain, ['--float-bits', '99'])).code).toBe(2);
  });

  it('booleans take --x and --no-x; values take --x v and --x=v', () => {
    const r = parseCommand(RUN_SPEC, ['--no-bn-reestimate', '--quantnorm', '--lr=0.1', '--steps', '5']);
    expect(r.ok && Object.fromEntries(r.value.values)).toEqual({
      'bn-reestimate': false,
      quantnorm: true,
      lr: 0.1,
      steps: 5,
    });
  });

  it('declares each flag once per command, and --help lists every declared flag', () => {
    for (const [spec] of COMMANDS) {
      const names = flagsOf(spec).map((f) => f.name);
      expect(new Set(names).size, spec.name).toBe(names.length);
      const help = commandHelp(spec);
      for (const name of names) expect(help, `${spec.name} --${name}`).toContain(`--${name}`);
    }
  });

  it('the README lists every flag of run, ptq, hessian, mixed, prune, infer and export, and every command', () => {
    const readme = readFileSync('README.md', 'utf8');
    const specs = [PTQ_SPEC, HESSIAN_SPEC, MIXED_SPEC, PRUNE_SPEC, INFER_SPEC, EXPORT_SPEC];
    for (const flag of [...FLAGS, ...specs.flatMap(flagsOf)])
      expect(readme, `--${flag.name}`).toContain(`\`--${flag.name}`);
    for (const [spec] of COMMANDS) expect(readme).toContain(`quant-lab ${spec.name}`);
  });

  it('the dispatcher exits 2 on an unknown command and prints a command’s help for --help', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect((await capture(cliMain, ['bogus'])).code).toBe(2);
    expect(await cliMain(['presets', '--help'])).toBe(0);
    expect(log.mock.calls.flat().join('\n')).toContain(commandHelp(PRESETS_SPEC));
  });
});
