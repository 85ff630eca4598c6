/** Grid expansion: counts, order, stable ids, validation. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPERIMENT, experimentSchema } from '../../../src/experiment/schema';
import { coordsOf, expandGrid, pointId, runWork, seedRange } from '../../../src/sweep/grid';

describe('expandGrid', () => {
  it('ties act bits to weight bits when act bits are absent; seeds innermost', () => {
    const pts = expandGrid(DEFAULT_EXPERIMENT, {
      weightBits: [2, 4, 32],
      widths: [0.5, 1],
      seeds: seedRange(1, 2),
    });
    expect(pts).toHaveLength(3 * 2 * 2);
    expect(pts.map((p) => p.id).slice(0, 4)).toEqual([
      'w2a2-x0p5-s1',
      'w2a2-x0p5-s2',
      'w2a2-x1-s1',
      'w2a2-x1-s2',
    ]);
    expect(pts[pts.length - 1].id).toBe('w32a32-x1-s2');
    const p = pts[2].experiment;
    expect([p.quant.weight.bits, p.quant.act.bits, p.model.widthMultiplier, p.seed]).toEqual([2, 2, 1, 1]);
  });

  it('crosses weight and act bits when both are given, and toggles QuantNorm / double quantization', () => {
    const pts = expandGrid(DEFAULT_EXPERIMENT, {
      weightBits: [2, 4],
      actBits: [4, 8],
      quantNorm: [false, true],
      doubleQuant: [false, true],
    });
    expect(pts).toHaveLength(16);
    expect(pts.map((p) => p.id)).toContain('w2a8-x1-s1-qn-dq');
    const qd = pts.find((p) => p.id === 'w4a4-x1-s1-dq')!;
    expect(qd.experiment.quant.doubleQuant).toBe(true);
    expect(qd.experiment.quant.quantNorm).toBe(false);
  });

  it('ids are stable, unique, dot-free, and match the experiment coordinates', () => {
    const pts = expandGrid(DEFAULT_EXPERIMENT, { weightBits: [4, 4, 8], widths: [0.25, 0.5, 0.5] });
    expect(pts.map((p) => p.id)).toEqual(['w4a4-x0p25-s1', 'w4a4-x0p5-s1', 'w8a8-x0p25-s1', 'w8a8-x0p5-s1']);
    for (const p of pts) {
      expect(p.id).not.toContain('.');
      expect(pointId(coordsOf(p.experiment))).toBe(p.id);
      expect(p.experiment.name).toBe(p.id);
    }
  });

  it('keeps everything else of the base, and does not mutate it', () => {
    const base = experimentSchema.parse({ name: 'base', model: { arch: 'cnn' }, train: { steps: 7 } });
    const copy = structuredClone(base);
    const [p] = expandGrid(base, { weightBits: [3] });
    expect(p.experiment.train.steps).toBe(7);
    expect(p.experiment.model.arch).toBe('cnn');
    expect(p.experiment.name).toBe('base · w3a3-x1-s1');
    expect(base).toEqual(copy);
  });

  it('rejects values outside the schema, naming the point', () => {
    expect(() => expandGrid(DEFAULT_EXPERIMENT, { weightBits: [9] })).toThrow(/w9a9-x1-s1.*bits/);
    expect(() => expandGrid(DEFAULT_EXPERIMENT, { widths: [100] })).toThrow(/widthMultiplier/);
  });
});

describe('runWork', () => {
  const at = (patch: object) => experimentSchema.parse({ ...DEFAULT_EXPERIMENT, ...patch });
  it('grows with width and steps; bits alone do not change it', () => {
    const base = at({});
    const wide = at({ model: { ...DEFAULT_EXPERIMENT.model, widthMultiplier: 2 } });
    const long = at({ train: { ...DEFAULT_EXPERIMENT.train, steps: DEFAULT_EXPERIMENT.train.steps * 2 } });
    const w2 = at({
      quant: { ...DEFAULT_EXPERIMENT.quant, weight: { ...DEFAULT_EXPERIMENT.quant.weight, bits: 2 } },
    });
    expect(runWork(wide)).toBeGreaterThan(1.5 * runWork(base));
    expect(runWork(long)).toBeGreaterThan(1.5 * runWork(base));
    expect(runWork(w2)).toBe(runWork(base));
  });
});
