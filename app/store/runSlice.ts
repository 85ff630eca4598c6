/**
 * Run slice: runs by id (status + bounded histories), the transport actions and how a config change
 * reaches a live run. Side effects go through the injected `LabEffects` (the worker client).
 */
import type { StateCreator } from 'zustand/vanilla';
import type { Experiment } from '../../src/experiment/schema';
import { applyEvents, createRun, isFinished, LIVE_PHASES } from './ingest';
import { describeChange, resetReasons } from './liveChange';
import { endLadder } from './ptqSelectors';
import type { RunStart } from '../worker/protocol';
import type { LabEffects, LabState, RunSlice, RunState } from './types';

/** Runs kept in memory (each bounded); the oldest finished ones are dropped first. */
export const MAX_RUNS = 8;

export type Get = () => LabState;
export type Set = (partial: Partial<LabState>) => void;

export function activeRun(s: Pick<LabState, 'runs' | 'activeRunId'>): RunState | null {
  return s.activeRunId ? (s.runs[s.activeRunId] ?? null) : null;
}

/** The active run when the worker still holds its trainer. */
export function liveRun(s: Pick<LabState, 'runs' | 'activeRunId'>): RunState | null {
  const run = activeRun(s);
  return run && LIVE_PHASES.includes(run.phase) ? run : null;
}

export function patchRun(get: Get, set: Set, id: string, patch: Partial<RunState>): void {
  const run = get().runs[id];
  if (run) set({ runs: { ...get().runs, [id]: { ...run, ...patch } } });
}

/** Adds a run of `experiment` to the list (not active), dropping the oldest finished ones past {@link MAX_RUNS}. */
export function addRun(get: Get, set: Set, experiment: Experiment, patch: Partial<RunState> = {}): RunState {
  const s = get();
  const number = s.runOrder.reduce((m, id) => Math.max(m, s.runs[id]?.number ?? 0), 0) + 1;
  const id = `run-${number}`;
  const run = { ...createRun(id, number, experiment), ...patch };
  let order = [...s.runOrder, id];
  const runs = { ...s.runs, [id]: run };
  while (order.length > MAX_RUNS) {
    const drop = order.find((rid) => rid !== id && isFinished(runs[rid].phase)) ?? order[0];
    delete runs[drop];
    order = order.filter((rid) => rid !== drop);
  }
  set({ runs, runOrder: order });
  return run;
}

/** Starts a new active run of the current experiment (from a checkpoint with `from`). */
export function startRun(get: Get, set: Set, fx: LabEffects, from?: RunStart): RunState {
  const s = get();
  // A finished run's trainer stays in the worker (for the post-training ladder) until now.
  const previous = activeRun(s);
  if (previous && isFinished(previous.phase)) fx.stop(previous.id);
  const run = addRun(get, set, s.experiment);
  set({ activeRunId: run.id, viewRunId: null });
  fx.start(run.id, s.experiment, from);
  return run;
}

export function playRun(get: Get, set: Set, fx: LabEffects, run: RunState, untilStep?: number): void {
  const seq = run.playSeq + 1;
  patchRun(get, set, run.id, { playSeq: seq, phase: run.phase === 'starting' ? 'starting' : 'running' });
  fx.play(run.id, seq, untilStep);
}

/** Drops a run from the worker; keeps it in the list if it has anything to show. */
function retire(get: Get, set: Set, fx: LabEffects, run: RunState, reason: string): void {
  fx.stop(run.id);
  const s = get();
  if (run.stepsDone === 0) {
    const { [run.id]: _gone, ...runs } = s.runs;
    // Its lesson goes too: the next run reuses this id and must get a lesson of its own.
    const { [run.id]: _lesson, ...lessons } = s.lessons;
    set({ runs, runOrder: s.runOrder.filter((id) => id !== run.id), activeRunId: null, lessons });
  } else {
    patchRun(get, set, run.id, { phase: 'stopped', reason });
    set({ activeRunId: null });
  }
}

/**
 * A new experiment while a run is live: reset-only sections (model, data, seed, twin) retire the run
 * visibly and, if it was playing, start a fresh one; everything else goes to `trainer.update` and is
 * marked on the charts when the worker acknowledges it.
 */
export function applyLiveChange(get: Get, set: Set, fx: LabEffects, next: Experiment): void {
  const run = liveRun(get());
  if (!run) return;
  const base = run.pendingChanges.at(-1)?.experiment ?? run.experiment;
  const reasons = resetReasons(base, next);
  if (reasons.length > 0) {
    const wasPlaying = run.phase === 'running' || run.phase === 'starting';
    retire(get, set, fx, run, `Reset: the ${reasons.join(', ')} changed.`);
    set({
      notice: {
        kind: 'info',
        id: 'reset',
        text: `Changing the ${reasons.join(', ')} needs a fresh model: run ${run.number} was reset${wasPlaying ? ' and a new run started' : ''}.`,
      },
    });
    if (wasPlaying) get().play();
    return;
  }
  const labels = describeChange(base, next);
  if (labels.length === 0) return;
  patchRun(get, set, run.id, {
    pendingChanges: [...run.pendingChanges, { label: labels.join(', '), experiment: next }],
  });
  fx.update(run.id, next);
}

export function createRunSlice(fx: LabEffects): StateCreator<LabState, [], [], RunSlice> {
  return (set, get) => ({
    runs: {},
    runOrder: [],
    activeRunId: null,
    play: () => {
      let run = activeRun(get());
      if (run && (run.phase === 'running' || run.phase === 'starting')) return;
      if (!run || isFinished(run.phase)) run = startRun(get, set, fx);
      const n = get().autoPauseAfter;
      playRun(get, set, fx, run, n ? run.stepsDone + n : undefined);
    },
    pause: () => {
      const run = liveRun(get());
      if (!run || !(run.phase === 'running' || run.phase === 'starting')) return;
      patchRun(get, set, run.id, { phase: 'pausing' });
      fx.pause(run.id);
    },
    step: () => {
      let run = activeRun(get());
      if (run && (run.phase === 'running' || run.phase === 'starting')) return get().pause();
      if (!run || isFinished(run.phase)) run = startRun(get, set, fx);
      playRun(get, set, fx, run, run.stepsDone + get().experiment.train.reportEvery);
    },
    reset: () => {
      const run = activeRun(get());
      fx.reset();
      if (run && !isFinished(run.phase)) retire(get, set, fx, run, 'Reset.');
      const ladder = endLadder(get().ladder, 'cancelled', 'Reset: the worker was restarted.');
      set({ activeRunId: null, viewRunId: null, notice: null, ladder, calibration: null });
    },
    ingest: (events) => {
      const s = get();
      set(applyEvents(s, events));
      get().ingestLadder(events);
      get().ingestCalibration(events);
      get().ingestSensitivity(events);
      get().ingestDeploy(events);
      get().ingestLessonPrune(events);
      get().ingestCheckpoints(events);
      // A finished run's trainer stays in the worker until the next run starts (startRun), so the
      // post-training ladder can quantize it.
      for (const e of events) {
        if (e.type === 'updated' && !e.applied) {
          fx.stop(e.runId);
          set({
            activeRunId: null,
            notice: { kind: 'info', id: 'reset', text: get().runs[e.runId]?.reason ?? 'Run reset.' },
          });
        }
      }
    },
  });
}
