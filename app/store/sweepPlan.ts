/**
 * The sweep form's pure side: what it offers, its defaults, the grid it describes (src/sweep
 * `expandGrid` from the current experiment) and the ETA from partial progress. Node-tested.
 */
import { FLOAT_BITS, type Experiment } from '../../src/experiment/schema';
import { expandGrid, seedRange, type GridPoint } from '../../src/sweep';

/** Weight bitwidths the sweep form offers (32 = float). */
export const SWEEP_BITS = [2, 3, 4, 8, FLOAT_BITS] as const;
/** Width multipliers the sweep form offers. */
export const SWEEP_WIDTHS = [0.25, 0.5, 1, 2] as const;

/** What the sweep form holds; the grid is the current experiment moved along these axes. */
export interface SweepSettings {
  weightBits: number[];
  widths: number[];
  /** Seeds per configuration, starting at the experiment's seed. */
  seeds: number;
  /** 'tied': activations at the weight bits (W4A4…); 'base': the experiment's activation bits. */
  actBits: 'tied' | 'base';
  /** Sweep QuantNorm off and on (else the experiment's value). */
  quantNormBoth: boolean;
  /** Sweep double quantization off and on (else the experiment's value). */
  doubleQuantBoth: boolean;
  /** Training steps of every point (small by default: a sweep is many runs). */
  steps: number;
  /** Pool workers; null = one per core (capped). */
  workers: number | null;
}

export const DEFAULT_SWEEP_SETTINGS: SweepSettings = {
  weightBits: [2, 4, 8, FLOAT_BITS],
  widths: [1],
  seeds: 1,
  actBits: 'tied',
  quantNormBoth: false,
  doubleQuantBoth: false,
  steps: 200,
  workers: null,
};

/** The sweep's base: the current experiment with the sweep's steps and without a twin. */
export function sweepBase(exp: Experiment, settings: SweepSettings): Experiment {
  return {
    ...exp,
    twin: undefined,
    train: { ...exp.train, steps: settings.steps, evalEvery: Math.max(settings.steps, 1) },
  };
}

/** The grid points the form describes (throws, naming the point, on an out-of-range value). */
export function planSweep(exp: Experiment, settings: SweepSettings): GridPoint[] {
  const base = sweepBase(exp, settings);
  return expandGrid(base, {
    weightBits: settings.weightBits,
    actBits: settings.actBits === 'base' ? [exp.quant.act.bits] : undefined,
    widths: settings.widths,
    seeds: seedRange(exp.seed, settings.seeds),
    quantNorm: settings.quantNormBoth ? [false, true] : undefined,
    doubleQuant: settings.doubleQuantBoth ? [false, true] : undefined,
  });
}

/** Time to finish from progress including the running points' partial fractions (NaN: no progress yet). */
export function sweepEtaMs(
  run: { done: number; failed: number; total: number; partial: Record<string, number> },
  elapsedMs: number,
): number {
  const progressed = run.done + run.failed + Object.values(run.partial).reduce((a, b) => a + b, 0);
  if (!(progressed > 0) || run.total === 0) return NaN;
  return (elapsedMs * (run.total - progressed)) / progressed;
}
