/** What post-training claims read of a lesson run's ladder cells: hand-built cells, checked claims. */
import { describe, expect, it } from 'vitest';
import { checkClaim, type ClaimRun, type LadderCellResult } from '../../../src/experiment/claims';
import {
  bestPtqAcc,
  floatAcc,
  ladderAcc,
  ladderCell,
  meanShift,
  qatPass,
  shiftShrunk,
} from '../../../src/experiment/ladderMeasures';
import { getPreset } from '../../../src/experiment/presets';
import { DEFAULT_EXPERIMENT } from '../../../src/experiment/schema';

const cell = (
  rung: string,
  weightBits: number,
  testAccuracy: number,
  more: Partial<LadderCellResult> = {},
) => ({
  rung,
  weightBits,
  actBits: 8,
  calibData: 'train' as const,
  testAccuracy,
  floatTestAccuracy: 0.9,
  layers: [
    { name: 'a', meanShiftBefore: 0.2, meanShiftAfter: 0.1 },
    { name: 'b', meanShiftBefore: 0.4, meanShiftAfter: 0.5 },
  ],
  ...more,
});

const runWith = (cells: LadderCellResult[], final = true): ClaimRun => ({
  experiment: DEFAULT_EXPERIMENT,
  stepsDone: 400,
  testAccuracy: 0.9,
  final: true,
  ladder: { cells, final },
});

describe('ladder measures', () => {
  it('read a cell by rung, bits and calibration source; NaN before it finished', () => {
    const run = runWith([cell('nearest', 8, 0.88), cell('nearest', 8, 0.86, { calibData: 'distilled' })]);
    expect(ladderAcc(run, 'nearest', 8)).toBe(0.88);
    expect(ladderAcc(run, 'nearest', 8, 'distilled')).toBe(0.86);
    expect(ladderAcc(run, 'cle', 8)).toBeNaN();
    expect(ladderCell(run, 'nearest', 4)).toBeUndefined();
    expect(floatAcc(run)).toBe(0.9);
    expect(floatAcc(runWith([]))).toBeNaN();
    expect(ladderAcc({ ...run, ladder: undefined }, 'nearest', 8)).toBeNaN();
  });

  it('average the mean output shift over layers and count the layers it shrank in', () => {
    const run = runWith([cell('bias', 4, 0.8)]);
    expect(meanShift(run, 'bias', 4, 'before')).toBeCloseTo(0.3);
    expect(meanShift(run, 'bias', 4, 'after')).toBeCloseTo(0.3);
    expect(shiftShrunk(run, 'bias', 4)).toBe(0.5);
    expect(shiftShrunk(run, 'bias', 3)).toBeNaN();
  });

  it('say whether QAT passed the best rung, and when; the fine-tuning length when it did not', () => {
    const qat = (stepsToPassBest: number | null) =>
      runWith([cell('qat', 3, 0.84, { qat: { bestRung: 'adaround', bestAccuracy: 0.83, stepsToPassBest } })]);
    expect(qatPass(qat(40), 3, 200)).toEqual({ passed: 1, steps: 40 });
    expect(qatPass(qat(null), 3, 200)).toEqual({ passed: 0, steps: 200 });
    expect(qatPass(runWith([]), 3, 200)).toEqual({ passed: NaN, steps: NaN });
    expect(bestPtqAcc(qat(40), 3)).toBe(0.83);
  });

  it('a ladder claim is final only once its ladder is, and not measurable before its cells', () => {
    const preset = getPreset('ptq-distilled-dscnn')!;
    const cells = [cell('nearest', 8, 0.88), cell('nearest', 8, 0.875, { calibData: 'distilled' })];
    const measuring = checkClaim(preset.claim, { self: runWith(cells.slice(0, 1), false) });
    expect(measuring).toMatchObject({ holds: null, final: false });
    const done = checkClaim(preset.claim, { self: runWith(cells) });
    expect(done).toMatchObject({ holds: true, final: true });
    expect(done.measured).toEqual({ float: 0.9, 'acc(real)': 0.88, 'acc(distilled)': 0.875 });
    const noLadder = checkClaim(preset.claim, { self: { ...runWith(cells), ladder: undefined } });
    expect(noLadder).toMatchObject({ holds: null, final: false });
  });
});
