import { describe, expect, it } from 'vitest';
import { createLabStore } from '../../../app/store';
import { labSummary } from '../../../app/store/summary';
import { seriesPoints } from '../../../app/store/series';
import { DEFAULT_EXPERIMENT } from '../../../src/experiment/schema';
import { recordingEffects, report } from './fixtures';

function setup() {
  const { fx, calls } = recordingEffects();
  const store = createLabStore(fx);
  return { store, calls, s: () => store.getState() };
}

describe('run slice', () => {
  it('play starts a run and sends start + play; progress moves it to running', () => {
    const { s, calls } = setup();
    s().play();
    const id = s().activeRunId!;
    expect(calls.map((c) => c[0])).toEqual(['start', 'play']);
    expect(s().runs[id].phase).toBe('starting');
    s().ingest([
      { type: 'progress', runId: id, reports: [report(5), report(10)], stepsDone: 10, stepsPerSec: 50 },
    ]);
    expect(s().runs[id].phase).toBe('running');
    expect(seriesPoints(s().runs[id].reports)).toHaveLength(2);
  });

  it('auto-pause asks the worker to stop N steps later', () => {
    const { s, calls } = setup();
    s().setAutoPauseAfter(100);
    s().play();
    expect(calls[1]).toEqual(['play', s().activeRunId, 1, 100]);
  });

  it('a paused event of an older play is ignored', () => {
    const { s } = setup();
    s().play();
    const id = s().activeRunId!;
    s().pause();
    expect(s().runs[id].phase).toBe('pausing');
    s().play(); // seq 2
    s().ingest([{ type: 'paused', runId: id, seq: 1, stepsDone: 20 }]);
    expect(s().runs[id].phase).toBe('running');
    s().pause();
    s().ingest([{ type: 'paused', runId: id, seq: 2, stepsDone: 30 }]);
    expect(s().runs[id].phase).toBe('paused');
  });

  it('step plays one report interval', () => {
    const { s, calls } = setup();
    s().step();
    expect(calls.at(-1)).toEqual(['play', s().activeRunId, 1, DEFAULT_EXPERIMENT.train.reportEvery]);
  });

  it('a live change is sent to the worker and marked when acknowledged', () => {
    const { s, calls } = setup();
    s().play();
    const id = s().activeRunId!;
    s().updateExperiment((e) => ({ ...e, estimator: { ...e.estimator, name: 'tanh' } }));
    expect(calls.at(-1)?.[0]).toBe('update');
    s().ingest([{ type: 'updated', runId: id, applied: true, step: 120 }]);
    expect(s().runs[id].marks).toEqual([{ step: 120, label: 'estimator → tanh' }]);
    expect(s().runs[id].experiment.estimator.name).toBe('tanh');
    expect(s().activeRunId).toBe(id);
  });

  it('a model change resets visibly and, when playing, starts a fresh run', () => {
    const { s, calls } = setup();
    s().play();
    const first = s().activeRunId!;
    s().ingest([{ type: 'progress', runId: first, reports: [report(5)], stepsDone: 5, stepsPerSec: 50 }]);
    s().updateExperiment((e) => ({ ...e, model: { ...e.model, arch: 'cnn' } }));
    expect(s().runs[first].phase).toBe('stopped');
    expect(s().notice?.id).toBe('reset');
    expect(s().activeRunId).not.toBe(first);
    expect(calls.filter((c) => c[0] === 'start')).toHaveLength(2);
  });

  it('divergence ends the run with a banner reason; a crash marks live runs and keeps the others', () => {
    const { s } = setup();
    s().play();
    const a = s().activeRunId!;
    const result = {
      experiment: DEFAULT_EXPERIMENT,
      status: 'diverged' as const,
      testAccuracy: 0.1,
      backend: 'wasm',
      wallTimeMs: 1,
      stepsPerSec: 1,
    };
    s().ingest([{ type: 'done', runId: a, status: 'diverged', reason: 'loss is NaN at step 12', result }]);
    expect(labSummary(s()).banner).toBe('diverged');
    s().play();
    const b = s().activeRunId!;
    expect(b).not.toBe(a);
    s().ingest([{ type: 'crashed', runIds: [b], message: 'boom' }]);
    expect(s().runs[a].phase).toBe('diverged');
    expect(s().runs[b].phase).toBe('crashed');
    expect(s().notice?.id).toBe('crash');
    expect(s().workerCrashes).toBe(1);
  });

  it('reset keeps a run that has steps, as stopped', () => {
    const { s, calls } = setup();
    s().play();
    const id = s().activeRunId!;
    s().ingest([{ type: 'progress', runId: id, reports: [report(5)], stepsDone: 5, stepsPerSec: 50 }]);
    s().reset();
    expect(calls.some((c) => c[0] === 'reset')).toBe(true);
    expect(s().activeRunId).toBeNull();
    expect(s().runs[id].phase).toBe('stopped');
  });
});
