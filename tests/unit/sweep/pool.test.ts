/** The concurrency pool: bound, order, failures, cancellation, ETA. */
import { describe, expect, it } from 'vitest';
import { CANCELLED, estimateEtaMs, runPool } from '../../../src/sweep/pool';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('runPool', () => {
  it('never runs more than `concurrency` at once; results in input order; failures collected', async () => {
    let running = 0;
    let peak = 0;
    const progress: number[] = [];
    const out = await runPool(
      [1, 2, 3, 4, 5, 6],
      2,
      async (x) => {
        running++;
        peak = Math.max(peak, running);
        await tick();
        running--;
        if (x === 3) throw new Error('boom');
        return x * 10;
      },
      { onSettled: (_o, _i, p) => progress.push(p.done) },
    );
    expect(peak).toBe(2);
    expect(out.map((o) => (o.ok ? o.value : o.error))).toEqual([10, 20, 'boom', 40, 50, 60]);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('abort: unstarted tasks settle as cancelled', async () => {
    const ctrl = new AbortController();
    const out = await runPool(
      [1, 2, 3, 4],
      1,
      async (x) => {
        if (x === 2) ctrl.abort();
        await tick();
        return x;
      },
      { signal: ctrl.signal },
    );
    expect(out.map((o) => (o.ok ? o.value : o.error))).toEqual([1, 2, CANCELLED, CANCELLED]);
  });

  it('with weights, starts the heaviest first and still returns results in input order', async () => {
    const started: number[] = [];
    const out = await runPool(
      [3, 9, 1, 9, 5],
      1,
      async (x, index) => {
        started.push(index);
        await tick();
        return x;
      },
      { weight: (x) => x },
    );
    // Stable among equal weights: index 1 before index 3.
    expect(started).toEqual([1, 3, 4, 0, 2]);
    expect(out.map((o) => (o.ok ? o.value : o.error))).toEqual([3, 9, 1, 9, 5]);
  });

  it('ETA from the mean time per settled task', () => {
    expect(estimateEtaMs(2, 10, 1000)).toBe(4000);
    expect(estimateEtaMs(0, 10, 1000)).toBeNaN();
  });
});
