/**
 * A ladder as a host asks for it (docs/ptq.md §10): plain data that crosses a worker boundary or
 * sits in a link — which columns and rungs, AdaRound's iteration count, the calibration set, the
 * weight granularity and the activation range — and the plain-data summary of each finished cell.
 * The quantizers' other settings (symmetry, signed grid, first/last at 8, per-layer bits) stay the
 * experiment's.
 */
import type { LadderCellResult } from '../experiment/claims';
import type { Experiment } from '../experiment/schema';
import type { QuantModel } from '../models/build';
import type { MnistData } from '../data/mnist';
import { LADDER_RUNGS, runLadder, type LadderCell, type LadderColumn, type LadderRung } from './ladder';
import type { PtqLayerReport } from './pipeline';
import { qatOptions, type QatCurvePoint, type QatOptions } from './qat';
import type { CalibrationSource, PtqRunOptions } from './run';

/** Weight bitwidths a host may offer as columns (activations at 8 bits). */
export const LADDER_WEIGHT_BITS = [8, 4, 3, 2] as const;
/** Activation range estimators that calibrate in one call on the whole set (docs/ptq.md §7). */
export const LADDER_ACT_RANGES = ['minmax', 'percentile', 'mse', 'kl'] as const;
export type LadderActRange = (typeof LADDER_ACT_RANGES)[number];
export const CALIBRATION_SOURCES: readonly CalibrationSource[] = ['train', 'distilled'];

export interface LadderRequest {
  /** Weight bits of each column, activations at 8 (W{bits}A8). */
  weightBits: number[];
  /** Rung ids ({@link LADDER_RUNGS}), shown in table order whatever order they are given in. */
  rungs: string[];
  adaroundIterations: number;
  calibSize: number;
  calibData: CalibrationSource;
  perChannel: boolean;
  actRange: LadderActRange;
  /** Each column again, calibrated on this source (distilled beside real data, docs/ptq.md §6). */
  compareCalibData?: CalibrationSource;
  /** Distillation iterations where a column calibrates on distilled images (default 500). */
  distillIterations?: number;
  /** QAT steps from each column's last rung (the `qat` row, docs/ptq.md §9); 0 leaves the row out. */
  qatSteps: number;
}

/** The lab's defaults: the ladder of docs/ptq.md §9, AdaRound at 1,000 iterations, 256 digits. */
export const LADDER_REQUEST_DEFAULTS: LadderRequest = {
  weightBits: [8, 4, 3],
  rungs: LADDER_RUNGS.map((r) => r.id),
  adaroundIterations: 1000,
  calibSize: 256,
  calibData: 'train',
  perChannel: false,
  actRange: 'minmax',
  qatSteps: 0,
};

/** Bounds a request's numbers may take (the panel's inputs use the same). */
export const LADDER_LIMITS = {
  adaroundIterations: { min: 1, max: 10_000 },
  calibSize: { min: 16, max: 2048 },
  distillIterations: { min: 1, max: 2000 },
  qatSteps: { min: 0, max: 5000 },
} as const;

const clampInt = (v: number, lo: number, hi: number, fallback: number) =>
  Number.isFinite(v) ? Math.min(hi, Math.max(lo, Math.round(v))) : fallback;

/**
 * `input` made valid: known bits and rungs only (in table order, no repeats), numbers clamped to
 * {@link LADDER_LIMITS}, anything unknown replaced by the default. Never throws.
 */
export function normalizeLadderRequest(input: Partial<LadderRequest>): LadderRequest {
  const d = LADDER_REQUEST_DEFAULTS;
  const bits = LADDER_WEIGHT_BITS.filter((b) => (input.weightBits ?? d.weightBits).includes(b));
  const rungs = LADDER_RUNGS.map((r) => r.id).filter((id) => (input.rungs ?? d.rungs).includes(id));
  const { adaroundIterations: it, calibSize: cs, distillIterations: di, qatSteps: qs } = LADDER_LIMITS;
  const compare = input.compareCalibData;
  return {
    weightBits: [...bits],
    rungs,
    adaroundIterations: clampInt(input.adaroundIterations ?? NaN, it.min, it.max, d.adaroundIterations),
    calibSize: clampInt(input.calibSize ?? NaN, cs.min, cs.max, d.calibSize),
    calibData: CALIBRATION_SOURCES.includes(input.calibData!) ? input.calibData! : d.calibData,
    perChannel: input.perChannel ?? d.perChannel,
    actRange: LADDER_ACT_RANGES.includes(input.actRange!) ? input.actRange! : d.actRange,
    ...(compare !== undefined && CALIBRATION_SOURCES.includes(compare) && { compareCalibData: compare }),
    ...(input.distillIterations !== undefined && {
      distillIterations: clampInt(input.distillIterations, di.min, di.max, 500),
    }),
    qatSteps: clampInt(input.qatSteps ?? NaN, qs.min, qs.max, d.qatSteps),
  };
}

