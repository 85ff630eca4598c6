/**
 * A curvature or pruning lesson's post-training measurement in the store, with the worker faked:
 * the next-step functions (lessonAnalysis.ts, lessonPrune.ts) start the job when the lesson's run
 * completes, wait for the Sensitivity workspace's own traces, fail with the messages of a run that
 * did not complete or left the worker, and follow the job until the claim reads its numbers.
 */
import { describe, expect, it } from 'vitest';
import { createLabStore } from '../../../app/store';
import { claimOf } from '../../../app/store/claimSelectors';
import {
  analysisResultOf,
  LESSON_ANALYSIS_MESSAGES,
  nextLessonAnalysis,
  traceJobOf,
} from '../../../app/store/lessonAnalysis';
import {
  applyPruneEvents,
  LESSON_PRUNE_MESSAGES,
  lessonPruneState,
  nextLessonPrune,
  pruneIdOf,
} from '../../../app/store/lessonPrune';
import { LADDER_REFUSALS } from '../../../app/store/ptqSlice';
import { labSummary } from '../../../app/store/summary';
import type { ClientEvent } from '../../../app/worker/protocol';
import type { PruneResult } from '../../../src/experiment/claims';
import { getPreset } from '../../../src/experiment/presets';
import type { TraceSeedsReport } from '../../../src/mixed/traceSeeds';
import { recordingEffects, report } from './fixtures';

const TRACES = 'curvature-traces-mlp';
const PRUNE = 'prune-hap-mlp';

const layer = (name: string, trace: number, traceStdErr: number) => ({
  name,
  params: 100,
  trace,
  traceStdErr,
});

/** Two probe seeds' traces 1.2 combined standard errors apart at most, ranked alike. */
const REPORT: TraceSeedsReport = {
  seeds: [
    { seed: 1, layers: [layer('fc1', 25, 3), layer('fc2', 5, 1), layer('fc3', 16, 3)], ms: 10 },
    { seed: 2, layers: [layer('fc1', 24, 2), layer('fc2', 7, 1.5), layer('fc3', 15, 2)], ms: 10 },
  ],
  agreement: { sameOrder: true, overlapping: [] },
  sensitivity: [],
};

const pruned = (method: string, afterFinetune: number): PruneResult => ({
  method,
  sparsity: 0.5,
  before: { testAccuracy: 0.95 },
  afterPrune: { testAccuracy: 0.6 },
  afterFinetune: { testAccuracy: afterFinetune },
});

function setup() {
  const { fx, calls } = recordingEffects();
  const store = createLabStore(fx);
  const s = () => store.getState();
  /** Plays lesson `id` and ends its run as `status`. */
  const playLesson = (id: string, status: 'completed' | 'stopped' = 'completed') => {
    s().loadPreset(id);
    s().play();
    const runId = s().activeRunId!;
    const experiment = s().runs[runId]!.experiment;
    s().ingest([{ type: 'progress', runId, reports: [report(50)], stepsDone: 300, stepsPerSec: 40 }]);
    const result = { experiment, status, testAccuracy: 0.94, backend: 'cpu', wallTimeMs: 1, stepsPerSec: 1 };
    s().ingest([{ type: 'done', runId, status, result }]);
    return runId;
  };
  const callsOf = (name: string) => calls.filter((c) => c[0] === name);
  return { s, playLesson, callsOf };
}

