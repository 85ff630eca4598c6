/** Pareto frontier: hand cases and properties (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dominates, paretoFrontier, type Objectives } from '../../../src/sweep/pareto';

const front = (pts: Objectives[]) =>
  paretoFrontier(
    pts,
    (p) => p.cost,
    (p) => p.accuracy,
  );

describe('paretoFrontier', () => {
  it('keeps a point only when it beats every cheaper point', () => {
    const pts = [
      { cost: 4, accuracy: 0.9 },
      { cost: 1, accuracy: 0.5 },
      { cost: 2, accuracy: 0.4 }, // dominated by cost 1
      { cost: 3, accuracy: 0.95 },
      { cost: 5, accuracy: 0.95 }, // ties the cheaper 0.95: dominated
    ];
    expect(front(pts)).toEqual([pts[1], pts[3]]);
  });

  it('equal cost: only the most accurate; exact duplicates are all kept', () => {
    const a = { cost: 1, accuracy: 0.8 };
    const b = { cost: 1, accuracy: 0.8 };
    expect(front([{ cost: 1, accuracy: 0.5 }, a, b])).toEqual([a, b]);
  });

  it('skips non-finite points (diverged runs)', () => {
    expect(
      front([
        { cost: 1, accuracy: NaN },
        { cost: 2, accuracy: 0.1 },
      ]),
    ).toEqual([{ cost: 2, accuracy: 0.1 }]);
  });

  const arbPoints = fc.array(
    fc.record({
      cost: fc.integer({ min: 1, max: 20 }),
      accuracy: fc.integer({ min: 0, max: 20 }).map((x) => x / 20),
    }),
    { maxLength: 40 },
  );

  it('property: no frontier point is dominated by any point', () => {
    fc.assert(
      fc.property(arbPoints, (pts) => {
        for (const f of front(pts)) expect(pts.some((p) => dominates(p, f))).toBe(false);
      }),
    );
  });

  it('property: every non-frontier point is dominated by some frontier point', () => {
    fc.assert(
      fc.property(arbPoints, (pts) => {
        const f = front(pts);
        for (const p of pts) {
          if (!f.includes(p)) expect(f.some((q) => dominates(q, p))).toBe(true);
        }
      }),
    );
  });

  it('property: sorted by cost, accuracy strictly rising along the frontier (up to duplicates)', () => {
    fc.assert(
      fc.property(arbPoints, (pts) => {
        const f = front(pts);
        for (let i = 1; i < f.length; i++) {
          const same = f[i].cost === f[i - 1].cost && f[i].accuracy === f[i - 1].accuracy;
          if (!same) {
            expect(f[i].cost).toBeGreaterThan(f[i - 1].cost);
            expect(f[i].accuracy).toBeGreaterThan(f[i - 1].accuracy);
          }
        }
      }),
    );
  });
});
