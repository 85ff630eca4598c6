import { describe, expect, it } from 'vitest';
import { appendAll, emptySeries, SERIES_CAP, seriesPoints, thin } from '../../../app/store/series';

describe('bounded series', () => {
  it('keeps everything below the cap', () => {
    const s = appendAll(emptySeries<number>(), [0, 1, 2, 3]);
    expect(seriesPoints(s)).toEqual([0, 1, 2, 3]);
    expect(s.every).toBe(1);
  });

  it('a 10,000-step run with a report every step keeps at most the cap, uniformly spaced, ending at the latest', () => {
    let s = emptySeries<number>();
    // Arrive in chunks, as the throttled store receives them.
    for (let step = 0; step < 10_000; step += 7)
      s = appendAll(
        s,
        Array.from({ length: Math.min(7, 10_000 - step) }, (_, i) => step + i),
      );
    expect(s.points.length).toBeLessThanOrEqual(SERIES_CAP);
    expect(s.points.length).toBeGreaterThan(SERIES_CAP / 2);
    expect(s.seen).toBe(10_000);
    const gaps = new Set(s.points.slice(1).map((p, i) => p - s.points[i]));
    expect([...gaps]).toEqual([s.every]);
    expect(s.points.every((p) => p % s.every === 0)).toBe(true);
    expect(seriesPoints(s).at(-1)).toBe(9_999);
  });

  it('does not mutate its input', () => {
    const a = appendAll(emptySeries<number>(), [1, 2], 2);
    const b = appendAll(a, [3, 4, 5], 2);
    expect(a.points).toEqual([1, 2]);
    expect(b.points.length).toBeLessThanOrEqual(2);
  });

  it('thin keeps the ends and at most max points', () => {
    const pts = Array.from({ length: 1000 }, (_, i) => i);
    const t = thin(pts, 100);
    expect(t.length).toBe(100);
    expect(t[0]).toBe(0);
    expect(t.at(-1)).toBe(999);
    expect(thin([1, 2], 100)).toEqual([1, 2]);
  });
});
