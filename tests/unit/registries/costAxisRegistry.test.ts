/**
 * The cost axis registry (src/cost/axes.ts), worked example: a "MACs per weight bit" axis
 * registered here drives the sweep frontier and the Pareto chart's data, and every list of axis
 * names (sweep file schema, runner flag, picker) comes from the table.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AXIS_LABEL, paretoView, type ParetoPoint } from '../../../app/store/paretoSelectors';
import { MERGE_SPEC } from '../../../src/cli/merge';
import { SWEEP_SPEC } from '../../../src/cli/sweep';
import {
  COST_AXES,
  COST_AXIS_DEFS,
  costAxisDef,
  registerCostAxis,
  type CostAxis,
} from '../../../src/cost/axes';
import { costOfExperiment } from '../../../src/cost/report';
import type { CostTotals } from '../../../src/cost/types';
import { DEFAULT_EXPERIMENT } from '../../../src/experiment/schema';
import { frontierIds } from '../../../src/sweep/file';
import { coordsOf } from '../../../src/sweep/grid';
import type { SweepPoint } from '../../../src/sweep/types';

const base = costOfExperiment(DEFAULT_EXPERIMENT).total;

/** A point with the given MACs, weight bits stored, ACEv2 and accuracy. */
function point(
  id: string,
  macs: number,
  weightBits: number,
  acev2: number,
  testAccuracy: number,
): SweepPoint {
  const cost: CostTotals = {
    ...base,
    macs,
    acev2,
    sizeBreakdown: { ...base.sizeBreakdown, weights: weightBits },
  };
  const experiment = DEFAULT_EXPERIMENT;
  return {
    id,
    coords: coordsOf(experiment),
    experiment,
    status: 'completed',
    testAccuracy,
    cost,
    wallTimeMs: 1,
  };
}

// MACs per weight bit: a 1, b 2, c 10. ACEv2: a 30, b 20, c 10.
const points = [point('a', 100, 100, 30, 0.5), point('b', 100, 50, 20, 0.9), point('c', 100, 10, 10, 0.8)];

let unregister: (() => void) | null = null;
afterEach(() => {
  unregister?.();
  unregister = null;
});

describe('cost axis registry', () => {
  it('a registered axis drives the frontier and the chart data, until it is removed', () => {
    unregister = registerCostAxis('macsPerWeightBit', {
      label: 'MACs per weight bit',
      unit: 'MACs/bit',
      value: (t) => t.macs / t.sizeBreakdown.weights,
      format: (v) => v.toFixed(1),
    });
    const axis = 'macsPerWeightBit' as CostAxis;
    expect(frontierIds(points, 'acev2')).toEqual(['c', 'b']);
    expect(frontierIds(points, axis)).toEqual(['a', 'b']);
    const asPareto: ParetoPoint[] = points.map((p) => ({ ...p, key: p.id, label: p.id, source: 'file' }));
    const view = paretoView(asPareto, axis);
    expect(view.frontier.map((r) => [r.key, r.x])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    unregister();
    unregister = null;
    expect(() => costAxisDef('macsPerWeightBit')).toThrow(/unknown cost axis/);
  });

  it('built-in names cannot be taken', () => {
    expect(() => registerCostAxis('acev2', COST_AXIS_DEFS.ace)).toThrow(/exists/);
  });

  it('the picker, the runner flags and the built-in order come from the registry', () => {
    const names = Object.keys(COST_AXIS_DEFS);
    expect([...COST_AXES]).toEqual(names);
    expect(names).toEqual(['ace', 'acev2', 'bops', 'sizeBits', 'macs']);
    expect(Object.keys(AXIS_LABEL)).toEqual(names);
    for (const spec of [SWEEP_SPEC, MERGE_SPEC]) {
      const flag = spec.groups.flatMap((g) => g.flags).find((f) => f.name === 'axis');
      expect(flag?.values).toEqual(names);
    }
  });
});
