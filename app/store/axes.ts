/** Axis helpers for the charts (pure, Node-tested): round ticks that stay stable while a run grows. */

/**
 * A log-scale axis over [lo, hi]: ticks at 1·10^k, 2·10^k, 5·10^k and a domain widened to the
 * nearest ticks outside the data, so both ends carry a label.
 */
export function logAxis(lo: number, hi: number): { domain: [number, number]; ticks: number[] } {
  if (!(lo > 0) || !(hi >= lo)) return { domain: [0.1, 10], ticks: [0.1, 1, 10] };
  const candidates: number[] = [];
  for (let k = Math.floor(Math.log10(lo)) - 1; k <= Math.ceil(Math.log10(hi)); k++) {
    for (const m of [1, 2, 5]) candidates.push(Number((m * 10 ** k).toPrecision(3)));
  }
  const below = candidates.filter((t) => t <= lo).at(-1) ?? candidates[0];
  const above = candidates.find((t) => t >= hi) ?? candidates.at(-1)!;
  return { domain: [below, above], ticks: candidates.filter((t) => t >= below && t <= above) };
}

/** The smallest 1·10^k, 2·10^k or 5·10^k ≥ v (a round axis maximum); 1 for v ≤ 0. */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  const m = [1, 2, 5, 10].find((k) => k * p >= v * (1 - 1e-9)) ?? 10;
  return Number((m * p).toPrecision(3));
}

/**
 * About five ticks at multiples of a round step inside [lo, hi]. The values (and so the label
 * strings recharts measures in the DOM) stay the same from one update to the next while a run grows.
 */
export function roundTicks(lo: number, hi: number): number[] {
  if (!(hi > lo)) return Number.isFinite(lo) ? [lo] : [];
  const step = niceCeil((hi - lo) / 5);
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

/** Ticks 0, 1, 10, 100, … up to `max` for a symlog count axis. */
export function countTicks(max: number): number[] {
  const out = [0];
  for (let t = 1; t <= Math.max(1, max) * 10; t *= 10) {
    out.push(t);
    if (t >= max) break;
  }
  return out;
}
