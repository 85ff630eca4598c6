/**
 * The PTQ ladder (docs/ptq.md §9): the white paper's advice "PTQ first, QAT where that is not
 * enough" as a table: a column per bitwidth, a row per rung, each rung adding one pass to the one
 * above. Cells are produced one at a time so a host can show them as they finish.
 */
import type { MnistData } from '../data/mnist';
import type { Experiment } from '../experiment/schema';
import type { QuantModel } from '../models/build';
import type { PtqModel, PtqOptions } from './pipeline';
import { qatFromPtq, stepsToPass, type QatCurvePoint, type QatOptions } from './qat';
import { runPtq, type CalibrationSource, type PtqRunOptions, type PtqSection } from './run';

export interface LadderRung {
  id: string;
  label: string;
  options: Partial<PtqOptions>;
}

/** The rungs, each the previous one plus a pass. Ids are public (result files, the app's link). */
export const LADDER_RUNGS: readonly LadderRung[] = [
  { id: 'nearest', label: 'nearest', options: {} },
  { id: 'cle', label: '+ CLE', options: { cle: true } },
  { id: 'bias', label: '+ bias correction', options: { cle: true, biasCorrection: 'empirical' } },
  {
    id: 'adaround',
    label: '+ AdaRound',
    options: { cle: true, biasCorrection: 'empirical', rounding: 'adaround' },
  },
];

export interface LadderColumn {
  weightBits: number;
  actBits: number;
  /** Calibration images of this column, when not the ladder's own (distilled beside real data). */
  calibData?: CalibrationSource;
}

export const LADDER_COLUMNS: readonly LadderColumn[] = [
  { weightBits: 8, actBits: 8 },
  { weightBits: 4, actBits: 8 },
  { weightBits: 3, actBits: 8 },
];

export interface LadderCell {
  /** A rung id, or `qat` for the fine-tuning row. */
  rung: string;
  column: LadderColumn;
  testAccuracy: number;
  floatTestAccuracy: number;
  ptq: PtqSection;
  /** The `qat` row: accuracy along the fine-tuning from the last rung, and when it passed the best rung. */
  qat?: { curve: QatCurvePoint[]; bestRung: string; bestAccuracy: number; stepsToPassBest: number | null };
}

/** `exp` with the column's bits (per-layer overrides and first/last-8 as `exp` says). */
export function columnExperiment(exp: Experiment, column: LadderColumn): Experiment {
  return {
    ...exp,
    quant: {
      ...exp.quant,
      weight: { ...exp.quant.weight, bits: column.weightBits },
      act: { ...exp.quant.act, bits: column.actBits },
    },
  };
}

/**
 * Every cell of the ladder, column by column, rung by rung; with `qat`, after each column's rungs a
 * `qat` cell: the last rung fine-tuned with QAT, and the step at which it passed the column's best rung.
 */
export async function* runLadder(
  trained: QuantModel,
  exp: Experiment,
  data: MnistData,
  options: Partial<PtqRunOptions> = {},
  columns: readonly LadderColumn[] = LADDER_COLUMNS,
  rungs: readonly LadderRung[] = LADDER_RUNGS,
  qat?: QatOptions,
): AsyncGenerator<LadderCell> {
  for (const column of columns) {
    const colExp = columnExperiment(exp, column);
    const cells: LadderCell[] = [];
    let curve: QatCurvePoint[] | undefined;
    for (const [k, rung] of rungs.entries()) {
      const fineTune = qat && k === rungs.length - 1;
      const onModel = fineTune
        ? async (m: PtqModel, acc: number) => {
            curve = await qatFromPtq(m, colExp, data, acc, qat);
          }
        : options.onModel;
      const calib = column.calibData && { calibData: column.calibData };
      const result = await runPtq(trained, colExp, data, { ...options, ...calib, ...rung.options, onModel });
      const cell: LadderCell = {
        rung: rung.id,
        column,
        testAccuracy: result.testAccuracy,
        floatTestAccuracy: result.ptq.floatTestAccuracy,
        ptq: result.ptq,
      };
      cells.push(cell);
      yield cell;
    }
    if (curve && cells.length > 0) {
      const best = cells.reduce((a, b) => (b.testAccuracy > a.testAccuracy ? b : a));
      yield {
        ...cells.at(-1)!,
        rung: 'qat',
        testAccuracy: curve.at(-1)!.testAccuracy,
        qat: {
          curve,
          bestRung: best.rung,
          bestAccuracy: best.testAccuracy,
          stepsToPassBest: stepsToPass(curve, best.testAccuracy),
        },
      };
    }
  }
}
