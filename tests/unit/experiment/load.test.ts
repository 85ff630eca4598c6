/**
 * One loader for every way in: the runner's `run` and `cost`, links, files and stored runs take the
 * same experiment files, older versions migrated, newer ones refused with the same message.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COST_SPEC } from '../../../src/cli/cost';
import { parseArgs } from '../../../src/cli/flags';
import { experimentFromArgs, resolveExperiment } from '../../../src/cli/run';
import { parseRunFile } from '../../../src/experiment/export';
import { loadExperiment, loadExperimentText } from '../../../src/experiment/load';
import { SCHEMA_VERSION } from '../../../src/experiment/schema';

const V0 = { version: 0, bits: 3, arch: 'mlp', hidden: [64], lr: 0.002, steps: 50, seed: 7 };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ql-load-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('loading an experiment', () => {
  it('migrates a version-0 file the same way for run, cost, file import and the loader', async () => {
    const file = join(dir, 'v0.json');
    await writeFile(file, JSON.stringify(V0));
    const direct = loadExperiment(V0);
    expect(direct.ok).toBe(true);
    if (!direct.ok) return;
    expect(direct.value.quant.weight.bits).toBe(3);
    expect(direct.value.seed).toBe(7);
    expect(direct.warnings.join(' ')).toMatch(/older version \(v0\)/);

    const args = parseArgs([file, '--steps', '20']);
    expect(args.ok).toBe(true);
    const viaRun = args.ok && resolveExperiment(args.value, V0);
    const costArgs = parseArgs([file, '--steps', '20'], COST_SPEC);
    const viaCost = costArgs.ok ? experimentFromArgs(costArgs.value) : costArgs;
    const viaImport = parseRunFile(V0);
    expect(viaRun && viaRun.ok && viaRun.value).toEqual({
      ...direct.value,
      train: { ...direct.value.train, steps: 20 },
    });
    expect(viaCost.ok && viaCost.value).toEqual(viaRun && viaRun.ok && viaRun.value);
    expect(viaImport.ok && viaImport.value.kind === 'experiment' && viaImport.value.experiment).toEqual(
      direct.value,
    );
  });

  it('refuses a newer version, naming it, on every path', async () => {
    const newer = { version: SCHEMA_VERSION + 1, seed: 1 };
    const file = join(dir, 'newer.json');
    await writeFile(file, JSON.stringify(newer));
    const direct = loadExperiment(newer);
    expect(!direct.ok && direct.error).toMatch(/newer|unknown/);
    const args = parseArgs([file]);
    const viaRun = args.ok && resolveExperiment(args.value, newer);
    expect(viaRun && !viaRun.ok && viaRun.error).toContain(!direct.ok ? direct.error : '');
    const costArgs = parseArgs([file], COST_SPEC);
    const viaCost = costArgs.ok ? experimentFromArgs(costArgs.value) : costArgs;
    expect(!viaCost.ok && viaCost.error).toContain(!direct.ok ? direct.error : '');
  });

  it('names the field a bad value is in, and bad JSON as such', () => {
    const bad = loadExperiment({ quant: { weight: { bits: 12 } } });
    expect(!bad.ok && bad.error).toMatch(/^quant\.weight\.bits: /);
    const text = loadExperimentText('{"seed": ');
    expect(!text.ok && text.error).toMatch(/^not valid JSON/);
  });

  it('applies overrides after migration, creating sections as needed', () => {
    const r = loadExperiment(V0, { overrides: new Map<string, unknown>([['twin.estimator.name', 'tanh']]) });
    expect(r.ok && r.value.twin?.estimator.name).toBe('tanh');
  });
});
