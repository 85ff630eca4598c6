/**
 * The curvature lessons (src/experiment/curvaturePresets.ts): the traces and allocation lessons at
 * seeds 1 (shipped), 2 and 3, the two AdaHessian lessons at the shipped seed only (each AdaHessian
 * step is a Hessian-vector product: the other seeds were measured with the runner and are in their
 * conditions and docs/adahessian.md). Like the post-training lessons, the test checks that every
 * claim is measured to the end and that the verdicts are the recorded ones, so a change that moves
 * a finding is noticed and its text updated.
 */
import { describe, expect, it } from 'vitest';
import { presetsInGroup } from '../../../src/experiment/presets';
import { CURVATURE_INPUTS } from '../../../src/experiment/curvaturePresets';
import { checkLessons, seedTable } from './seeds';

/** Whether each claim held at seeds 1, 2, 3, as measured and written in its condition. */
const FINDINGS: Record<string, boolean[]> = {
  'curvature-traces-mlp': [true, true, true],
  'curvature-hawq-mlp': [true, false, true],
  'curvature-adahessian-mlp': [true, true, true],
  'curvature-adahessian-cnn': [true, true, false],
};

/** Lessons measured at every seed here; the others at the shipped seed. */
const ALL_SEEDS = new Set(['curvature-traces-mlp', 'curvature-hawq-mlp']);
const SEEDS = [1, 2, 3];

describe('lessons: curvature', () => {
  const mine = new Set(CURVATURE_INPUTS.map((p) => p.id));
  const presets = presetsInGroup('curvature').filter((p) => mine.has(p.id));

  it('every curvature lesson has a recorded finding', () => {
    expect(Object.keys(FINDINGS).sort()).toEqual(presets.map((p) => p.id).sort());
  });

  it('each claim is measured to the end, with the recorded verdicts', { timeout: 1_800_000 }, async () => {
    const outcomes = [
      ...(await checkLessons(
        presets.filter((p) => ALL_SEEDS.has(p.id)),
        SEEDS,
      )),
      ...(await checkLessons(
        presets.filter((p) => !ALL_SEEDS.has(p.id)),
        [1],
      )),
    ];
    console.log(`curvature lesson claims (seed 1 shipped):\n${seedTable(outcomes, () => 1)}`);
    expect(outcomes.length).toBe(ALL_SEEDS.size * SEEDS.length + presets.length - ALL_SEEDS.size);
    for (const o of outcomes) {
      const at = `${o.id} at seed ${o.seed}: ${JSON.stringify(o.claim.measured)}`;
      expect(o.claim.final, at).toBe(true);
      expect(o.claim.holds, at).toBe(FINDINGS[o.id]![SEEDS.indexOf(o.seed)]);
    }
  });
});
