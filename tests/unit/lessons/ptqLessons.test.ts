/**
 * The post-training lessons at seeds 1 (shipped), 2 and 3: one float depthwise CNN trained per seed,
 * each lesson's ladder run on it (./seeds.ts). Two of the claims do not hold at every seed at this
 * scale, a finding their conditions state with the numbers; this test checks that every claim is
 * measured to the end and that the verdicts are the ones the conditions and docs/ptq.md report, so
 * a change that moves a finding is noticed and its text updated.
 */
import { describe, expect, it } from 'vitest';
import { presetsInGroup } from '../../../src/experiment/presets';
import { checkLessons, seedTable } from './seeds';

const SEEDS = [1, 2, 3];

/** Whether each claim held at seeds 1, 2, 3, as measured and written in its condition. */
const FINDINGS: Record<string, boolean[]> = {
  'ptq-cle-dscnn': [true, false, false],
  'ptq-adaround-dscnn': [false, true, true],
  'ptq-bias-correction-dscnn': [true, true, true],
  'ptq-distilled-dscnn': [true, true, true],
  'ptq-vs-qat-dscnn': [true, true, true],
};

describe('lessons: ptq', () => {
  const presets = presetsInGroup('ptq');

  it('every post-training lesson has a recorded finding', () => {
    expect(Object.keys(FINDINGS).sort()).toEqual(presets.map((p) => p.id).sort());
  });

  it(
    'each claim is measured to the end at every seed, with the recorded verdicts',
    { timeout: 1_800_000 },
    async () => {
      const outcomes = await checkLessons(presets, SEEDS);
      console.log(
        `post-training lesson claims at seeds ${SEEDS.join(', ')} (1 shipped):\n${seedTable(outcomes, () => 1)}`,
      );
      for (const o of outcomes) {
        const at = `${o.id} at seed ${o.seed}: ${JSON.stringify(o.claim.measured)}`;
        expect(o.claim.final, at).toBe(true);
        expect(o.claim.holds, at).toBe(FINDINGS[o.id]![SEEDS.indexOf(o.seed)]);
      }
    },
  );
});
