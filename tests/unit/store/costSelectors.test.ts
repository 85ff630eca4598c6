/** Breakdown rows of the cost chart: shares per layer and total, and how they react to the options. */
import { describe, expect, it } from 'vitest';
import { breakdownRows, BREAKDOWN_KINDS, costSummary } from '../../../app/store/costSelectors';
import { costOfExperiment } from '../../../src/cost/report';
import { DEFAULT_EXPERIMENT, parseExperiment, type ExperimentInput } from '../../../src/experiment/schema';

const exp = (input: ExperimentInput) => {
  const r = parseExperiment(input);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

describe('breakdownRows', () => {
  it('has one row per layer plus the total, each with shares summing to 100%', () => {
    const report = costOfExperiment(DEFAULT_EXPERIMENT);
    const rows = breakdownRows(report);
    expect(rows.map((r) => r.layer)).toEqual([...report.layers.map((l) => l.name), 'total']);
    for (const r of rows) expect(BREAKDOWN_KINDS.reduce((a, k) => a + r[k], 0)).toBeCloseTo(100, 9);
    const total = rows.at(-1)!;
    expect(total.ace).toBe(report.total.ace);
    expect(total.acev2).toBe(report.total.acev2);
    expect(total.mac).toBeCloseTo((100 * report.total.ace) / report.total.acev2, 9);
  });

  it('MACs lose share to the elementwise work as weights get narrower (MLP W8A8 → W2A2)', () => {
    const at = (bits: number) =>
      costSummary(costOfExperiment(exp({ quant: { weight: { bits }, act: { bits } } })));
    expect(at(2).acev2).toBeLessThan(at(8).acev2);
    expect(at(2).macSharePct).toBeLessThan(at(8).macSharePct);
    expect(at(2).ratio).toBeGreaterThan(at(8).ratio);
  });

  it('QuantNorm lowers the BN share of a CNN; double quantization lowers the scale share', () => {
    const cnn = (quant: ExperimentInput['quant']) =>
      breakdownRows(costOfExperiment(exp({ model: { arch: 'cnn' }, quant }))).at(-1)!;
    const base = cnn({});
    const qn = cnn({ quantNorm: true });
    const dq = cnn({ doubleQuant: true });
    expect(qn.acev2).toBeLessThan(base.acev2);
    expect(qn.bn).toBeLessThan(base.bn);
    expect(dq.acev2).toBeLessThan(base.acev2);
    expect(dq.scale).toBeLessThan(base.scale);
    expect(qn.ace).toBe(base.ace);
  });
});
