/** Sweep files: building, merging result JSON, validation round trip. */
import { describe, expect, it } from 'vitest';
import { costOfExperiment } from '../../../src/cost';
import { DEFAULT_EXPERIMENT } from '../../../src/experiment/schema';
import { buildSweepFile, mergeResults, parseSweepFile, pointFromResult } from '../../../src/sweep/file';
import { expandGrid } from '../../../src/sweep/grid';

const grid = expandGrid(DEFAULT_EXPERIMENT, { weightBits: [2, 4, 8], widths: [0.5, 1] });
// Fake accuracies: more bits and more width help, 2-bit hurts a lot.
const acc = (w: number, x: number) => (w === 2 ? 0.5 : 0.9) + 0.01 * x + 0.001 * w;
const result = (i: number) => ({
  experiment: grid[i].experiment,
  status: 'completed' as const,
  testAccuracy: acc(grid[i].coords.weightBits, grid[i].coords.width),
  wallTimeMs: 100 + i,
  history: [],
});

describe('sweep files', () => {
  it('pointFromResult prices the experiment', () => {
    const p = pointFromResult(grid[0].id, result(0));
    expect(p.cost).toEqual(costOfExperiment(grid[0].experiment).total);
    expect(p.coords).toEqual(grid[0].coords);
  });

  it('merge: every result becomes a point; missing and invalid results are listed as failed', () => {
    const results = grid.slice(0, 5).map((g, i) => ({ id: g.id, json: result(i) as unknown }));
    results[1] = { id: results[1].id, json: { testAccuracy: 'high' } };
    const file = mergeResults(
      grid.map((g) => g.id),
      results,
      'ace',
    );
    expect(file.points).toHaveLength(4);
    expect(file.failed).toEqual([
      { id: grid[1].id, error: expect.stringMatching(/^invalid result/) },
      { id: grid[5].id, error: 'no result file' },
    ]);
    expect(file.axis).toBe('ace');
    // Frontier on ACE: cheapest (w2 x0.5) first, accuracy rising.
    const byId = new Map(file.points.map((p) => [p.id, p]));
    const f = file.frontier.map((id) => byId.get(id)!);
    expect(f[0].id).toBe('w2a2-x0p5-s1');
    for (let i = 1; i < f.length; i++) expect(f[i].testAccuracy).toBeGreaterThan(f[i - 1].testAccuracy);
  });

  it('round trip through JSON and the schema', () => {
    const file = buildSweepFile(grid.map((g, i) => pointFromResult(g.id, result(i))));
    const parsed = parseSweepFile(JSON.parse(JSON.stringify(file)));
    expect(parsed).toEqual({ ok: true, value: file });
    expect(parseSweepFile({ ...file, axis: 'joules' }).ok).toBe(false);
  });
});
