/** Seed aggregation: mean and sample std per configuration. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPERIMENT } from '../../../src/experiment/schema';
import { aggregateSeeds } from '../../../src/sweep/aggregate';
import { pointFromResult } from '../../../src/sweep/file';
import { expandGrid, seedRange } from '../../../src/sweep/grid';

describe('aggregateSeeds', () => {
  it('one summary per config; mean and sample std of the seeds', () => {
    const grid = expandGrid(DEFAULT_EXPERIMENT, { weightBits: [2, 4], seeds: seedRange(1, 3) });
    const accs = [0.8, 0.9, 1.0, 0.5, 0.5, 0.5];
    const points = grid.map((g, i) =>
      pointFromResult(g.id, {
        experiment: g.experiment,
        status: 'completed',
        testAccuracy: accs[i],
        wallTimeMs: 1,
      }),
    );
    const [w2, w4] = aggregateSeeds(points);
    expect(w2.configId).toBe('w2a2-x1');
    expect(w2.seeds).toEqual([1, 2, 3]);
    expect(w2.testAccuracy).toBeCloseTo(0.9, 12);
    expect(w2.testAccuracyStd).toBeCloseTo(0.1, 12); // sqrt((0.01 + 0 + 0.01) / 2)
    expect(w4.testAccuracyStd).toBe(0);
    expect(w4.cost).toEqual(points[3].cost);
  });
});
