/**
 * The pruning lesson at seeds 1 (shipped), 2 and 3: the float MLP trained per seed, then pruned
 * at 50% by HAP and by magnitude and fine-tuned (claim.prune). The claim is measured to the end at
 * every seed; the verdict at each seed is logged with the numbers, and the shipped seed's is the
 * one its condition reports (HAP 91.3% against magnitude 89.5% after fine-tuning).
 */
import { describe, expect, it } from 'vitest';
import { presetsInGroup } from '../../../src/experiment/presets';
import { checkLessons, seedTable } from './seeds';

const SEEDS = [1, 2, 3];

describe('lessons: pruning', () => {
  const presets = presetsInGroup('curvature').filter((p) => p.claim.prune);

  it('the pruning lesson is in the curvature group', () => {
    expect(presets.map((p) => p.id)).toContain('prune-hap-mlp');
  });

  it(
    'the claim is measured to the end at every seed; the shipped seed holds',
    { timeout: 1_800_000 },
    async () => {
      const outcomes = await checkLessons(presets, SEEDS);
      console.log(
        `pruning lesson claims at seeds ${SEEDS.join(', ')} (1 shipped):\n${seedTable(outcomes, () => 1)}`,
      );
      for (const o of outcomes) {
        const at = `${o.id} at seed ${o.seed}: ${JSON.stringify(o.claim.measured)}`;
        expect(o.claim.final, at).toBe(true);
        expect(o.claim.holds, at).not.toBeNull();
        if (o.seed === 1) expect(o.claim.holds, at).toBe(true);
      }
    },
  );
});
