/**
 * Throttles worker events into the store: streamed events (progress, weight histograms) are batched
 * and flushed at most once per `intervalMs` (≤ 10 Hz at the default), control events (paused, done,
 * updated, errors) flush at once, after anything buffered, so order is kept.
 */
import type { ClientEvent } from '../worker/protocol';

/** Store updates from progress are at most this frequent (ms): 100 ms = 10 Hz. */
export const FLUSH_INTERVAL_MS = 100;

export interface Clock {
  now: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

const isStreamed = (e: ClientEvent): boolean => e.type === 'progress' || e.type === 'weights';

export interface EventThrottle {
  push: (event: ClientEvent) => void;
  /** Flushes now (tests, teardown). */
  flush: () => void;
}

export function createEventThrottle(
  apply: (events: ClientEvent[]) => void,
  intervalMs = FLUSH_INTERVAL_MS,
  clock: Clock = realClock,
): EventThrottle {
  let buffer: ClientEvent[] = [];
  let lastFlush = -Infinity;
  let timer: unknown = null;

  function flush(): void {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    lastFlush = clock.now();
    apply(batch);
  }

  function push(event: ClientEvent): void {
    buffer.push(event);
    if (!isStreamed(event)) return flush();
    if (timer !== null) return;
    const wait = lastFlush + intervalMs - clock.now();
    if (wait <= 0) flush();
    else timer = clock.setTimeout(flush, wait);
  }

  return { push, flush };
}