describe('a curvature lesson’s traces in the store', () => {
  it('asks the Sensitivity slice for the lesson’s traces when the run completes, then reads them', () => {
    const { s, playLesson, callsOf } = setup();
    const runId = playLesson(TRACES);
    const analysis = getPreset(TRACES)!.claim.analysis!;
    const [[, jobId, jobRun, job]] = callsOf('sensitivity') as [[string, string, string, unknown]];
    expect(jobRun).toBe(runId);
    expect(job).toEqual({
      kind: 'traces',
      options: { ...traceJobOf(analysis), bits: expect.any(Array) as unknown },
    });
    expect(s().lessons[runId]!.analysis).toMatchObject({ status: 'measuring', jobId });
    expect(labSummary(s()).claim).toMatchObject({ holds: null, final: false });

    const result = { kind: 'traces' as const, report: REPORT, ms: 5 };
    s().ingest([{ type: 'sensitivityDone', jobId, result }]);
    const claim = labSummary(s()).claim!;
    expect(claim).toMatchObject({ final: true, holds: true, analysis: { status: 'done', seeds: 2 } });
    expect(claim.measured['same ranking']).toBe(1);
    expect(claim.measured['max |t₁ − t₂| / σ']).toBeCloseTo(2 / Math.hypot(1, 1.5), 3);
    expect(claimOf(s().runs[runId]!, s().lessons[runId])!.analysis!.result).toEqual(analysisResultOf(REPORT));
    // The Sensitivity workspace shows the same traces.
    expect(s().sensTraces!.result!.report).toBe(REPORT);
  });

  it('waits while the workspace’s own traces run, and says why it failed', () => {
    const { s, playLesson, callsOf } = setup();
    s().play();
    const first = s().activeRunId!;
    s().ingest([{ type: 'progress', runId: first, reports: [report(5)], stepsDone: 5, stepsPerSec: 50 }]);
    s().pause();
    s().ingest([{ type: 'paused', runId: first, seq: s().runs[first]!.playSeq, stepsDone: 5 }]);
    s().runTraces();
    const theirs = s().sensTraces!.id;
    const runId = playLesson(TRACES);
    expect(s().lessons[runId]!.analysis).toMatchObject({
      status: 'waiting',
      message: LESSON_ANALYSIS_MESSAGES.waiting,
    });
    expect(callsOf('sensitivity')).toHaveLength(1);

    s().ingest([{ type: 'sensitivityDone', jobId: theirs, message: 'The run was replaced.' }]);
    expect(callsOf('sensitivity')).toHaveLength(2);
    const mine = s().lessons[runId]!.analysis!.jobId!;
    s().ingest([{ type: 'sensitivityDone', jobId: mine, message: 'out of memory' }]);
    expect(s().lessons[runId]!.analysis).toMatchObject({ status: 'failed', message: 'out of memory' });
    expect(labSummary(s()).claim).toMatchObject({ holds: null, final: false });
    expect(nextLessonAnalysis(s(), runId)).toEqual({ kind: 'none' });
  });

  it('a run that did not complete, or traces the user started over it, fail with their message', () => {
    const { s, playLesson } = setup();
    const stopped = playLesson(TRACES, 'stopped');
    expect(s().lessons[stopped]!.analysis).toMatchObject({
      status: 'failed',
      message: LESSON_ANALYSIS_MESSAGES.notCompleted,
    });
    const runId = playLesson(TRACES);
    expect(s().lessons[runId]!.analysis!.status).toBe('measuring');
    s().runTraces();
    expect(s().lessons[runId]!.analysis).toMatchObject({
      status: 'failed',
      message: LESSON_ANALYSIS_MESSAGES.replaced,
    });
  });

  it('a refused traces job fails the analysis with the refusal (a run with no steps)', () => {
    const { s, callsOf } = setup();
    s().loadPreset(TRACES);
    s().play();
    const runId = s().activeRunId!;
    const experiment = s().runs[runId]!.experiment;
    const result = {
      experiment,
      status: 'completed' as const,
      testAccuracy: 0.1,
      backend: 'cpu',
      wallTimeMs: 1,
      stepsPerSec: 1,
    };
    s().ingest([{ type: 'done', runId, status: 'completed', result }]);
    expect(callsOf('sensitivity')).toHaveLength(0);
    expect(s().lessons[runId]!.analysis).toMatchObject({ status: 'failed', message: LADDER_REFUSALS.none });
  });

  it('takes every probe seed of the lesson, and refuses fewer than two', () => {
    const base = { kind: 'traces' as const, probes: 5, batchSize: 32 };
    expect(traceJobOf({ ...base, seeds: [3, 4, 5] })).toEqual({ probes: 5, batchSize: 32, seeds: [3, 4, 5] });
    expect(traceJobOf({ ...base, seeds: [3] })).toBeNull();
  });
});

