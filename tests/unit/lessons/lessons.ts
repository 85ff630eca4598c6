/**
 * The body of the lesson tests: each lesson's claim holds at its shipped seed, and at most of the
 * other seeds (a claim that holds at one seed only is cherry-picked). The per-seed table is printed
 * so a run of the tests reports how often each claim held. Split into two files by group so the
 * two test workers share the training.
 */
import { describe, expect, it } from 'vitest';
import { type PresetGroup, presetsInGroup } from '../../../src/experiment/presets';
import { checkLessons, seedTable, type SeedOutcome } from './seeds';

/** Seeds besides the shipped one. */
export const OTHER_SEEDS = [2, 3, 4];

export function describeLessons(groups: PresetGroup[]): void {
  const presets = groups.flatMap(presetsInGroup);
  describe(`lessons: ${groups.join(', ')}`, () => {
    let outcomes: SeedOutcome[] = [];
    it('each claim holds at its shipped seed, with every run finished', { timeout: 1_800_000 }, async () => {
      const shipped = presets.map((p) => p.experiment.seed);
      expect(new Set(shipped)).toEqual(new Set([1]));
      outcomes = await checkLessons(presets, [1, ...OTHER_SEEDS]);
      console.log(
        `lesson claims at seeds 1 (shipped), ${OTHER_SEEDS.join(', ')}:\n${seedTable(outcomes, () => 1)}`,
      );
      for (const p of presets) {
        const at = outcomes.find((o) => o.id === p.id && o.seed === 1)!;
        expect(at.claim.final, p.id).toBe(true);
        expect(at.claim.holds, `${p.id}: ${JSON.stringify(at.claim.measured)}`).toBe(true);
      }
    });
    it('each claim holds at most other seeds too', () => {
      for (const p of presets) {
        const held = outcomes.filter((o) => o.id === p.id && o.seed !== 1 && o.claim.holds).length;
        expect(held, `${p.id} held at ${held}/${OTHER_SEEDS.length} other seeds`).toBeGreaterThanOrEqual(
          Math.ceil(OTHER_SEEDS.length / 2),
        );
      }
    });
  });
}
