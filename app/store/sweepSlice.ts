/**
 * Sweep slice: the sweep form, the progress of the running sweep, every finished sweep
 * point (browser sweeps and imported CLI sweep files), the Pareto chart's cost axis and selection.
 * Side effects (the worker pool) go through the injected {@link SweepEffects}; state stays plain.
 */
import type { StateCreator } from 'zustand/vanilla';
import { COST_AXES, type CostAxis } from '../../src/cost/types';
import {
  CANCELLED,
  parseSweepFile,
  type GridPoint,
  type PoolProgress,
  type Settled,
  type SweepFailure,
  type SweepPoint,
} from '../../src/sweep';
import { DEFAULT_SWEEP_SETTINGS, planSweep, sweepEtaMs, type SweepSettings } from './sweepPlan';
import type { LabState } from './types';

export * from './sweepPlan';

/** A finished sweep point with where it came from; `key` is unique across sweeps and files. */
export interface SweepEntry extends SweepPoint {
  key: string;
  source: 'sweep' | 'file';
  /** "sweep 2" or the imported file's name. */
  batch: string;
}

export type SweepPhase = 'idle' | 'running' | 'done' | 'cancelled' | 'failed';

/** Progress of the current (or last) browser sweep. */
export interface SweepRun {
  /** Increments per sweep; callbacks of an older sweep are ignored. */
  id: number;
  phase: SweepPhase;
  total: number;
  done: number;
  failed: number;
  workers: number;
  /** ms since the sweep started, at the last event. */
  elapsedMs: number;
  /** Estimated ms to finish (NaN until there is progress). */
  etaMs: number;
  /** Fraction done (0–1) of each running point. */
  partial: Record<string, number>;
  failures: SweepFailure[];
  /** Why the sweep could not start (invalid grid). */
  error: string | null;
}

export interface SweepState {
  settings: SweepSettings;
  run: SweepRun;
  points: SweepEntry[];
  /** Cost axis of the Pareto chart (and its frontier). */
  axis: CostAxis;
  /** Key of the Pareto point whose details are shown (sweep entry key or run id). */
  selected: string | null;
  /** Pool size with `workers: null` (one per core, capped): the form's "auto". */
  maxWorkers: number;
}

export interface SweepSlice {
  sweep: SweepState;
  setSweepSettings: (patch: Partial<SweepSettings>) => void;
  /** Expands the grid from the current experiment and runs it on the pool. */
  startSweep: () => void;
  /** Stops starting points and terminates the busy workers; finished points stay. */
  cancelSweep: () => void;
  /** Adds the points of a CLI sweep file (`quant-lab sweep --out`); returns the error text or null. */
  importSweep: (json: unknown, name: string) => string | null;
  clearSweepPoints: () => void;
  setCostAxis: (axis: CostAxis) => void;
  selectParetoPoint: (key: string | null) => void;
}

/** Callbacks of one sweep, from the runner to the store. */
export interface SweepListener {
  onPointProgress: (pointId: string, fraction: number) => void;
  onSettled: (outcome: Settled<SweepPoint>, point: GridPoint, progress: PoolProgress) => void;
}

/** The worker pool, injected (app/sweep/workerPool.ts in the browser, a fake in Node tests). */
export interface SweepEffects {
  /** Workers a sweep will use for `requested` (null = one per core, capped). */
  poolSize: (requested: number | null) => number;
  /** Runs every point; resolves when all have settled (cancelled ones included). */
  run: (points: readonly GridPoint[], workers: number, listener: SweepListener) => Promise<void>;
  cancel: () => void;
}

/** Effects for stores without a pool (tests of other slices, Node). */
export const NO_SWEEP_EFFECTS: SweepEffects = {
  poolSize: () => 1,
  run: () => Promise.reject(new Error('no sweep runner in this environment')),
  cancel: () => undefined,
};

const IDLE_RUN: SweepRun = {
  id: 0,
  phase: 'idle',
  total: 0,
  done: 0,
  failed: 0,
  workers: 0,
  elapsedMs: 0,
  etaMs: NaN,
  partial: {},
  failures: [],
  error: null,
};