describe('a pruning lesson’s prunings in the store', () => {
  it('starts the prune job when the run completes, follows each method, then checks the claim', () => {
    const { s, playLesson, callsOf } = setup();
    const runId = playLesson(PRUNE);
    const prune = getPreset(PRUNE)!.claim.prune!;
    expect(callsOf('prune')).toEqual([['prune', pruneIdOf(runId), runId, prune]]);
    expect(s().lessons[runId]!.prune).toMatchObject({ status: 'measuring', pruneId: pruneIdOf(runId) });

    const pruneId = pruneIdOf(runId);
    s().ingest([{ type: 'pruneProgress', pruneId, method: 'magnitude', index: 1, total: 2 }]);
    expect(s().lessons[runId]!.prune!.progress).toEqual({ method: 'magnitude', index: 1 });
    expect(labSummary(s()).claim).toMatchObject({
      holds: null,
      final: false,
      prune: { status: 'measuring' },
    });

    const results = [pruned('hap', 0.91), pruned('magnitude', 0.89)];
    s().ingest([{ type: 'pruneDone', pruneId, results }]);
    const claim = labSummary(s()).claim!;
    expect(claim).toMatchObject({ final: true, holds: true, prune: { status: 'done', results: 2 } });
    expect(claim.measured['acc(HAP, fine-tuned)']).toBe(0.91);
    expect(s().lessons[runId]!.prune!.progress).toBeUndefined();
    expect(callsOf('prune')).toHaveLength(1); // measured once
  });

  it('fails with the job’s message, on a crash, or when its run did not complete', () => {
    const { s, playLesson } = setup();
    const stopped = playLesson(PRUNE, 'stopped');
    expect(s().lessons[stopped]!.prune).toMatchObject({
      status: 'failed',
      message: LESSON_PRUNE_MESSAGES.notCompleted,
    });
    expect(nextLessonPrune(s(), stopped)).toEqual({ kind: 'none' });

    const measuring = { ...lessonPruneState(getPreset(PRUNE)!.claim.prune!), status: 'measuring' as const };
    const mine = { ...measuring, pruneId: 'r:prune' };
    const other: ClientEvent = { type: 'pruneDone', pruneId: 'other', message: 'x' };
    expect(applyPruneEvents(mine, [other])).toBe(mine);
    expect(
      applyPruneEvents(mine, [{ type: 'pruneDone', pruneId: 'r:prune', message: 'no model' }]),
    ).toMatchObject({
      status: 'failed',
      message: 'no model',
    });
    expect(applyPruneEvents(mine, [{ type: 'crashed', runIds: [], message: 'boom' }])).toMatchObject({
      status: 'failed',
      message: 'The training worker crashed (boom).',
    });
  });

  it('a lesson run that is no longer the active one is gone', () => {
    const { s } = setup();
    s().loadPreset(PRUNE);
    s().play();
    const runId = s().activeRunId!;
    expect(nextLessonPrune(s(), runId)).toEqual({ kind: 'none' }); // still training
    const run = { ...s().runs[runId]!, phase: 'completed' as const };
    const later = { ...s(), runs: { ...s().runs, [runId]: run }, activeRunId: 'a-newer-run' };
    expect(nextLessonPrune(later, runId)).toEqual({
      kind: 'set',
      prune: { ...s().lessons[runId]!.prune!, status: 'failed', message: LESSON_PRUNE_MESSAGES.gone },
    });
  });
});
