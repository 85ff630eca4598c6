/**
 * Sweep grids (docs/science.md §4): an experiment expanded over weight bits × activation bits × width
 * multiplier × QuantNorm × double quantization × seeds, one experiment per point, each with a
 * stable id that names its coordinates. Pure: usable from the browser worker pool and the CLI.
 */
import { costOfExperiment } from '../cost/report';
import { parseExperiment, type Experiment } from '../experiment/schema';

/** The values a sweep takes on each axis. An absent axis keeps the base experiment's value. */
export interface GridAxes {
  weightBits?: number[];
  /**
   * Activation bits. Absent: tied to the weight bits (W4A4, W8A8, float/float), the usual Pareto
   * grid (AQT). Give a list to cross it with the weight bits instead.
   */
  actBits?: number[];
  /** Width multipliers (replace `model.widthMultiplier`). */
  widths?: number[];
  /** Seeds (see {@link seedRange} for "N seeds"). */
  seeds?: number[];
  quantNorm?: boolean[];
  doubleQuant?: boolean[];
}

/** Where a point sits in the grid (also recoverable from its experiment by {@link coordsOf}). */
export interface GridCoords {
  weightBits: number;
  actBits: number;
  width: number;
  seed: number;
  quantNorm: boolean;
  doubleQuant: boolean;
}

/** One experiment of a sweep. */
export interface GridPoint {
  /** Stable, filesystem-safe id from the coordinates, e.g. `w4a4-x0p5-s2-qn` (see {@link pointId}). */
  id: string;
  coords: GridCoords;
  experiment: Experiment;
}

/** `n` consecutive seeds starting at `first` (the CLI's `--seeds N` starts at the base seed). */
export function seedRange(first: number, n: number): number[] {
  return Array.from({ length: Math.max(0, Math.floor(n)) }, (_, i) => first + i);
}

/** Width multiplier as an id token: 0.5 → "0p5", 2 → "2" (no dots, so `{.}` in GNU parallel is safe). */
export function widthToken(width: number): string {
  return String(width).replace('.', 'p');
}

/** Stable id of a grid point: `w{bits}a{bits}-x{width}-s{seed}` plus `-qn` / `-dq` when on. */
export function pointId(c: GridCoords): string {
  return `w${c.weightBits}a${c.actBits}-x${widthToken(c.width)}-s${c.seed}${c.quantNorm ? '-qn' : ''}${c.doubleQuant ? '-dq' : ''}`;
}

/** The grid coordinates of an experiment (base bits; per-layer overrides are not coordinates). */
export function coordsOf(exp: Experiment): GridCoords {
  return {
    weightBits: exp.quant.weight.bits,
    actBits: exp.quant.act.bits,
    width: exp.model.widthMultiplier,
    seed: exp.seed,
    quantNorm: exp.quant.quantNorm,
    doubleQuant: exp.quant.doubleQuant,
  };
}

/** The base experiment moved to `c` (spread, never mutated), validated by the schema. */
export function experimentAt(base: Experiment, c: GridCoords, id: string): Experiment {
  const candidate = {
    ...base,
    name: base.name ? `${base.name} · ${id}` : id,
    seed: c.seed,
    model: { ...base.model, widthMultiplier: c.width },
    quant: {
      ...base.quant,
      weight: { ...base.quant.weight, bits: c.weightBits },
      act: { ...base.quant.act, bits: c.actBits },
      quantNorm: c.quantNorm,
      doubleQuant: c.doubleQuant,
    },
  };
  const parsed = parseExperiment(candidate);
  if (!parsed.ok) throw new Error(`sweep point ${id}: ${parsed.error}`);
  return parsed.value;
}

/**
 * Expands `base` over `axes`. Order: weight bits, act bits, width, QuantNorm, double quantization,
 * then seeds innermost (so the seeds of one config are adjacent). Duplicate points are dropped.
 * Throws (naming the point) when a value is out of the schema's range.
 */
export function expandGrid(base: Experiment, axes: GridAxes): GridPoint[] {
  const b = coordsOf(base);
  const weightBits = axes.weightBits ?? [b.weightBits];
  const widths = axes.widths ?? [b.width];
  const seeds = axes.seeds ?? [b.seed];
  const quantNorms = axes.quantNorm ?? [b.quantNorm];
  const doubleQuants = axes.doubleQuant ?? [b.doubleQuant];
  const points: GridPoint[] = [];
  const seen = new Set<string>();
  for (const w of weightBits) {
    for (const a of axes.actBits ?? [w]) {
      for (const width of widths) {
        for (const quantNorm of quantNorms) {
          for (const doubleQuant of doubleQuants) {
            for (const seed of seeds) {
              const coords: GridCoords = { weightBits: w, actBits: a, width, seed, quantNorm, doubleQuant };
              const id = pointId(coords);
              if (seen.has(id)) continue;
              seen.add(id);
              points.push({ id, coords, experiment: experimentAt(base, coords, id) });
            }
          }
        }
      }
    }
  }
  return points;
}

/**
 * Relative duration of a run, for the sweep pool's heaviest-first order: MACs per sample (the
 * cost model) × samples the run pushes through the model — training steps × batch × 3 (forward
 * and backward) plus one pass over the test set per evaluation. Only the ordering matters.
 */
export function runWork(exp: Experiment): number {
  const { steps, batchSize, evalEvery } = exp.train;
  const evals = Math.ceil(steps / evalEvery) + 1;
  return costOfExperiment(exp).total.macs * (3 * steps * batchSize + evals * exp.data.testSize);
}
