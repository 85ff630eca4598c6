/**
 * Paces chart updates so the main thread never runs one long task. Each chart takes the latest value
 * of its data in its own macrotask, rendered synchronously there (`flushSync`): one chart per task,
 * each chart at most every {@link CHART_MIN_INTERVAL_MS}. The store gets progress at ≤ 10 Hz; without
 * pacing, every chart would re-render inside the same task (recharts also re-renders its own internal
 * store after a data change), which is what produced 60–200 ms tasks.
 */
import { useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';

/** A chart redraws at most this often (ms): 4 Hz reads as live and leaves the main thread idle. */
export const CHART_MIN_INTERVAL_MS = 250;

interface Slot {
  job: (() => void) | null;
  last: number;
}

const slots = new Set<Slot>();
let timer: ReturnType<typeof setTimeout> | null = null;
/** True between a chart's render and the next animation frame (none fire in a hidden tab: charts wait). */
let waitingFrame = false;

function due(slot: Slot, now: number): number {
  return slot.last + CHART_MIN_INTERVAL_MS - now;
}

/** Runs one due job, then reschedules for the next (0 ms if another is due, else when it will be). */
function pump(): void {
  timer = null;
  const now = performance.now();
  let next: Slot | null = null;
  for (const s of slots) if (s.job && due(s, now) <= 0 && (!next || s.last < next.last)) next = s;
  if (next?.job) {
    const job = next.job;
    next.job = null;
    next.last = now;
    flushSync(job);
    // recharts batches its internal store notifications to the next animation frame: let that frame
    // (this chart's second render) run on its own before the next chart renders.
    waitingFrame = true;
    requestAnimationFrame(() => {
      waitingFrame = false;
      schedule();
    });
    return;
  }
  schedule();
}

function schedule(): void {
  if (timer !== null || waitingFrame) return;
  const now = performance.now();
  let wait = Infinity;
  for (const s of slots) if (s.job) wait = Math.min(wait, Math.max(0, due(s, now)));
  if (wait < Infinity) timer = setTimeout(pump, wait);
}

/**
 * `value`, as last shown by a paced update. A newer value replaces a queued one (the chart always
 * shows the newest data); the first value is shown at once.
 */
export function usePaced<T>(value: T): T {
  const [shown, setShown] = useState(value);
  const slot = useRef<Slot | null>(null);
  useEffect(() => {
    const s: Slot = { job: null, last: -Infinity };
    slot.current = s;
    slots.add(s);
    return () => {
      slots.delete(s);
    };
  }, []);
  useEffect(() => {
    const s = slot.current;
    if (!s) return;
    s.job = Object.is(value, shown) ? null : () => setShown(value);
    schedule();
  }, [value, shown]);
  return shown;
}
