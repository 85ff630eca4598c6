/**
 * Seed aggregation: one point per configuration (every grid coordinate but the seed), with the
 * mean and spread of its seeds' accuracies, so a frontier is not decided by one lucky seed. Pure.
 */
import type { CostTotals } from '../cost/types';
import { widthToken, type GridCoords } from './grid';
import type { SweepPoint } from './types';

/** The seeds of one configuration, summarized. */
export interface ConfigSummary {
  /** Point id without the seed token, e.g. `w4a4-x0p5-qn`. */
  configId: string;
  coords: Omit<GridCoords, 'seed'>;
  /** Mean test accuracy over seeds, 0–1. */
  testAccuracy: number;
  /** Sample standard deviation of the accuracy (0 for one seed). */
  testAccuracyStd: number;
  seeds: number[];
  /** Ids of the points summarized. */
  pointIds: string[];
  /** Cost does not depend on the seed: the first point's. */
  cost: CostTotals;
}

/** Config id: the point's coordinates without the seed. */
export function configIdOf(c: Omit<GridCoords, 'seed'>): string {
  return `w${c.weightBits}a${c.actBits}-x${widthToken(c.width)}${c.quantNorm ? '-qn' : ''}${c.doubleQuant ? '-dq' : ''}`;
}

/** Groups points by configuration (first-seen order) and averages their accuracies. */
export function aggregateSeeds(points: readonly SweepPoint[]): ConfigSummary[] {
  const groups = new Map<string, SweepPoint[]>();
  for (const p of points) {
    const id = configIdOf(p.coords);
    groups.set(id, [...(groups.get(id) ?? []), p]);
  }
  return [...groups.entries()].map(([configId, ps]) => {
    const accs = ps.map((p) => p.testAccuracy);
    const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
    const variance = accs.length > 1 ? accs.reduce((s, a) => s + (a - mean) ** 2, 0) / (accs.length - 1) : 0;
    const { seed: _seed, ...coords } = ps[0].coords;
    return {
      configId,
      coords,
      testAccuracy: mean,
      testAccuracyStd: Math.sqrt(variance),
      seeds: ps.map((p) => p.coords.seed),
      pointIds: ps.map((p) => p.id),
      cost: ps[0].cost,
    };
  });
}
