import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RANGE_ESTIMATORS } from '../../../src/experiment/schema';
import {
  PRESETS,
  PRESET_NAMES,
  formatPresetName,
  parsePresetName,
  resolvePreset,
} from '../../../src/quant/presets';

describe('quantizer presets', () => {
  it('resolve to these configs (golden snapshot)', () => {
    const resolved = Object.fromEntries(PRESET_NAMES.map((n) => [n, resolvePreset(n)]));
    expect(resolved).toMatchSnapshot();
  });

  it('every curated name parses and formats back to itself', () => {
    for (const name of PRESET_NAMES) {
      expect(PRESETS[name]).not.toBeNull();
      const { role, config } = resolvePreset(name);
      expect(formatPresetName(role, config)).toBe(name);
    }
  });

  it('any name of the grammar round-trips', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }),
        fc.constantFrom('weight', 'act'),
        fc.boolean(),
        fc.constantFrom(...RANGE_ESTIMATORS),
        fc.constantFrom('', '-sym', '-asym'),
        (bits, role, perChannel, range, sym) => {
          const name = `int${bits}-${role}-${perChannel ? 'per-channel' : 'per-tensor'}-${range}${sym}`;
          const r = resolvePreset(name);
          const canonical = parsePresetName(formatPresetName(r.role, r.config));
          return (
            canonical !== null &&
            resolvePreset(formatPresetName(r.role, r.config)).config.symmetric === r.config.symmetric
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it('rejects names outside the grammar', () => {
    for (const bad of [
      'int9-weight-per-tensor-minmax',
      'int4-weights-per-tensor-minmax',
      'int4-weight-per-tensor-foo',
      'float',
    ]) {
      expect(parsePresetName(bad), bad).toBeNull();
    }
    expect(() => resolvePreset('nope')).toThrow(/unknown quantizer preset/);
  });
});
