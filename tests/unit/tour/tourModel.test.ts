/**
 * The tour's conditions on a store driven by fake effects: "load the lesson and play" starts a fresh
 * lesson run, each step's status follows the run (and the claim), and Next never waits for them.
 */
import { describe, expect, it } from 'vitest';
import { createLabStore } from '../../../app/store';
import type { LessonEffects } from '../../../app/store/lessonSlice';
import {
  FREEZE_LESSON,
  OSCILLATION_LESSON,
  type StepStatus,
  TOUR_STEPS,
} from '../../../app/components/tour/steps';
import {
  runProgressText,
  tourFacts,
  type TourFacts,
  type LessonRunFacts,
} from '../../../app/components/tour/tourModel';
import type { Experiment } from '../../../src/experiment/schema';
import type { RunResult } from '../../../src/train/types';
import { recordingEffects, report } from '../store/fixtures';

type Result = Omit<RunResult, 'history' | 'weights'>;

function setup() {
  const { fx, calls } = recordingEffects();
  const pending: { id: string; experiment: Experiment; resolve: (r: Result) => void }[] = [];
  const lessonFx: LessonEffects = {
    runCompare: (id, experiment) =>
      new Promise<Result>((resolve) => pending.push({ id, experiment, resolve })),
  };
  const store = createLabStore(fx, undefined, undefined, undefined, lessonFx);
  const s = () => store.getState();
  const status = (stepId: string): StepStatus =>
    TOUR_STEPS.find((x) => x.id === stepId)!.status!(tourFacts(s()));
  const action = (stepId: string) => TOUR_STEPS.find((x) => x.id === stepId)!.action!.run(s());
  return { s, calls, pending, status, action };
}

const resultOf = (experiment: Experiment): Result => ({
  experiment,
  status: 'completed',
  testAccuracy: 0.5,
  backend: 'wasm',
  wallTimeMs: 1,
  stepsPerSec: 1,
});

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('tour steps on the store', () => {
  it('the lesson step loads and plays the oscillation lesson; its status follows the run', () => {
    const { s, status, action } = setup();
    expect(status('run-lesson')).toEqual({ done: false, text: 'Not started yet.' });
    action('run-lesson');
    const id = s().activeRunId!;
    expect(s().presetId).toBe(OSCILLATION_LESSON);
    expect(s().lessons[id].presetId).toBe(OSCILLATION_LESSON);
    expect(status('run-lesson')).toEqual({ done: false, text: 'loading data, building the model…' });

    s().ingest([{ type: 'progress', runId: id, reports: [report(120)], stepsDone: 120, stepsPerSec: 10 }]);
    expect(status('run-lesson')).toEqual({ done: true, text: 'training… 120/400 steps' });
    expect(status('trajectories')).toEqual({ done: false, text: 'training… 120/400 steps' });

    // Pressing the offer again while the lesson trains does not start it over.
    action('run-lesson');
    expect(s().activeRunId).toBe(id);

    s().ingest([{ type: 'done', runId: id, status: 'completed', result: resultOf(s().runs[id].experiment) }]);
    expect(status('trajectories')).toEqual({ done: true, text: 'done: 120/400 steps' });
  });

  it('the freezing step resets a live oscillation run and plays the freezing lesson as a fresh run', async () => {
    const { s, calls, pending, status, action } = setup();
    action('run-lesson');
    const first = s().activeRunId!;
    s().ingest([{ type: 'progress', runId: first, reports: [report(50)], stepsDone: 50, stepsPerSec: 10 }]);
    expect(status('claim').done).toBe(false);
    expect(status('claim').text).toMatch(/once the freezing lesson runs/);

    action('freeze');
    const second = s().activeRunId!;
    expect(second).not.toBe(first);
    expect(calls.some(([name]) => name === 'reset')).toBe(true);
    expect(s().runs[first].phase).toBe('stopped');
    expect(s().presetId).toBe(FREEZE_LESSON);
    expect(s().runs[second].experiment.oscillation.freezeThreshold).toBeGreaterThan(0);
    await tick();
    // The stopped oscillation run cannot stand in: the run without freezing trains beside it.
    expect(pending.map((p) => p.id)).toEqual([`${second}:base`]);
    s().ingest([{ type: 'progress', runId: second, reports: [report(40)], stepsDone: 40, stepsPerSec: 10 }]);
    expect(status('freeze').done).toBe(true);
    expect(status('claim')).toMatchObject({ done: false });
    expect(status('claim').text).toContain(
      'freezing run training… 40/400 steps; comparison run base: training 0%',
    );
  });

  it('a completed oscillation run stands in for the freezing lesson’s comparison', async () => {
    const { s, pending, action } = setup();
    action('run-lesson');
    const first = s().activeRunId!;
    s().ingest([
      { type: 'done', runId: first, status: 'completed', result: resultOf(s().runs[first].experiment) },
    ]);
    action('freeze');
    const second = s().activeRunId!;
    await tick();
    expect(pending).toEqual([]);
    expect(tourFacts(s()).lessons[FREEZE_LESSON].compare).toEqual([
      { role: 'base', status: 'done', fraction: 1 },
    ]);
    expect(s().runs[first].phase).toBe('completed');
    expect(second).not.toBe(first);
    // Back to the first lesson: its latest run is the one the tour reads.
    s().ingest([{ type: 'progress', runId: second, reports: [report(40)], stepsDone: 40, stepsPerSec: 10 }]);
    action('run-lesson');
    const third = s().activeRunId!;
    expect(tourFacts(s()).lessons[OSCILLATION_LESSON]).toMatchObject({ runId: third, phase: 'starting' });
    expect(tourFacts(s()).lessons[FREEZE_LESSON]).toMatchObject({ runId: second, phase: 'stopped' });
  });
});

describe('the claim step', () => {
  const run = (patch: Partial<LessonRunFacts>): TourFacts => ({
    presetId: FREEZE_LESSON,
    lessons: {
      [FREEZE_LESSON]: {
        runId: 'run-2',
        phase: 'running',
        stepsDone: 200,
        steps: 400,
        holds: null,
        final: false,
        compare: [{ role: 'base', status: 'done', fraction: 1 }],
        ...patch,
      },
    },
  });
  const claim = TOUR_STEPS.find((x) => x.id === 'claim')!.status!;

  it('is done once the claim is final, and says whether it holds', () => {
    expect(claim(run({ holds: true, final: true, phase: 'completed' }))).toEqual({
      done: true,
      text: '✔ The claim holds, and it is final: both runs have finished.',
    });
    expect(claim(run({ holds: false, final: true, phase: 'completed' })).text).toMatch(
      /^✘ The claim does not hold/,
    );
    expect(claim(run({ holds: true }))).toEqual({
      done: false,
      text: '✔ so far (provisional) freezing run training… 200/400 steps; comparison run base: done',
    });
    expect(claim(run({})).text).toMatch(/^measuring… /);
  });

  it('progress reads the same in every phase', () => {
    const at = (phase: LessonRunFacts['phase']) => runProgressText({ phase, stepsDone: 120, steps: 400 });
    expect(at('starting')).toBe('loading data, building the model…');
    expect(at('paused')).toBe('paused at 120/400 steps: press play to go on');
    expect(at('diverged')).toBe('diverged at 120/400 steps');
    expect(at('completed')).toBe('done: 120/400 steps');
  });
});
