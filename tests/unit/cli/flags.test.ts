/** `quant-lab run` flags: parsing, overrides, validation messages, generated help, a short real run. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { applyOverrides, FLAGS, parseArgs, type ParsedArgs } from '../../../src/cli/flags';
import { HELP, main, resolveExperiment } from '../../../src/cli/run';

function parsed(argv: string[]): ParsedArgs {
  const result = parseArgs(argv);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

describe('parseArgs', () => {
  it('reads the public contract flags into experiment fields', () => {
    const args = parsed([
      'exp.json',
      '--model',
      'cnn',
      '--weight-bits',
      '4',
      '--act-bits=32',
      '--estimator',
      'tanh',
      '--optimizer',
      'sgd',
      '--lr',
      '0.05',
      '--steps',
      '100',
      '--batch-size',
      '64',
      '--seed',
      '3',
      '--out',
      'r.json',
      '--save-weights',
    ]);
    expect(args.file).toBe('exp.json');
    expect(Object.fromEntries(args.overrides)).toEqual({
      'model.arch': 'cnn',
      'quant.weight.bits': 4,
      'quant.act.bits': 32,
      'estimator.name': 'tanh',
      'train.optimizer': 'sgd',
      'train.lr': 0.05,
      'train.steps': 100,
      'train.batchSize': 64,
      seed: 3,
    });
    expect(args.options).toEqual({ out: 'r.json', saveWeights: true, backend: 'wasm', quiet: false });
  });

  it('handles booleans, negation, lists and the issue-4 flags', () => {
    const args = parsed([
      '--quantnorm',
      '--no-bn-reestimate',
      '--hidden',
      '64,32',
      '--twin',
      'cosine',
      '--twin-map',
      '--dampening',
      '0.1',
      '--freeze-threshold',
      '0.02',
      '--osc-momentum',
      '0.005',
      '--estimator-param',
      '0.5',
    ]);
    expect(Object.fromEntries(args.overrides)).toEqual({
      'quant.quantNorm': true,
      'bn.reestimate': false,
      'model.hidden': [64, 32],
      'twin.estimator.name': 'cosine',
      'twin.map': true,
      'oscillation.dampening': 0.1,
      'oscillation.freezeThreshold': 0.02,
      'oscillation.momentum': 0.005,
      'estimator.param': 0.5,
    });
  });

  it('rejects unknown flags, missing and malformed values, naming the flag and field', () => {
    const error = (argv: string[]) => {
      const r = parseArgs(argv);
      return r.ok ? '' : r.error;
    };
    expect(error(['--wieght-bits', '4'])).toMatch(/unknown flag '--wieght-bits'/);
    expect(error(['--steps'])).toMatch(/--steps needs a value/);
    expect(error(['--steps', '1.5'])).toMatch(/--steps \(train.steps\): expected an integer/);
    expect(error(['--lr', 'fast'])).toMatch(/--lr \(train.lr\): expected a number/);
    expect(error(['--model', 'resnet'])).toMatch(/--model \(model.arch\): expected one of mlp\|cnn\|dscnn/);
    expect(error(['--quantnorm=yes'])).toMatch(/takes no value/);
    expect(error(['a.json', 'b.json'])).toMatch(/only one experiment file/);
  });
});

describe('resolveExperiment', () => {
  it('lets flags override the file and fills defaults', () => {
    const args = parsed(['--weight-bits', '2']);
    const result = resolveExperiment(args, { quant: { weight: { bits: 8 }, act: { bits: 8 } } });
    expect(result.ok && result.value.quant.weight.bits).toBe(2);
    expect(result.ok && result.value.quant.act.bits).toBe(8);
    expect(result.ok && result.value.train.steps).toBe(1000);
  });

  it('names the bad field, and the flag or file that set it', () => {
    const fromFlag = resolveExperiment(parsed(['--weight-bits', '9']), {});
    expect(!fromFlag.ok && fromFlag.error).toMatch(/^--weight-bits \(quant.weight.bits\): bits must be 2–8/);
    const fromFile = resolveExperiment(parsed(['exp.json']), { train: { lr: -1 } });
    expect(!fromFile.ok && fromFile.error).toMatch(/^exp.json: train.lr: /);
    const twinMap = resolveExperiment(parsed(['--twin-map']), {});
    expect(!twinMap.ok && twinMap.error).toMatch(/twin.estimator: .*\(set with --twin\)/);
  });

  it('applyOverrides does not mutate the file input', () => {
    const file = { train: { lr: 1 } };
    expect(applyOverrides(file, new Map([['train.lr', 2]]))).toEqual({ train: { lr: 2 } });
    expect(file.train.lr).toBe(1);
  });
});

describe('quant-lab run', () => {
  it('documents every flag of the table in --help', () => {
    for (const flag of FLAGS) expect(HELP).toContain(`--${flag.name}`);
  });

  it('exits 2 on a bad experiment file, naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ql-cli-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ model: { arch: 'vgg' } }));
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await main([file])).toBe(2);
    expect(errors.mock.calls.flat().join('\n')).toMatch(/model.arch/);
    errors.mockRestore();
  });

  it('runs a short experiment and writes the result JSON', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ql-cli-')), 'result.json');
    const code = await main([
      '--backend',
      'cpu',
      '--hidden',
      '16',
      '--steps',
      '4',
      '--batch-size',
      '8',
      '--test-size',
      '64',
      '--eval-every',
      '2',
      '--quiet',
      '--save-weights',
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    const result = JSON.parse(readFileSync(out, 'utf8'));
    expect(result.status).toBe('completed');
    expect(result.backend).toBe('cpu');
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(result.testAccuracy).toBeLessThanOrEqual(1);
    expect(result.history.map((p: { step: number }) => p.step)).toEqual([2, 4]);
    expect(result.experiment.model.hidden).toEqual([16]);
    expect(result.weights.fc1.shape).toEqual([784, 16]);
  });
});
