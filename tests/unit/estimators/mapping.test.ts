import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMapping, mapValue, mapWeights, mappingAlpha } from '../../../src/estimators/mapping';
import type { EstimatorSpec } from '../../../src/estimators/types';
import { roundHalfEven } from '../../../src/estimators/periodic';

const SCALAR: EstimatorSpec[] = [
  { name: 'ste' },
  { name: 'clipped-ste' },
  { name: 'tanh' },
  { name: 'sigmoid' },
  { name: 'pwl' },
  { name: 'cosine' },
  { name: 'cosine', param: -0.8 },
];

describe('SGD mapping (docs/science.md §1)', () => {
  it('cosine a = 0.5 gives α = √(1 − a²) ≈ 0.866', () => {
    expect(Math.abs(mappingAlpha({ name: 'cosine', param: 0.5 }) - 0.866)).toBeLessThan(0.005);
    expect(mappingAlpha({ name: 'cosine', param: 0.9 })).toBeCloseTo(Math.sqrt(1 - 0.81), 3);
  });

  it('STE and clipped STE map to themselves (α = 1, M = identity)', () => {
    expect(mappingAlpha({ name: 'ste' })).toBeCloseTo(1, 10);
    expect(mapWeights({ name: 'ste' }, new Float32Array([-1.3, 0.2, 4.49]))).toEqual(
      new Float32Array([-1.3, 0.2, 4.49]),
    );
  });

  it('sharp tanh sends α toward 0', () => {
    expect(mappingAlpha({ name: 'tanh', param: 4 })).toBeLessThan(0.6);
    expect(mappingAlpha({ name: 'tanh', param: 20 })).toBeLessThan(0.01);
  });

  it('fixes the bin boundaries: M(k + ½) = k + ½', () => {
    for (const spec of SCALAR) {
      const m = computeMapping(spec);
      for (const b of [-3.5, -0.5, 0.5, 2.5, 7.5]) expect(mapValue(m, b), spec.name).toBeCloseTo(b, 6);
    }
  });

  it('is monotone and keeps every weight in its bin: round(M(u)) = round(u)', () => {
    const maps = SCALAR.map((s) => computeMapping(s));
    fc.assert(
      fc.property(
        fc.double({ min: -9, max: 9, noNaN: true }),
        fc.double({ min: 1e-4, max: 0.3, noNaN: true }),
        (u, du) => {
          for (const m of maps) {
            const a = mapValue(m, u);
            if (roundHalfEven(a) !== roundHalfEven(u) && Math.abs(u - Math.round(u)) !== 0.5) return false;
            if (mapValue(m, u + du) < a - 1e-12) return false;
          }
          return true;
        },
      ),
    );
  });

  it('cosine with a > 0 pushes interior weights toward the grid point', () => {
    // Q̂' is large near grid points, so 1/Q̂' is small there: M compresses the middle of the bin.
    const m = computeMapping({ name: 'cosine', param: 0.5 });
    expect(Math.abs(mapValue(m, 0.2))).toBeLessThan(0.2);
    expect(mapValue(m, 0)).toBeCloseTo(0, 6);
  });

  it('refuses EWGS', () => {
    expect(() => computeMapping({ name: 'ewgs' })).toThrow(/gradient/);
  });
});
