/**
 * Sweep results as plain data: what a sweep file holds and what streams into the Pareto chart.
 */
import type { CostAxis, CostTotals } from '../cost/types';
import type { Experiment } from '../experiment/schema';
import type { RunStatus } from '../train/types';
import type { GridCoords } from './grid';

/** Version of the sweep file format; bump on breaking changes. */
export const SWEEP_FILE_VERSION = 1;

/** One finished run of a sweep. */
export interface SweepPoint {
  /** Stable id (src/sweep/grid.ts pointId; for merged files, the result file's base name). */
  id: string;
  coords: GridCoords;
  /** The resolved experiment that ran. */
  experiment: Experiment;
  status: RunStatus;
  /** Final test accuracy, 0–1 (NaN-free: a failed run is reported in SweepFile.failed instead). */
  testAccuracy: number;
  /** Total cost of the model, per sample (src/cost). Per-layer detail: costOfExperiment(experiment). */
  cost: CostTotals;
  /** Training wall time of the run, ms. */
  wallTimeMs: number;
}

/** A point that produced no result (crashed, missing result file), kept so nothing vanishes silently. */
export interface SweepFailure {
  id: string;
  error: string;
}

/** A sweep file (`quant-lab sweep --out`, `quant-lab merge --out`); the app opens it. */
export interface SweepFile {
  kind: 'quant-lab-sweep';
  version: typeof SWEEP_FILE_VERSION;
  /** Cost axis the frontier was computed on. */
  axis: CostAxis;
  /** Ids of the frontier points on `axis`, cost ascending. */
  frontier: string[];
  points: SweepPoint[];
  failed: SweepFailure[];
}
