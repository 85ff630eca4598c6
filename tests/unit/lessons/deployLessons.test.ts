/**
 * The deploy lessons at seeds 1 (shipped), 2 and 3: each model trained at W8A8 and W4A8 per seed,
 * its integer-only model and its onnxruntime export measured against fake quantization on 500
 * test digits (claim.deploy). The CNN runs are shared by the integer and the onnxruntime lessons.
 * The verdicts are the ones the conditions report (the DS-CNN claim fails at seeds 2 and 3, where
 * the int32 bias bites), so a change that moves a finding is noticed and its text updated.
 */
import { describe, expect, it } from 'vitest';
import { presetsInGroup } from '../../../src/experiment/presets';
import { checkLessons, seedTable } from './seeds';

const SEEDS = [1, 2, 3];

/** Whether each claim held at seeds 1, 2, 3, as measured and written in its condition. */
const FINDINGS: Record<string, boolean[]> = {
  'deploy-integer-mlp': [true, true, true],
  'deploy-integer-cnn': [true, true, true],
  // The int32 bias bites: 0.6 pt off at seed 2, 98.8% agreement at seed 3 (both at W4A8).
  'deploy-integer-dscnn': [true, false, false],
  'deploy-onnx-cnn': [true, true, true],
};

describe('lessons: deploy', () => {
  const presets = presetsInGroup('deploy');

  it('every deploy lesson has a recorded finding', () => {
    expect(Object.keys(FINDINGS).sort()).toEqual(presets.map((p) => p.id).sort());
  });

  it(
    'each claim is measured to the end at every seed, with the recorded verdicts',
    { timeout: 1_800_000 },
    async () => {
      const outcomes = await checkLessons(presets, SEEDS);
      console.log(
        `deploy lesson claims at seeds ${SEEDS.join(', ')} (1 shipped):\n${seedTable(outcomes, () => 1)}`,
      );
      for (const o of outcomes) {
        const at = `${o.id} at seed ${o.seed}: ${JSON.stringify(o.claim.measured)}`;
        expect(o.claim.final, at).toBe(true);
        expect(o.claim.holds, at).toBe(FINDINGS[o.id]![SEEDS.indexOf(o.seed)]);
      }
    },
  );
});