export function createSweepSlice(
  fx: SweepEffects,
  now: () => number = () => performance.now(),
): StateCreator<LabState, [], [], SweepSlice> {
  return (set, get) => {
    const patchSweep = (patch: Partial<SweepState>) => set({ sweep: { ...get().sweep, ...patch } });
    /** Applies `patch(run)` only while sweep `id` is the current one. */
    const patchRun = (
      id: number,
      patch: (run: SweepRun) => Partial<SweepRun>,
      extra: Partial<SweepState> = {},
    ) => {
      const { run } = get().sweep;
      if (run.id === id) patchSweep({ run: { ...run, ...patch(run) }, ...extra });
    };
    return {
      sweep: {
        settings: DEFAULT_SWEEP_SETTINGS,
        run: IDLE_RUN,
        points: [],
        axis: 'acev2',
        selected: null,
        maxWorkers: fx.poolSize(null),
      },
      setSweepSettings: (patch) => patchSweep({ settings: { ...get().sweep.settings, ...patch } }),
      startSweep: () => {
        const { sweep, experiment } = get();
        if (sweep.run.phase === 'running') return;
        const id = sweep.run.id + 1;
        let points: GridPoint[];
        try {
          points = planSweep(experiment, sweep.settings);
        } catch (err) {
          return patchSweep({
            run: {
              ...IDLE_RUN,
              id,
              phase: 'failed',
              error: err instanceof Error ? err.message : String(err),
            },
          });
        }
        if (points.length === 0)
          return patchSweep({
            run: { ...IDLE_RUN, id, phase: 'failed', error: 'Pick at least one bitwidth and one width.' },
          });
        const workers = Math.min(fx.poolSize(sweep.settings.workers), Math.max(1, points.length));
        const t0 = now();
        const batch = `sweep ${id}`;
        patchSweep({ run: { ...IDLE_RUN, id, phase: 'running', total: points.length, workers } });
        const listener: SweepListener = {
          onPointProgress: (pointId, fraction) =>
            patchRun(id, (run) => {
              const partial = { ...run.partial, [pointId]: Math.min(1, Math.max(0, fraction)) };
              const elapsedMs = now() - t0;
              return { partial, elapsedMs, etaMs: sweepEtaMs({ ...run, partial }, elapsedMs) };
            }),
          onSettled: (outcome, point) =>
            patchRun(
              id,
              (run) => {
                const { [point.id]: _gone, ...partial } = run.partial;
                // A cancelled point is neither done nor failed: it just never ran (to the end).
                const error = outcome.ok || outcome.error === CANCELLED ? null : outcome.error;
                const done = outcome.ok ? run.done + 1 : run.done;
                const failed = error === null ? run.failed : run.failed + 1;
                const failures = error === null ? run.failures : [...run.failures, { id: point.id, error }];
                const elapsedMs = now() - t0;
                return {
                  partial,
                  done,
                  failed,
                  failures,
                  elapsedMs,
                  etaMs: sweepEtaMs({ done, failed, total: run.total, partial }, elapsedMs),
                };
              },
              outcome.ok
                ? {
                    points: [
                      ...get().sweep.points,
                      { ...outcome.value, key: `${batch}/${point.id}`, source: 'sweep', batch },
                    ],
                  }
                : {},
            ),
        };
        fx.run(points, workers, listener).then(
          () =>
            patchRun(id, (run) => ({
              phase: run.phase === 'cancelled' ? 'cancelled' : 'done',
              partial: {},
              elapsedMs: now() - t0,
              etaMs: 0,
            })),
          (err: unknown) =>
            patchRun(id, () => ({
              phase: 'failed',
              partial: {},
              error: err instanceof Error ? err.message : String(err),
            })),
        );
      },
      cancelSweep: () => {
        const { run } = get().sweep;
        if (run.phase !== 'running') return;
        patchSweep({ run: { ...run, phase: 'cancelled', partial: {} } });
        fx.cancel();
      },
      importSweep: (json, name) => {
        const parsed = parseSweepFile(json);
        if (!parsed.ok) return `${name}: ${parsed.error}`;
        const batch = name;
        const entries: SweepEntry[] = parsed.value.points.map((p) => ({
          ...p,
          key: `${batch}/${p.id}`,
          source: 'file',
          batch,
        }));
        const keys = new Set(entries.map((e) => e.key));
        // Re-importing a file replaces its points instead of doubling them.
        patchSweep({ points: [...get().sweep.points.filter((p) => !keys.has(p.key)), ...entries] });
        return null;
      },
      clearSweepPoints: () => patchSweep({ points: [], selected: null }),
      setCostAxis: (axis) => patchSweep({ axis: COST_AXES.includes(axis) ? axis : 'acev2' }),
      selectParetoPoint: (key) => patchSweep({ selected: key }),
    };
  };
}
