/**
 * The PTQ ladder (docs/ptq.md §9): the white paper's advice "PTQ first, QAT where that is not
 * enough" as a table: a column per bitwidth, a row per rung, each rung adding one pass to the one
 * above. Cells are produced one at a time so a host can show them as they finish.
 */
import type { MnistData } from '../data/mnist';
import type { Experiment } from '../experiment/schema';
import type { QuantModel } from '../models/build';
import type { PtqOptions } from './pipeline';
import { runPtq, type PtqRunOptions, type PtqSection } from './run';

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
}

export const LADDER_COLUMNS: readonly LadderColumn[] = [
  { weightBits: 8, actBits: 8 },
  { weightBits: 4, actBits: 8 },
  { weightBits: 3, actBits: 8 },
];

export interface LadderCell {
  rung: string;
  column: LadderColumn;
  testAccuracy: number;
  floatTestAccuracy: number;
  ptq: PtqSection;
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

/** Every cell of the ladder, column by column, rung by rung. */
export async function* runLadder(
  trained: QuantModel,
  exp: Experiment,
  data: MnistData,
  options: Partial<PtqRunOptions> = {},
  columns: readonly LadderColumn[] = LADDER_COLUMNS,
  rungs: readonly LadderRung[] = LADDER_RUNGS,
): AsyncGenerator<LadderCell> {
  for (const column of columns) {
    for (const rung of rungs) {
      const result = await runPtq(trained, columnExperiment(exp, column), data, {
        ...options,
        ...rung.options,
      });
      yield {
        rung: rung.id,
        column,
        testAccuracy: result.testAccuracy,
        floatTestAccuracy: result.ptq.floatTestAccuracy,
        ptq: result.ptq,
      };
    }
  }
}
