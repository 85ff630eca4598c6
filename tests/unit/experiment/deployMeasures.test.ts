/**
 * The deploy lessons' claims on hand-made measurements: what they read of each run's deploy
 * summary, that a claim stays provisional until every run is measured, and the app's note.
 */
import { describe, expect, it } from 'vitest';
import { deployNoteOf } from '../../../app/store/claimSelectors';
import { checkClaim, type ClaimRun, type LessonDeployResult } from '../../../src/experiment/claims';
import { getPreset } from '../../../src/experiment/presets';

const summary = (integer: number, fakeQuant: number, agreement: number): LessonDeployResult => ({
  images: 500,
  accuracy: { float: 0.95, fakeQuant, integer, onnx: fakeQuant },
  argmaxAgreement: { integer: agreement, onnx: 1 },
  codesMoved: 0.02,
  codesMovedBiasFrac8: 0.001,
  final: true,
});

function run(deploy?: LessonDeployResult): ClaimRun {
  const preset = getPreset('deploy-integer-cnn')!;
  return {
    experiment: preset.experiment,
    stepsDone: 200,
    testAccuracy: 0.9,
    final: true,
    ...(deploy && { deploy }),
  };
}

describe('deploy claims', () => {
  const claim = getPreset('deploy-integer-cnn')!.claim;

  it('hold within 0.5 points and 99% agreement at both widths', () => {
    const ok = checkClaim(claim, {
      self: run(summary(0.9, 0.902, 0.995)),
      w4: run(summary(0.88, 0.884, 0.99)),
    });
    expect(ok).toMatchObject({ holds: true, final: true });
    expect(ok.measured['acc(integer, W4A8)']).toBe(0.88);
    const far = checkClaim(claim, {
      self: run(summary(0.9, 0.91, 0.995)),
      w4: run(summary(0.88, 0.884, 0.99)),
    });
    expect(far.holds).toBe(false);
    const disagree = checkClaim(claim, {
      self: run(summary(0.9, 0.9, 0.98)),
      w4: run(summary(0.88, 0.88, 1)),
    });
    expect(disagree.holds).toBe(false);
  });

  it('stay unmeasured and provisional until every run carries its deploy summary', () => {
    const partial = checkClaim(claim, { self: run(summary(0.9, 0.9, 1)), w4: run() });
    expect(partial).toMatchObject({ holds: null, final: false });
  });

  it('the app says the measurement runs in the runner', () => {
    expect(deployNoteOf(getPreset('deploy-onnx-cnn')!)).toContain('quant-lab run --preset deploy-onnx-cnn');
  });
});
