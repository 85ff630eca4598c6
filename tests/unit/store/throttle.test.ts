import { describe, expect, it } from 'vitest';
import { createEventThrottle, type Clock } from '../../../app/store/throttle';
import type { ClientEvent } from '../../../app/worker/protocol';

function fakeClock() {
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const t = { at: now + ms, fn };
      timers.push(t);
      return t;
    },
    clearTimeout: (h) => {
      const i = timers.indexOf(h as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers.filter((x) => x.at <= now)) {
      timers.splice(timers.indexOf(t), 1);
      t.fn();
    }
  };
  return { clock, advance };
}

const progress = (n: number): ClientEvent => ({
  type: 'progress',
  runId: 'r',
  reports: [],
  stepsDone: n,
  stepsPerSec: 1,
});

describe('event throttle', () => {
  it('flushes progress at most every interval (≤ 10 Hz) and keeps order', () => {
    const { clock, advance } = fakeClock();
    const batches: ClientEvent[][] = [];
    const t = createEventThrottle((b) => batches.push(b), 100, clock);
    // 1 s of progress events every 10 ms.
    for (let i = 0; i < 100; i++) {
      t.push(progress(i));
      advance(10);
    }
    t.flush();
    expect(batches.length).toBeLessThanOrEqual(11);
    expect(batches.flat().map((e) => (e.type === 'progress' ? e.stepsDone : -1))).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    );
  });

  it('control events flush at once, after buffered progress', () => {
    const { clock, advance } = fakeClock();
    const batches: ClientEvent[][] = [];
    const t = createEventThrottle((b) => batches.push(b), 100, clock);
    t.push(progress(1));
    advance(10);
    t.push(progress(2));
    t.push({ type: 'paused', runId: 'r', seq: 1, stepsDone: 2 });
    expect(batches.map((b) => b.map((e) => e.type))).toEqual([['progress'], ['progress', 'paused']]);
  });
});
