/**
 * The cost term registry (src/cost/terms.ts), worked example: a "zero-point add" term registered
 * here is priced into every layer's ACEv2 and the model total, and the breakdown chart's kinds,
 * labels and colours come from the table.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { KIND_COLOR, KIND_LABEL } from '../../../app/components/cost/CostBreakdownChart';
import { BREAKDOWN_KINDS } from '../../../app/store/costSelectors';
import { ACC_BITS } from '../../../src/cost/opCosts';
import { costOfExperiment } from '../../../src/cost/report';
import {
  COST_KINDS,
  COST_TERMS,
  costKindStyle,
  prePoolElements,
  registerCostTerm,
} from '../../../src/cost/terms';
import { DEFAULT_EXPERIMENT } from '../../../src/experiment/schema';
import { describeModel } from '../../../src/models/spec';

let unregister: (() => void) | null = null;
afterEach(() => {
  unregister?.();
  unregister = null;
});

describe('cost term registry', () => {
  it('a registered term is priced into every layer and the total, until it is removed', () => {
    const before = costOfExperiment(DEFAULT_EXPERIMENT);
    // An activation zero point subtracted on the accumulator: one 32-bit add per output element.
    unregister = registerCostTerm('zeroPoint', {
      label: 'zero point',
      color: '#17becf',
      count: (l, quantized) => (quantized ? prePoolElements(l) : 0),
      ops: () => [{ op: 'add', x: ACC_BITS, p: ACC_BITS, times: 1 }],
    });
    const after = costOfExperiment(DEFAULT_EXPERIMENT);
    const specs = describeModel(DEFAULT_EXPERIMENT);
    let added = 0;
    after.layers.forEach((l, i) => {
      const extra = (l.acev2Breakdown as Record<string, number>).zeroPoint;
      expect(extra).toBe(prePoolElements(specs[i]) * ACC_BITS);
      expect(l.acev2).toBe(before.layers[i].acev2 + extra);
      added += extra;
    });
    expect((after.total.acev2Breakdown as Record<string, number>).zeroPoint).toBe(added);
    expect(after.total.ace).toBe(before.total.ace);
    expect(costKindStyle('zeroPoint').label).toBe('zero point');
    unregister();
    unregister = null;
    expect(costOfExperiment(DEFAULT_EXPERIMENT)).toEqual(before);
  });

  it('built-in names cannot be taken', () => {
    expect(() => registerCostTerm('mac', COST_TERMS.bias)).toThrow(/exists/);
    expect(() => registerCostTerm('pool', COST_TERMS.bias)).toThrow(/exists/);
  });

  it('the breakdown chart lists the registry: kinds, labels and colours', () => {
    expect([...COST_KINDS]).toEqual(['mac', 'scale', 'bias', 'bn', 'act', 'pool']);
    expect([...BREAKDOWN_KINDS]).toEqual([...COST_KINDS]);
    expect(Object.keys(costOfExperiment(DEFAULT_EXPERIMENT).total.acev2Breakdown)).toEqual([...COST_KINDS]);
    expect(Object.keys(KIND_LABEL)).toEqual([...COST_KINDS]);
    for (const k of COST_KINDS) {
      expect(KIND_LABEL[k]).toBe(costKindStyle(k).label);
      expect(KIND_COLOR[k]).toBe(costKindStyle(k).color);
    }
  });
});
