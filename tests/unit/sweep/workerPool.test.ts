/**
 * The browser sweep runner's worker lifetime (app/sweep/workerPool.ts), with a stand-in Worker that
 * answers the sweep protocol: workers outlive a sweep and are reused, cancel terminates only the
 * busy ones, a crashed worker is replaced, idle workers are terminated after the idle time.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BrowserSweepRunner } from '../../../app/sweep/workerPool';
import type { SweepListener } from '../../../app/store/sweepSlice';
import type { SweepCommand, SweepWorkerEvent } from '../../../app/worker/protocol';
import { DEFAULT_EXPERIMENT } from '../../../src/experiment/schema';
import { expandGrid, type GridPoint } from '../../../src/sweep';

/** Answers `runPoint` after `delayMs`, or not at all while `hold` is set; `crashOn` point ids throw. */
class FakeWorker {
  static all: FakeWorker[] = [];
  static delayMs = 5;
  static hold = false;
  static crashOn = new Set<string>();
  onmessage: ((e: MessageEvent<SweepWorkerEvent>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  terminated = false;
  points: string[] = [];

  constructor() {
    FakeWorker.all.push(this);
  }

  postMessage(cmd: SweepCommand): void {
    if (cmd.type !== 'runPoint' || FakeWorker.hold) return;
    this.points.push(cmd.pointId);
    setTimeout(() => {
      if (this.terminated) return;
      if (FakeWorker.crashOn.has(cmd.pointId)) {
        this.onerror?.({ message: 'worker crashed', preventDefault: () => undefined } as ErrorEvent);
        return;
      }
      const result = { experiment: cmd.experiment, status: 'done', testAccuracy: 0.9, wallTimeMs: 1 };
      this.onmessage?.({
        data: { type: 'pointDone', pointId: cmd.pointId, result },
      } as MessageEvent<SweepWorkerEvent>);
    }, FakeWorker.delayMs);
  }

  terminate(): void {
    this.terminated = true;
  }

  static live(): FakeWorker[] {
    return FakeWorker.all.filter((w) => !w.terminated);
  }
}

const points = (n: number): GridPoint[] =>
  expandGrid(DEFAULT_EXPERIMENT, { weightBits: [2, 3, 4, 5, 6, 8].slice(0, n) });

function listener(): SweepListener & { ok: number; failed: string[] } {
  const l = {
    ok: 0,
    failed: [] as string[],
    onPointProgress: () => undefined,
    onSettled: (o: { ok: boolean; error?: unknown }) => {
      if (o.ok) l.ok++;
      else l.failed.push(String(o.error));
    },
  };
  return l as SweepListener & { ok: number; failed: string[] };
}

const runner = (idleTerminateMs = 60_000) =>
  new BrowserSweepRunner({
    createWorker: () => new FakeWorker() as unknown as Worker,
    cores: 2,
    idleTerminateMs,
  });

afterEach(() => {
  FakeWorker.all = [];
  FakeWorker.hold = false;
  FakeWorker.crashOn.clear();
});

describe('BrowserSweepRunner worker lifetime', () => {
  it('keeps its workers for the next sweep instead of starting new ones', async () => {
    const r = runner();
    const first = listener();
    await r.run(points(4), 2, first);
    expect(first.ok).toBe(4);
    expect(FakeWorker.all).toHaveLength(2);
    expect(r.idleWorkers).toBe(2);
    const second = listener();
    await r.run(points(5), 2, second);
    expect(second.ok).toBe(5);
    expect(FakeWorker.all).toHaveLength(2); // no new worker: both reused
    expect(FakeWorker.all.every((w) => w.points.length > 0)).toBe(true);
    // A smaller sweep uses one of them and leaves the other idle, alive.
    await r.run(points(2), 1, listener());
    expect(FakeWorker.all).toHaveLength(2);
    expect(FakeWorker.live()).toHaveLength(2);
    r.dispose();
    expect(FakeWorker.live()).toHaveLength(0);
    expect(r.idleWorkers).toBe(0);
  });

  it('cancel terminates the busy workers only; the next sweep starts fresh ones for them', async () => {
    const r = runner();
    await r.run(points(3), 3, listener());
    FakeWorker.hold = true; // points never finish
    const l = listener();
    const running = r.run(points(2), 2, l);
    await new Promise((resolve) => setTimeout(resolve, 10));
    r.cancel();
    await running;
    expect(l.ok).toBe(0);
    expect(FakeWorker.live()).toHaveLength(1); // the third, idle one
    FakeWorker.hold = false;
    const next = listener();
    await r.run(points(3), 2, next);
    expect(next.ok).toBe(3);
    expect(FakeWorker.all).toHaveLength(4); // the idle one reused, one new
    r.dispose();
  });

  it('replaces a crashed worker and reports its point as failed', async () => {
    const r = runner();
    const pts = points(4);
    FakeWorker.crashOn.add(pts[0].id);
    const l = listener();
    await r.run(pts, 2, l);
    expect(l.ok).toBe(3);
    expect(l.failed).toHaveLength(1);
    expect(l.failed[0]).toMatch(/crashed/);
    expect(FakeWorker.live()).toHaveLength(r.idleWorkers);
    expect(FakeWorker.all.filter((w) => w.terminated)).toHaveLength(1);
    r.dispose();
  });

  it('terminates idle workers after the idle time, not during a sweep', async () => {
    vi.useFakeTimers();
    try {
      const r = runner(1000);
      const done = r.run(points(2), 2, listener());
      await vi.advanceTimersByTimeAsync(FakeWorker.delayMs * 4);
      await done;
      expect(FakeWorker.live()).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(900); // < 1000 ms since the sweep ended
      expect(FakeWorker.live()).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(200);
      expect(FakeWorker.live()).toHaveLength(0);
      expect(r.idleWorkers).toBe(0);
      // Workers whose sweep outlasts the idle time stay alive through it.
      FakeWorker.delayMs = 1500;
      const long = r.run(points(2), 2, listener());
      await vi.advanceTimersByTimeAsync(1200);
      expect(FakeWorker.live()).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(400);
      await long;
      expect(FakeWorker.live()).toHaveLength(2);
      r.dispose();
    } finally {
      FakeWorker.delayMs = 5;
      vi.useRealTimers();
    }
  });
});
