import { describe, expect, it } from 'vitest';
import {
  detectExperimentVersion,
  type ExperimentV0,
  migrateExperiment,
} from '../../../src/experiment/migrate';
import { DEFAULT_EXPERIMENT, parseExperiment, SCHEMA_VERSION } from '../../../src/experiment/schema';

function migrateAndParse(raw: unknown, from: number) {
  const m = migrateExperiment(raw, from);
  if (!m.ok) throw new Error(m.error);
  return { parsed: parseExperiment(m.value), warnings: m.warnings };
}

describe('detectExperimentVersion', () => {
  it('reads the version field, spots flat v0 objects, and defaults to current', () => {
    expect(detectExperimentVersion({ version: 1 })).toBe(1);
    expect(detectExperimentVersion({ version: 0, bits: 4 })).toBe(0);
    expect(detectExperimentVersion({ bits: 4 })).toBe(0);
    expect(detectExperimentVersion({ estimator: 'ste' })).toBe(0);
    expect(detectExperimentVersion({ estimator: { name: 'ste' } })).toBe(SCHEMA_VERSION);
    expect(detectExperimentVersion({})).toBe(SCHEMA_VERSION);
    expect(detectExperimentVersion('x')).toBe(SCHEMA_VERSION);
  });
});

describe('migrateExperiment v0 → v1', () => {
  it('maps every v0 field to its v1 path', () => {
    const v0: ExperimentV0 = {
      bits: 3,
      actBits: 8,
      estimator: 'clippedSte',
      lr: 0.05,
      optimizer: 'sgd',
      steps: 200,
      batchSize: 32,
      seed: 9,
      arch: 'dscnn',
      hidden: [64],
    };
    const { parsed, warnings } = migrateAndParse(v0, 0);
    expect(parsed.ok && parsed.value).toEqual({
      ...DEFAULT_EXPERIMENT,
      seed: 9,
      model: { ...DEFAULT_EXPERIMENT.model, arch: 'dscnn', hidden: [64] },
      quant: {
        ...DEFAULT_EXPERIMENT.quant,
        weight: { ...DEFAULT_EXPERIMENT.quant.weight, bits: 3 },
        act: { ...DEFAULT_EXPERIMENT.quant.act, bits: 8 },
      },
      estimator: { ...DEFAULT_EXPERIMENT.estimator, name: 'clipped-ste' },
      train: { ...DEFAULT_EXPERIMENT.train, lr: 0.05, optimizer: 'sgd', steps: 200, batchSize: 32 },
    });
    expect(warnings).toEqual(['upgraded from an older version (v0) of Quant Lab']);
  });

  it('warns about unknown old settings and leaves validation to the schema', () => {
    const { parsed, warnings } = migrateAndParse({ bits: 12, colour: 'red' }, 0);
    expect(warnings[1]).toBe('ignored old setting "colour"');
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(/^quant\.weight\.bits: .*; quant\.act\.bits: /);
  });

  it('does not touch values that cannot be migrated', () => {
    const { parsed } = migrateAndParse({ estimator: 42 }, 0);
    expect(!parsed.ok && parsed.error).toMatch(/^estimator\.name: /);
  });

  it('returns current-version input unchanged', () => {
    const m = migrateExperiment(DEFAULT_EXPERIMENT, SCHEMA_VERSION);
    expect(m).toEqual({ ok: true, value: DEFAULT_EXPERIMENT, fromVersion: SCHEMA_VERSION, warnings: [] });
  });

  it('refuses newer, unknown and non-object input with a message', () => {
    expect(migrateExperiment({}, SCHEMA_VERSION + 2)).toEqual({
      ok: false,
      error: expect.stringMatching(/newer version \(v3\)/),
    });
    expect(migrateExperiment({}, -1)).toEqual({
      ok: false,
      error: expect.stringMatching(/unknown experiment version/),
    });
    expect(migrateExperiment({}, 0.5)).toEqual({
      ok: false,
      error: expect.stringMatching(/unknown experiment version/),
    });
    expect(migrateExperiment([1], 0)).toEqual({ ok: false, error: 'experiment must be a JSON object' });
  });
});
