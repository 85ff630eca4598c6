/**
 * Bounded, downsampled histories. A series keeps every `every`-th point it is given; when it grows past
 * its cap it drops every other kept point and doubles `every`. Memory stays ≤ cap points however long
 * the run (a 10,000-step run with a report every step keeps ≤ 1,000), spacing stays uniform, and the
 * latest point is always kept in `tail` so charts end at the current value. Pure and immutable.
 */

/** Default cap per series. */
export const SERIES_CAP = 1000;

export interface Series<T> {
  /** Kept points, oldest first (uniformly spaced in arrival order). */
  readonly points: readonly T[];
  /** Keep one arrival in `every`. Doubles at each compaction. */
  readonly every: number;
  /** Arrivals so far (kept or not). */
  readonly seen: number;
  /** The latest arrival when it was not kept (so the chart still ends at "now"). */
  readonly tail: T | null;
}

export function emptySeries<T>(): Series<T> {
  return { points: [], every: 1, seen: 0, tail: null };
}

/** Appends `items` (in order), compacting as needed. Returns a new series; the input is unchanged. */
export function appendAll<T>(series: Series<T>, items: readonly T[], cap = SERIES_CAP): Series<T> {
  if (items.length === 0) return series;
  let points = series.points.slice();
  let { every, seen } = series;
  let tail: T | null = series.tail;
  for (const item of items) {
    if (seen % every === 0) {
      points.push(item);
      tail = null;
    } else {
      tail = item;
    }
    seen++;
    if (points.length > cap) {
      // Keep arrivals 0, 2·every, 4·every, …: the survivors are exactly the multiples of the new `every`.
      points = points.filter((_, i) => i % 2 === 0);
      every *= 2;
    }
  }
  return { points, every, seen, tail };
}

/** The points to draw: kept points plus the tail. */
export function seriesPoints<T>(series: Series<T>): T[] {
  return series.tail === null ? series.points.slice() : [...series.points, series.tail];
}

/** Evenly thins `points` to at most `max` (always keeping the first and last), for drawing. */
export function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return points.slice();
  const out: T[] = [];
  const stride = (points.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * stride)]);
  return out;
}
