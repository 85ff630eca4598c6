/**
 * Pareto frontier of (cost, accuracy) points (docs/science.md §4): cost lower is better, accuracy
 * higher is better. Pure and generic, so the UI can recompute it for any cost axis.
 */

/** A point reduced to the two objectives. */
export interface Objectives {
  cost: number;
  accuracy: number;
}

/** True when `a` is at least as good as `b` on both objectives and strictly better on one. */
export function dominates(a: Objectives, b: Objectives): boolean {
  return a.cost <= b.cost && a.accuracy >= b.accuracy && (a.cost < b.cost || a.accuracy > b.accuracy);
}

/**
 * The non-dominated points, sorted by cost ascending. Method (AQT's): sort by cost ascending and
 * keep a point when its accuracy is higher than that of every strictly cheaper point and it is the
 * most accurate of its cost. Exact duplicates dominate neither each other, so all copies are kept.
 * Points with a non-finite cost or accuracy (diverged runs) are never on the frontier.
 */
export function paretoFrontier<T>(
  points: readonly T[],
  cost: (p: T) => number,
  accuracy: (p: T) => number,
): T[] {
  const valid = points
    .map((p) => ({ p, c: cost(p), a: accuracy(p) }))
    .filter((x) => Number.isFinite(x.c) && Number.isFinite(x.a))
    .sort((x, y) => x.c - y.c || y.a - x.a);
  const frontier: T[] = [];
  let bestCheaper = -Infinity;
  let i = 0;
  while (i < valid.length) {
    // One group of equal cost: its best accuracy comes first (sorted descending within the group).
    let j = i;
    while (j < valid.length && valid[j].c === valid[i].c) j++;
    const groupBest = valid[i].a;
    if (groupBest > bestCheaper) {
      for (let k = i; k < j && valid[k].a === groupBest; k++) frontier.push(valid[k].p);
      bestCheaper = groupBest;
    }
    i = j;
  }
  return frontier;
}
