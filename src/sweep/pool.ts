/**
 * A bounded-concurrency task pool with progress, ETA and cancellation. Pure (no Node, no DOM):
 * the Node sweep runs child processes through it (nodePool.ts); the browser sweep runs workers
 * through it (one per core, `navigator.hardwareConcurrency`).
 */

/** Outcome of one task: a value, or an error message (one failure never stops the pool). */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: string };

/** Progress after each settled task. */
export interface PoolProgress {
  done: number;
  failed: number;
  total: number;
  /** Fraction settled, 0–1. */
  fraction: number;
  elapsedMs: number;
  /** Estimated time to finish, ms (NaN until the first task settles). */
  etaMs: number;
}

export interface PoolOptions<T, R> {
  /** Aborting stops starting new tasks; running tasks get the same signal and should stop. */
  signal?: AbortSignal;
  /** Called as each task settles (stream results into the chart from here). */
  onSettled?: (outcome: Settled<R>, index: number, progress: PoolProgress) => void;
  /** Clock in ms (injectable for tests). */
  now?: () => number;
  /**
   * Expected relative duration of a task. When given, tasks start heaviest first (longest
   * processing time first), so the pool ends on short tasks instead of one lane finishing a long
   * one while the others idle. Results and indices stay in input order.
   */
  weight?: (item: T) => number;
}

/** Error text of a task cancelled before it ran. */
export const CANCELLED = 'cancelled';

/**
 * Remaining time from the mean time per settled task so far. Wall time per task already reflects
 * the concurrency (n workers settle n tasks per task duration), so no concurrency factor appears.
 */
export function estimateEtaMs(settled: number, total: number, elapsedMs: number): number {
  if (settled <= 0) return NaN;
  return (elapsedMs / settled) * (total - settled);
}

/**
 * Runs `task` over `items` with at most `concurrency` in flight (in `weight` order when given);
 * resolves when all settled, in input order. Tasks not started before an abort settle as
 * `{ ok: false, error: 'cancelled' }`. With weights the ETA (mean time per settled task) starts
 * high, as the heavy tasks settle first.
 */
export async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number, signal: AbortSignal) => Promise<R>,
  options: PoolOptions<T, R> = {},
): Promise<Settled<R>[]> {
  const now = options.now ?? (() => Date.now());
  const start = now();
  const inner = new AbortController();
  const forward = () => inner.abort();
  options.signal?.addEventListener('abort', forward, { once: true });
  if (options.signal?.aborted) inner.abort();
  const results: Settled<R>[] = new Array(items.length);
  const order = items.map((_, i) => i);
  if (options.weight) {
    const w = items.map(options.weight);
    // Stable: equal weights keep input order.
    order.sort((a, b) => w[b] - w[a] || a - b);
  }
  let next = 0;
  let settled = 0;
  let failed = 0;

  const settle = (index: number, outcome: Settled<R>) => {
    results[index] = outcome;
    settled++;
    if (!outcome.ok) failed++;
    const elapsedMs = now() - start;
    const progress: PoolProgress = {
      done: settled,
      failed,
      total: items.length,
      fraction: items.length ? settled / items.length : 1,
      elapsedMs,
      etaMs: estimateEtaMs(settled, items.length, elapsedMs),
    };
    options.onSettled?.(outcome, index, progress);
  };

  const lane = async () => {
    while (next < items.length) {
      const index = order[next++];
      if (inner.signal.aborted) {
        settle(index, { ok: false, error: CANCELLED });
        continue;
      }
      try {
        settle(index, { ok: true, value: await task(items[index], index, inner.signal) });
      } catch (error) {
        settle(index, { ok: false, error: inner.signal.aborted ? CANCELLED : errorMessage(error) });
      }
    }
  };
  const lanes = Math.max(1, Math.min(Math.floor(concurrency) || 1, items.length));
  try {
    await Promise.all(Array.from({ length: lanes }, lane));
  } finally {
    options.signal?.removeEventListener('abort', forward);
  }
  return results;
}

/** Message of an unknown thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
