/**
 * What post-training claims measure (docs/ptq.md, "Lessons"): plain functions of a lesson run's
 * ladder cells ({@link ClaimRun.ladder}), NaN while the cell they read has not finished.
 */
import type { CalibrationData, ClaimRun, LadderCellResult } from './claims';

/** The finished cell of `rung` at `weightBits` (A8) calibrated on `calib`, if any. */
export function ladderCell(
  run: ClaimRun,
  rung: string,
  weightBits: number,
  calib: CalibrationData = 'train',
): LadderCellResult | undefined {
  return run.ladder?.cells.find(
    (c) => c.rung === rung && c.weightBits === weightBits && c.calibData === calib,
  );
}

/** Test accuracy (0–1) of a ladder cell. */
export function ladderAcc(run: ClaimRun, rung: string, weightBits: number, calib?: CalibrationData): number {
  return ladderCell(run, rung, weightBits, calib)?.testAccuracy ?? NaN;
}

/** Test accuracy of the float model the ladder quantized (read from its first finished cell). */
export function floatAcc(run: ClaimRun): number {
  return run.ladder?.cells[0]?.floatTestAccuracy ?? NaN;
}

/** Mean over layers of a cell's mean |output shift|, before or after bias correction. */
export function meanShift(run: ClaimRun, rung: string, weightBits: number, when: 'before' | 'after'): number {
  const layers = ladderCell(run, rung, weightBits)?.layers;
  if (!layers?.length) return NaN;
  const key = when === 'before' ? 'meanShiftBefore' : 'meanShiftAfter';
  return layers.reduce((a, l) => a + l[key], 0) / layers.length;
}

/** Share of a cell's layers whose mean |output shift| bias correction made smaller (0–1). */
export function shiftShrunk(run: ClaimRun, rung: string, weightBits: number): number {
  const layers = ladderCell(run, rung, weightBits)?.layers;
  if (!layers?.length) return NaN;
  return layers.filter((l) => l.meanShiftAfter < l.meanShiftBefore).length / layers.length;
}

/**
 * QAT against the best post-training rung of a column: `passed` 1 when fine-tuning passed it
 * (`steps`: the first evaluated step that did), 0 when it did not within its `steps`; NaN before
 * the `qat` cell.
 */
export function qatPass(
  run: ClaimRun,
  weightBits: number,
  qatSteps: number,
): { passed: number; steps: number } {
  const qat = ladderCell(run, 'qat', weightBits)?.qat;
  if (!qat) return { passed: NaN, steps: NaN };
  const steps = qat.stepsToPassBest;
  return steps === null ? { passed: 0, steps: qatSteps } : { passed: 1, steps };
}

/** Accuracy of the best post-training rung of a column (what QAT has to pass). */
export function bestPtqAcc(run: ClaimRun, weightBits: number): number {
  return ladderCell(run, 'qat', weightBits)?.qat?.bestAccuracy ?? NaN;
}