/** The request's columns, in its order; with `compareCalibData`, each followed by its twin on that source. */
export function ladderColumns(req: LadderRequest): LadderColumn[] {
  return req.weightBits.flatMap((weightBits) => [
    { weightBits, actBits: 8 },
    ...(req.compareCalibData ? [{ weightBits, actBits: 8, calibData: req.compareCalibData }] : []),
  ]);
}

/** The request's rungs, in table order. */
export function ladderRungs(req: LadderRequest): LadderRung[] {
  return LADDER_RUNGS.filter((r) => req.rungs.includes(r.id));
}

/** `exp` with the request's weight granularity and activation range (bits come per column). */
export function ladderExperiment(exp: Experiment, req: LadderRequest): Experiment {
  return {
    ...exp,
    quant: {
      ...exp.quant,
      weight: { ...exp.quant.weight, perChannel: req.perChannel },
      act: { ...exp.quant.act, range: req.actRange },
    },
  };
}

/** The pipeline options every cell shares; each rung adds its passes. */
export function ladderRunOptions(req: LadderRequest, seed: number): Partial<PtqRunOptions> {
  return {
    seed,
    calibData: req.calibData,
    calibSize: req.calibSize,
    adaround: { iterations: req.adaroundIterations },
    ...(req.distillIterations !== undefined && { distillIterations: req.distillIterations }),
  };
}

/** The `qat` row's fine-tuning (ten evaluations), or none when the request has no steps. */
export function ladderQatOptions(req: LadderRequest): QatOptions | undefined {
  return req.qatSteps > 0 ? qatOptions(req.qatSteps) : undefined;
}

/** What a host shows of one layer of a cell. */
export interface LadderLayerSummary {
  name: string;
  weightBits: number;
  actBits: number;
  /** Ends of the weight grid: the smallest min and largest max over channels. */
  weightRange: [number, number];
  actRange: [number, number];
  /** AdaRound: weights rounded the other way from nearest, of `weightCount`. */
  adaroundFlipped?: number;
  weightCount: number;
  meanShiftBefore: number;
  meanShiftAfter: number;
}

/** One finished cell as plain data. Accuracies are fractions in [0, 1]. What a lesson's claim reads of it is {@link LadderCellResult}. */
export interface LadderCellSummary extends LadderCellResult {
  rung: string;
  weightBits: number;
  actBits: number;
  /** The calibration images the cell's ranges (and corrections) were set on. */
  calibData: CalibrationSource;
  testAccuracy: number;
  floatTestAccuracy: number;
  /** The `qat` row: accuracy along the fine-tuning and the step that passed the column's best rung. */
  qat?: { curve: QatCurvePoint[]; bestRung: string; bestAccuracy: number; stepsToPassBest: number | null };
  /** CLE's sweeps to its fixed point, where the rung equalized. */
  cleSweeps?: number;
  seconds: number;
  layers: LadderLayerSummary[];
}

const span = (r: { min: number[]; max: number[] }): [number, number] =>
  r.min.length === 0 ? [0, 0] : [Math.min(...r.min), Math.max(...r.max)];

function summarizeLayer(l: PtqLayerReport): LadderLayerSummary {
  return {
    name: l.name,
    weightBits: l.weightBits,
    actBits: l.actBits,
    weightRange: span(l.weightRange),
    actRange: span(l.actRange),
    ...(l.adaroundFlipped !== undefined && { adaroundFlipped: l.adaroundFlipped }),
    weightCount: l.weightCount,
    meanShiftBefore: l.meanShiftBefore,
    meanShiftAfter: l.meanShiftAfter,
  };
}

export function summarizeLadderCell(cell: LadderCell): LadderCellSummary {
  return {
    rung: cell.rung,
    weightBits: cell.column.weightBits,
    actBits: cell.column.actBits,
    calibData: cell.ptq.options.calibData,
    testAccuracy: cell.testAccuracy,
    floatTestAccuracy: cell.floatTestAccuracy,
    ...(cell.qat && { qat: cell.qat }),
    ...(cell.ptq.cle && { cleSweeps: cell.ptq.cle.sweeps }),
    seconds: cell.ptq.seconds.calibration + cell.ptq.seconds.quantization,
    layers: cell.ptq.layers.map(summarizeLayer),
  };
}

/** Every cell of `req` over `trained` (trained with `exp`), summarized, in table order. */
export async function* runLadderRequest(
  trained: QuantModel,
  exp: Experiment,
  data: MnistData,
  req: LadderRequest,
): AsyncGenerator<LadderCellSummary> {
  const cells = runLadder(
    trained,
    ladderExperiment(exp, req),
    data,
    ladderRunOptions(req, exp.seed),
    ladderColumns(req),
    ladderRungs(req),
    ladderQatOptions(req),
  );
  for await (const cell of cells) yield summarizeLadderCell(cell);
}
