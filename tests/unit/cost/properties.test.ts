/** Invariants of the cost models over random experiments (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { costOfExperiment } from '../../../src/cost';
import { BIT_CHOICES, MODEL_ARCHS, experimentSchema } from '../../../src/experiment/schema';

const arbExperiment = fc
  .record({
    arch: fc.constantFrom(...MODEL_ARCHS),
    width: fc.constantFrom(0.125, 0.25, 0.5, 1, 2),
    w: fc.constantFrom(...BIT_CHOICES),
    a: fc.constantFrom(...BIT_CHOICES),
    firstLast: fc.boolean(),
    perChannel: fc.boolean(),
  })
  .map((r) =>
    experimentSchema.parse({
      model: { arch: r.arch, widthMultiplier: r.width, hidden: [32] },
      quant: {
        weight: { bits: r.w, perChannel: r.perChannel },
        act: { bits: r.a },
        firstLastBits8: r.firstLast,
      },
    }),
  );

const sum = (o: Record<string, number>) => Object.values(o).reduce((x, y) => x + y, 0);

describe('cost invariants', () => {
  it('breakdowns sum to totals; ACE ≤ ACEv2; ACE = BOPs at float 32; totals = Σ layers', () => {
    fc.assert(
      fc.property(arbExperiment, (e) => {
        const r = costOfExperiment(e);
        expect(sum(r.total.acev2Breakdown)).toBe(r.total.acev2);
        expect(sum(r.total.sizeBreakdown)).toBe(r.total.sizeBits);
        expect(r.total.acev2Breakdown.mac).toBe(r.total.ace);
        expect(r.total.ace).toBeLessThanOrEqual(r.total.acev2);
        expect(r.total.bops).toBe(r.total.ace);
        expect(r.total.macs).toBe(r.layers.reduce((s, l) => s + l.macs, 0));
      }),
      { numRuns: 60 },
    );
  });

  it('QuantNorm and double quantization never raise ACEv2 and never change ACE', () => {
    fc.assert(
      fc.property(arbExperiment, fc.boolean(), fc.boolean(), (e, qn, dq) => {
        const base = costOfExperiment(e).total;
        const on = costOfExperiment(e, { quantNorm: qn, doubleQuant: dq }).total;
        expect(on.acev2).toBeLessThanOrEqual(base.acev2);
        expect(on.ace).toBe(base.ace);
      }),
      { numRuns: 60 },
    );
  });

  it('fewer bits never cost more ACE (monotone in the base bitwidth)', () => {
    fc.assert(
      fc.property(arbExperiment, (e) => {
        const bits = [...BIT_CHOICES];
        const at = (b: number) =>
          costOfExperiment(
            experimentSchema.parse({
              ...e,
              quant: { ...e.quant, weight: { ...e.quant.weight, bits: b }, act: { ...e.quant.act, bits: b } },
            }),
          ).total;
        for (let i = 1; i < bits.length; i++) {
          expect(at(bits[i - 1]).ace).toBeLessThanOrEqual(at(bits[i]).ace);
        }
      }),
      { numRuns: 20 },
    );
  });
});
