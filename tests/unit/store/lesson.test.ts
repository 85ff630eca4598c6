/**
 * A lesson in the store: playing a loaded preset starts its compare runs beside the training run,
 * and the claim is provisional until both have finished, then final with ✔ or ✘ from the numbers.
 */
import { describe, expect, it } from 'vitest';
import { createLabStore } from '../../../app/store';
import { claimOf } from '../../../app/store/claimSelectors';
import type { LessonEffects } from '../../../app/store/lessonSlice';
import { labSummary } from '../../../app/store/summary';
import { getPreset } from '../../../src/experiment/presets';
import type { Experiment } from '../../../src/experiment/schema';
import type { RunResult } from '../../../src/train/types';
import { recordingEffects, report } from './fixtures';

type Result = Omit<RunResult, 'history' | 'weights'>;

/** Compare runs that finish when the test says so. */
function controlledLessons() {
  const pending: { id: string; experiment: Experiment; resolve: (r: Result) => void }[] = [];
  const fx: LessonEffects = {
    runCompare: (id, experiment) =>
      new Promise<Result>((resolve) => pending.push({ id, experiment, resolve })),
  };
  return { fx, pending };
}

const resultOf = (experiment: Experiment, testAccuracy: number): Result => ({
  experiment,
  status: 'completed',
  testAccuracy,
  backend: 'wasm',
  wallTimeMs: 1,
  stepsPerSec: 1,
});

function setup() {
  const { fx } = recordingEffects();
  const lessons = controlledLessons();
  const store = createLabStore(fx, undefined, undefined, undefined, lessons.fx);
  return { store, s: () => store.getState(), pending: lessons.pending };
}

describe('lessons in the store', () => {
  it('playing a lesson trains its compare run; the claim turns final when both runs end', async () => {
    const { s, pending } = setup();
    s().loadPreset('w2a2-mlp');
    s().play();
    const id = s().activeRunId!;
    await Promise.resolve();
    expect(pending.map((p) => p.id)).toEqual([`${id}:fl8`]);
    expect(pending[0].experiment.quant.firstLastBits8).toBe(true);
    expect(pending[0].experiment.seed).toBe(getPreset('w2a2-mlp')!.experiment.seed);

    // The run reports a test accuracy of 0.5 at step 50; the compare run is still training.
    s().ingest([{ type: 'progress', runId: id, reports: [report(50)], stepsDone: 50, stepsPerSec: 10 }]);
    let claim = labSummary(s()).claim!;
    expect(claim.holds).toBeNull();
    expect(claim.final).toBe(false);
    expect(claim.compare).toEqual([{ role: 'fl8', status: 'running' }]);

    pending[0].resolve(resultOf(pending[0].experiment, 0.6));
    await new Promise((r) => setTimeout(r, 0));
    claim = labSummary(s()).claim!;
    expect(claim.measured).toEqual({ acc: 0.5, 'acc(first/last 8)': 0.6 });
    expect(claim.holds).toBe(true);
    expect(claim.final).toBe(false); // the lesson's own run has not finished

    const run = s().runs[id];
    s().ingest([{ type: 'done', runId: id, status: 'completed', result: resultOf(run.experiment, 0.595) }]);
    claim = labSummary(s()).claim!;
    expect(claim.final).toBe(true);
    expect(claim.holds).toBe(false); // 0.6 − 0.595 < 0.01
    expect(claimOf(s().runs[id], s().lessons[id])!.preset.id).toBe('w2a2-mlp');
  });

  it('a run reset before its first step takes its lesson along: the next run (same id) gets its own', () => {
    const { s } = setup();
    s().loadPreset('oscillations-w3-dscnn-freeze');
    s().play();
    const id = s().activeRunId!;
    s().reset();
    s().loadPreset('oscillations-w3-dscnn');
    s().play();
    expect(s().activeRunId).toBe(id);
    expect(s().lessons[id].presetId).toBe('oscillations-w3-dscnn');
    expect(labSummary(s()).claim!.compare).toEqual([]);
  });

  it('a run without a lesson has no claim, and replaying a lesson reuses its compare results', async () => {
    const { s, pending } = setup();
    s().play();
    expect(labSummary(s()).claim).toBeNull();
    s().reset();
    s().loadPreset('w2a2-mlp');
    s().play();
    await Promise.resolve();
    pending[0].resolve(resultOf(pending[0].experiment, 0.6));
    await new Promise((r) => setTimeout(r, 0));
    s().reset();
    s().play();
    await new Promise((r) => setTimeout(r, 0));
    expect(pending).toHaveLength(1);
    expect(labSummary(s()).claim!.compare).toEqual([{ role: 'fl8', status: 'done' }]);
  });
});
