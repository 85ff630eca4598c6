/**
 * Pure reducers from client events to run state (Node-tested). The run slice calls `applyEvents` with
 * a throttled batch; nothing here touches the worker.
 */
import type { Experiment } from '../../src/experiment/schema';
import type { HistoryPoint, StepReport } from '../../src/train/types';
import type { ClientEvent } from '../worker/protocol';
import { appendAll, emptySeries } from './series';
import type { EvalRow, LabState, Notice, ReportRow, RunPhase, RunState } from './types';

/** The part of the state events change. */
export type IngestState = Pick<LabState, 'runs' | 'backend' | 'notice' | 'workerCrashes'>;

/** Phases in which the worker holds a trainer for the run. */
export const LIVE_PHASES: readonly RunPhase[] = ['starting', 'running', 'pausing', 'paused'];
/** Phases after which the next play starts a new run. */
export const isFinished = (phase: RunPhase): boolean => !LIVE_PHASES.includes(phase);

/** What to try after a divergence (shown under the reason). */
export const DIVERGED_HINT =
  'Try a smaller learning rate (e.g. 10× lower), Adam instead of SGD, more weight bits, or a smoother estimator.';

export function createRun(id: string, number: number, experiment: Experiment): RunState {
  return {
    id,
    number,
    experiment,
    phase: 'starting',
    stepsDone: 0,
    stepsPerSec: 0,
    playSeq: 0,
    reports: emptySeries(),
    evals: emptySeries(),
    twin: emptySeries(),
    frequencyHistogram: null,
    weightHistograms: [],
    marks: [],
    pendingChanges: [],
  };
}

function evalRow(p: HistoryPoint): EvalRow | null {
  if (p.testAccuracy === undefined) return null;
  return {
    step: p.step,
    testAccuracy: p.testAccuracy,
    testLoss: p.testLoss,
    testAccuracyBnReestimated: p.testAccuracyBnReestimated,
  };
}

/** Folds a chunk's reports into the run's bounded series. */
export function appendReports(run: RunState, reports: StepReport[]): RunState {
  if (reports.length === 0) return run;
  const rows: ReportRow[] = reports.map((r) => ({ point: r.point, layers: r.layers, samples: r.samples }));
  const evals = reports.map((r) => evalRow(r.point)).filter((e): e is EvalRow => e !== null);
  const twins = reports.flatMap((r) => (r.twin ? [r.twin] : []));
  const lastHist = [...reports].reverse().find((r) => r.frequencyHistogram)?.frequencyHistogram;
  return {
    ...run,
    reports: appendAll(run.reports, rows),
    evals: appendAll(run.evals, evals),
    twin: appendAll(run.twin, twins),
    frequencyHistogram: lastHist ?? run.frequencyHistogram,
  };
}

function withRun(s: IngestState, id: string, fn: (run: RunState) => RunState): IngestState {
  const run = s.runs[id];
  return run ? { ...s, runs: { ...s.runs, [id]: fn(run) } } : s;
}

/** A live change was acknowledged: mark it, or (refused) report that the run needs a reset. */
function acknowledge(run: RunState, applied: boolean, step: number): RunState {
  const [head, ...rest] = run.pendingChanges;
  if (!head) return run;
  if (!applied)
    return {
      ...run,
      pendingChanges: rest,
      phase: 'stopped',
      reason: `The trainer cannot apply "${head.label}" mid-run; press play for a fresh run.`,
    };
  return {
    ...run,
    pendingChanges: rest,
    experiment: head.experiment,
    marks: [...run.marks, { step, label: head.label }].slice(-50),
  };
}

/** Applies one client event. */
export function applyEvent(s: IngestState, e: ClientEvent): IngestState {
  switch (e.type) {
    case 'ready':
      return { ...s, backend: e.backend };
    case 'started':
      return withRun(s, e.runId, (r) => (r.phase === 'starting' ? { ...r, phase: 'running' } : r));
    case 'progress':
      return withRun(s, e.runId, (r) => ({
        ...appendReports(r, e.reports),
        phase: r.phase === 'starting' ? 'running' : r.phase,
        stepsDone: e.stepsDone,
        stepsPerSec: e.stepsPerSec,
      }));
    case 'weights':
      return withRun(s, e.runId, (r) => ({ ...r, weightHistograms: e.histograms }));
    case 'paused':
      return withRun(s, e.runId, (r) =>
        e.seq === r.playSeq && !isFinished(r.phase) ? { ...r, phase: 'paused', stepsDone: e.stepsDone } : r,
      );
    case 'updated':
      return withRun(s, e.runId, (r) => acknowledge(r, e.applied, e.step));
    case 'done':
      return withRun(s, e.runId, (r) => ({
        ...r,
        phase: e.status,
        reason: e.reason,
        result: e.result,
        stepsPerSec: e.result.stepsPerSec || r.stepsPerSec,
      }));
    case 'error': {
      if (e.runId === undefined) return { ...s, notice: { kind: 'error', id: 'worker', text: e.message } };
      return withRun(s, e.runId, (r) => ({ ...r, phase: 'failed', reason: e.message }));
    }
    case 'ladderCell':
    case 'ladderDone':
    case 'calibrationDone':
    case 'sensitivityDone':
    case 'sensitivityProgress':
    case 'deployDone':
    case 'pruneProgress':
    case 'pruneDone':
      return s; // the jobs' own events (their slices: ptqSelectors.ts, sensitivitySlice.ts, deploySlice.ts, lessonPrune.ts)
    case 'opened':
      // An opened checkpoint: a finished run at its step, with the worker's test evaluation.
      return withRun(s, e.runId, (r) => ({
        ...r,
        evals: appendAll(
          r.evals,
          [evalRow(e.evaluation)].filter((x): x is EvalRow => x !== null),
        ),
        phase: 'completed',
        stepsDone: e.stepsDone,
        result: e.result,
      }));
    case 'openFailed':
    case 'checkpointSaved':
    case 'checkpointFailed':
      return s; // the checkpoint slice's (checkpointSlice.ts)
    case 'crashed': {
      let next: IngestState = { ...s, workerCrashes: s.workerCrashes + 1 };
      for (const id of e.runIds) {
        // A finished run kept for the ladder lost only its trainer, not its result.
        next = withRun(next, id, (r) =>
          isFinished(r.phase)
            ? r
            : {
                ...r,
                phase: 'crashed',
                reason: `The training worker crashed: ${e.message}`,
              },
        );
      }
      const notice: Notice = {
        kind: 'error',
        id: 'crash',
        text: `The training worker crashed (${e.message}). It was restarted; earlier runs are kept. Press play to train again.`,
      };
      return { ...next, notice };
    }
  }
}

/** Applies a batch in order. */
export function applyEvents(s: IngestState, events: ClientEvent[]): IngestState {
  return events.reduce(applyEvent, s);
}
