/**
 * Building, reading and summarizing sweep files. Pure (no Node imports): the CLI writes these, the
 * app reads them with the same schema.
 */
import { z } from 'zod';
import { costOfExperiment } from '../cost/report';
import { COST_KINDS } from '../cost/terms';
import { COST_AXES, costOnAxis, type CostAxis } from '../cost/axes';
import { experimentSchema, formatZodError, type ParseResult } from '../experiment/schema';
import type { RunResult } from '../train/types';
import { coordsOf } from './grid';
import { paretoFrontier } from './pareto';
import { SWEEP_FILE_VERSION, type SweepFailure, type SweepFile, type SweepPoint } from './types';

/** Default frontier axis: the lab's ACEv2 (switchable in the UI and with `--axis`). */
export const DEFAULT_AXIS: CostAxis = 'acev2';

/** Frontier ids of `points` on `axis`, cost ascending. */
export function frontierIds(points: readonly SweepPoint[], axis: CostAxis): string[] {
  return paretoFrontier(
    points,
    (p) => costOnAxis(p.cost, axis),
    (p) => p.testAccuracy,
  ).map((p) => p.id);
}

/**
 * A sweep point from a run's result. The cost is recomputed from the result's experiment, so a
 * result without (or with an older) `cost` still prices consistently.
 */
export function pointFromResult(
  id: string,
  result: Pick<RunResult, 'experiment' | 'status' | 'testAccuracy' | 'wallTimeMs'>,
): SweepPoint {
  return {
    id,
    coords: coordsOf(result.experiment),
    experiment: result.experiment,
    status: result.status,
    testAccuracy: result.testAccuracy,
    cost: costOfExperiment(result.experiment).total,
    wallTimeMs: result.wallTimeMs,
  };
}

/** Assembles a sweep file: points sorted by id, frontier on `axis`. */
export function buildSweepFile(
  points: readonly SweepPoint[],
  axis: CostAxis = DEFAULT_AXIS,
  failed: SweepFailure[] = [],
): SweepFile {
  const sorted = [...points].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    kind: 'quant-lab-sweep',
    version: SWEEP_FILE_VERSION,
    axis,
    frontier: frontierIds(sorted, axis),
    points: sorted,
    failed,
  };
}

const kindRecord = <K extends string>(keys: readonly K[]) =>
  z.object(Object.fromEntries(keys.map((k) => [k, z.number()])) as Record<K, z.ZodNumber>);

const costTotalsSchema = z.object({
  macs: z.number(),
  ace: z.number(),
  acev2: z.number(),
  bops: z.number(),
  sizeBits: z.number(),
  acev2Breakdown: kindRecord(COST_KINDS),
  opCounts: kindRecord(COST_KINDS),
  sizeBreakdown: kindRecord(['weights', 'bias', 'bn', 'scales'] as const),
});

const sweepPointSchema = z.object({
  id: z.string().min(1),
  coords: z.object({
    weightBits: z.number(),
    actBits: z.number(),
    width: z.number(),
    seed: z.number(),
    quantNorm: z.boolean(),
    doubleQuant: z.boolean(),
  }),
  experiment: experimentSchema,
  status: z.enum(['completed', 'diverged', 'stopped']),
  testAccuracy: z.number(),
  cost: costTotalsSchema,
  wallTimeMs: z.number(),
});

export const sweepFileSchema = z.object({
  kind: z.literal('quant-lab-sweep'),
  version: z.literal(SWEEP_FILE_VERSION),
  axis: z.enum(COST_AXES),
  frontier: z.array(z.string()),
  points: z.array(sweepPointSchema),
  failed: z.array(z.object({ id: z.string(), error: z.string() })).default([]),
});

/** The fields of a run's result JSON (src/train/types.ts RunResult) that a sweep needs. */
const runResultLikeSchema = z.object({
  experiment: experimentSchema,
  status: z.enum(['completed', 'diverged', 'stopped']).default('completed'),
  testAccuracy: z.number(),
  wallTimeMs: z.number().default(0),
});

/** Reads a run's result JSON (from `quant-lab run --out`) as a sweep point; never throws. */
export function parseResultJson(id: string, json: unknown): ParseResult<SweepPoint> {
  const result = runResultLikeSchema.safeParse(json);
  if (!result.success) return { ok: false, error: formatZodError(result.error) };
  return { ok: true, value: pointFromResult(id, result.data) };
}

/**
 * Merges result files into a sweep (`quant-lab merge`). `jobIds` are the experiments that were
 * emitted (DIR/<id>.json); each without a result, or with an unreadable one, is listed in `failed`.
 * Results without a matching job still count (a user may add runs by hand).
 */
export function mergeResults(
  jobIds: readonly string[],
  results: readonly { id: string; json: unknown }[],
  axis: CostAxis = DEFAULT_AXIS,
): SweepFile {
  const points: SweepPoint[] = [];
  const failed: SweepFailure[] = [];
  const seen = new Set<string>();
  for (const r of results) {
    seen.add(r.id);
    const parsed = parseResultJson(r.id, r.json);
    if (parsed.ok) points.push(parsed.value);
    else failed.push({ id: r.id, error: `invalid result: ${parsed.error}` });
  }
  for (const id of jobIds) if (!seen.has(id)) failed.push({ id, error: 'no result file' });
  return buildSweepFile(points, axis, failed);
}

/** Validates an opened sweep file; never throws. */
export function parseSweepFile(input: unknown): ParseResult<SweepFile> {
  const result = sweepFileSchema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, error: formatZodError(result.error) };
}
