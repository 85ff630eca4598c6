/**
 * What a finished run is: the result types (the runner's result file, a run's history, its
 * oscillation and twin summaries) and the zod schema that reads them back from a file or IndexedDB.
 * Plain data. Below src/train (which produces these) and src/experiment's export, url and claims
 * (which read them), so neither layer imports the other's code to share them.
 *
 * One source: the interfaces are the types (with what the schema cannot say: the experiment, the
 * cost report, a lesson's claim); the schema validates the measured fields, and the compile-time
 * checks at the end fail when a field is added to one and not the other.
 */
import { z } from 'zod';
import type { CostReport } from '../cost/types';
import type { ClaimResult, LadderCellResult, LessonAnalysisResult } from './claims';
import type { Experiment } from './schema';

/** Final statuses of a run. */
export const RUN_STATUSES = ['completed', 'diverged', 'stopped'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** One point of a training history (a report every `train.reportEvery` steps). */
export interface HistoryPoint {
  step: number;
  loss: number;
  /** Training-batch accuracy (0–1) of the reported step. */
  trainAccuracy: number;
  lr: number;
  /** Test accuracy (0–1), on evaluation steps only. */
  testAccuracy?: number;
  testLoss?: number;
  /** Test accuracy with BN statistics re-estimated, on evaluation steps when enabled. */
  testAccuracyBnReestimated?: number;
}

export interface TwinPoint {
  step: number;
  /** Fraction of identical integer weights between the twins. */
  agreement: number;
  /** ‖M(w_GE) − w_STE‖/‖w_STE‖ (mapped SGD) or ‖w_GE − w_STE‖/‖w_STE‖. */
  alignmentError: number;
  signAgreement: number;
  /** testAccuracy(STE twin) − testAccuracy(other twin), on evaluation steps. */
  accuracyGap?: number;
}

/** Oscillation state at one report. */
export interface OscillationPoint {
  step: number;
  /** Fraction of weights whose EMA frequency exceeds the report threshold (frozen weights included until it decays). */
  fraction: number;
  frozenFraction: number;
  /** Integer changes since tracking started, summed over the tracked weights (absent in older result files). */
  flips?: number;
  /** Of those, changes that reversed the previous change of the same weight. */
  reversals?: number;
}

export interface OscillationSummary {
  /** Fraction of tracked weights oscillating (frequency > reportThreshold) at the end. */
  fraction: number;
  frozenFraction: number;
  /** Number of tracked weights, the denominator of the fractions and rates (absent in older result files). */
  weights?: number;
  history: OscillationPoint[];
  layers: Record<
    string,
    { fraction: number; frozenFraction: number; weights?: number; history: OscillationPoint[] }
  >;
}

export interface TwinSummary {
  estimator: string;
  /** Final fraction of identical integer weights. */
  agreement: number;
  /** SGD mapping learning-rate factor α, when `--twin-map` was applied. */
  alpha?: number;
  history: TwinPoint[];
  testAccuracy: number;
}

/** One layer's bits in a {@link QBitOptSummary} (the `layers` entries of `quant-lab mixed`). */
export interface QBitOptLayerBits {
  name: string;
  weightBits: number;
  actBits: number;
}

/** An allocation's cost on every budget axis (size in bytes). */
export interface QBitOptCost {
  bops: number;
  size: number;
  acev2: number;
}

/**
 * Bits learned during QAT (`run --qbitopt`, docs/mixed.md §7): the budget, the re-allocation
 * cadence, each re-allocation (the step it took effect, the bits, their cost and ΣΩ) and the
 * final bits, which always fit the budget.
 */
export interface QBitOptSummary {
  budget: { axis: 'bops' | 'size' | 'acev2'; value: number };
  every: number;
  /** The first step of the frozen tail: no re-allocation at or after it. */
  freezeStep: number;
  history: { step: number; layers: QBitOptLayerBits[]; cost: QBitOptCost; objective: number }[];
  final: { layers: QBitOptLayerBits[]; cost: QBitOptCost };
}

/** A finished run: the resolved experiment plus what was measured (the runner's result JSON). */
export interface RunResult {
  experiment: Experiment;
  status: RunStatus;
  /** Why the run stopped early (divergence), in words a user can act on. */
  reason?: string;
  /** Final test accuracy, 0–1. */
  testAccuracy: number;
  /** Final test accuracy with BN re-estimation (when enabled). */
  testAccuracyBnReestimated?: number;
  history: HistoryPoint[];
  backend: string;
  wallTimeMs: number;
  stepsPerSec: number;
  oscillation?: OscillationSummary;
  twin?: TwinSummary;
  /** With `--qbitopt`: the per-layer bits over training. */
  qbitopt?: QBitOptSummary;
  /** Per-layer and total cost (src/cost). */
  cost?: CostReport;
  /** A lesson's run (`--preset`): the lesson id, its claim checked on all its runs, and those other runs. */
  lesson?: string;
  claim?: ClaimResult;
  compare?: Record<string, Omit<RunResult, 'weights'>>;
  /** A post-training lesson's run: the claim's ladder cells over this run's model. */
  ladder?: LadderCellResult[];
  /** A curvature lesson's run: the claim's trace analysis of this run's model. */
  analysis?: LessonAnalysisResult;
  /** With --save-weights: each layer's integer codes and scales. */
  weights?: Record<
    string,
    { shape: number[]; codes: number[]; scale: number[]; zeroPoint: number[]; bits: number }
  >;
}

/**
 * A measured number. JSON turns NaN and ±∞ into null, so a diverged run's file holds nulls, read
 * back as NaN; IndexedDB keeps NaN and ±∞ as they are (z.number() would refuse them).
 */
const num = z
  .custom<number | null>((v) => v === null || typeof v === 'number', { message: 'expected a number' })
  .transform((v) => v ?? NaN);
const optNum = num.optional();

/** One history point as read back from a file or IndexedDB (null → NaN). */
export const historyPointSchema = z.object({
  step: z.number().int().min(0),
  loss: num,
  trainAccuracy: num,
  lr: num,
  testAccuracy: optNum,
  testLoss: optNum,
  testAccuracyBnReestimated: optNum,
});
const fractionPoint = z.object({
  step: z.number(),
  fraction: num,
  frozenFraction: num,
  flips: optNum,
  reversals: optNum,
});
const twinPointSchema = z.object({
  step: z.number(),
  agreement: num,
  alignmentError: num,
  signAgreement: num,
  accuracyGap: optNum,
});

/**
 * The runner's result file ({@link RunResult}); unknown extra fields are kept. `experiment` is
 * loaded (and migrated) on its own by export.ts parseRunFile; `cost`, `qbitopt`, `lesson`, `claim`,
 * `compare`, `ladder` and `analysis` pass through unvalidated.
 */
export const runResultSchema = z.looseObject({
  experiment: z.unknown(),
  status: z.enum(RUN_STATUSES),
  reason: z.string().optional(),
  testAccuracy: num,
  testAccuracyBnReestimated: optNum,
  history: z.array(historyPointSchema),
  backend: z.string(),
  wallTimeMs: num,
  stepsPerSec: num,
  oscillation: z
    .looseObject({
      fraction: num,
      frozenFraction: num,
      weights: optNum,
      history: z.array(fractionPoint),
      layers: z.record(
        z.string(),
        z.looseObject({
          fraction: num,
          frozenFraction: num,
          weights: optNum,
          history: z.array(fractionPoint),
        }),
      ),
    })
    .optional(),
  twin: z
    .looseObject({
      estimator: z.string(),
      agreement: num,
      alpha: optNum,
      history: z.array(twinPointSchema),
      testAccuracy: num,
    })
    .optional(),
  cost: z.unknown().optional(),
  qbitopt: z.unknown().optional(),
  weights: z
    .record(
      z.string(),
      z.looseObject({
        shape: z.array(z.number()),
        codes: z.array(z.number()),
        scale: z.array(num),
        zeroPoint: z.array(num),
        bits: z.number(),
      }),
    )
    .optional(),
});

// ---- Compile-time checks: the schema and the interfaces describe the same fields ---------------

/** True when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** A type without the `[k: string]: unknown` that z.looseObject adds (deep). */
type Known<T> = T extends readonly (infer U)[]
  ? Known<U>[]
  : T extends object
    ? { [K in keyof T as string extends K ? (unknown extends T[K] ? never : K) : K]: Known<T[K]> }
    : T;
/** Fields of RunResult the schema leaves to others (see runResultSchema). */
type Unvalidated = 'experiment' | 'cost' | 'qbitopt' | 'lesson' | 'claim' | 'compare' | 'ladder' | 'analysis';
type Parsed = Known<z.output<typeof runResultSchema>>;

export type ResultSchemaChecks = [
  Expect<Equal<z.output<typeof historyPointSchema>, HistoryPoint>>,
  Expect<Equal<Omit<Parsed, Unvalidated>, Known<Omit<RunResult, Unvalidated>>>>,
  Expect<
    Equal<Exclude<keyof RunResult, keyof Parsed>, Exclude<Unvalidated, 'experiment' | 'cost' | 'qbitopt'>>
  >,
];
type Expect<T extends true> = T;
