/**
 * The checkpoint slice with recorded effects and a real checkpoint (encoded by the core on cpu):
 * saving stores the worker's text, bad files change nothing and name what is wrong, an opened
 * checkpoint becomes the active run the ladder can quantize, and fine-tuning starts from it.
 */
import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createCheckpointStore } from '../../../app/persist/checkpointStore';
import { createRunStore } from '../../../app/persist/runStore';
import { createLabStore } from '../../../app/store';
import { ladderSource } from '../../../app/store/ptqSelectors';
import { seriesPoints } from '../../../app/store/series';
import { encodeCheckpoint, modelState, serializeCheckpoint } from '../../../src/checkpoint';
import { experimentSchema, DEFAULT_EXPERIMENT, type Experiment } from '../../../src/experiment/schema';
import { QuantModel } from '../../../src/models/build';
import { createQuantizer } from '../../../src/quant/quantizer';
import { initBackend } from '../../../src/tensor/backend';
import { recordingEffects, report } from './fixtures';

const EXP: Experiment = experimentSchema.parse({
  data: { trainSize: 256, testSize: 64 },
  model: { hidden: [16] },
  quant: { weight: { bits: 32 }, act: { bits: 32 } },
  train: { steps: 40 },
});
let text: string;

beforeAll(async () => {
  await initBackend('cpu');
  const model = QuantModel.build(EXP, createQuantizer);
  const named = modelState(model);
  text = serializeCheckpoint(await encodeCheckpoint({ experiment: EXP, stepsDone: 40 }, named));
  tf.dispose(Object.values(named));
  model.dispose();
});

let dbs = 0;
function setup() {
  const { fx, calls } = recordingEffects();
  const checkpointStore = createCheckpointStore({ dbName: `ckpt-slice-${++dbs}` });
  const runStore = createRunStore({ dbName: `ckpt-runs-${dbs}` });
  const store = createLabStore(fx, DEFAULT_EXPERIMENT, undefined, runStore, undefined, checkpointStore);
  return { store, calls, checkpointStore, s: () => store.getState() };
}
const RESULT = {
  status: 'completed' as const,
  testAccuracy: 0.8,
  backend: 'cpu',
  wallTimeMs: 10,
  stepsPerSec: 5,
  experiment: DEFAULT_EXPERIMENT,
};

/** A store with one completed run (run-1) trained to step 50. */
function withCompletedRun() {
  const t = setup();
  t.s().play();
  t.s().ingest([{ type: 'progress', runId: 'run-1', reports: [report(50)], stepsDone: 50, stepsPerSec: 50 }]);
  t.s().ingest([{ type: 'done', runId: 'run-1', status: 'completed', result: RESULT }]);
  return t;
}

describe('checkpoint slice', () => {
  it('refuses to save without a model, and says why', () => {
    const { s, calls } = setup();
    s().saveCheckpoint();
    expect(s().notice?.text).toMatch(/no model to save/);
    expect(calls.some((c) => c[0] === 'saveCheckpoint')).toBe(false);
  });

  it("saves a finished run's model: the worker's text is stored, listed and read back", async () => {
    const { s, calls, checkpointStore } = withCompletedRun();
    s().saveCheckpoint();
    const call = calls.find((c) => c[0] === 'saveCheckpoint')!;
    expect(call[2]).toBe('run-1');
    expect(s().checkpointBusy).toMatch(/Saving the model of run 1/);
    s().ingest([
      { type: 'checkpointSaved', requestId: call[1] as string, text, experiment: EXP, stepsDone: 50 },
    ]);
    expect(s().checkpointBusy).toBeNull();
    await vi.waitFor(() => expect(s().checkpoints).toHaveLength(1));
    const saved = s().checkpoints[0];
    expect(saved).toMatchObject({ stepsDone: 50, sizeBytes: text.length, testAccuracy: 0.5 });
    expect(saved.name).toMatch(/^#1 W4A4 mlp .* · step 50$/);
    expect(s().notice).toMatchObject({ kind: 'info', id: 'checkpoint' });
    expect(await s().readCheckpoint(saved.id)).toBe(text);
    expect((await checkpointStore.list()).checkpoints.map((c) => c.id)).toEqual([saved.id]);
  });

  it('a failed save is a notice naming why', () => {
    const { s, calls } = withCompletedRun();
    s().saveCheckpoint();
    const requestId = calls.find((c) => c[0] === 'saveCheckpoint')![1] as string;
    s().ingest([{ type: 'checkpointFailed', requestId, message: 'That run is no longer in the worker' }]);
    expect(s().notice?.text).toBe('Could not save the checkpoint: That run is no longer in the worker');
    expect(s().checkpointBusy).toBeNull();
  });

  it.each([
    ['truncated', () => text.slice(0, 2000), /^Could not open m\.ckpt: truncated: the JSON ends early/],
    ['foreign', () => '{"hello": 1}', /^Could not open m\.ckpt: not a checkpoint: no 'format' field/],
    [
      'newer',
      () => text.replace('"version":1', '"version":2'),
      /written by a newer Quant Lab \(version 2\); this one reads version 1/,
    ],
  ])('a %s file is refused with its reason and changes nothing', (_kind, make, message) => {
    const { s, calls } = withCompletedRun();
    const before = { runs: s().runs, order: s().runOrder, active: s().activeRunId };
    expect(s().openCheckpointText(make(), 'm.ckpt')).toBe(false);
    expect(s().notice).toMatchObject({ kind: 'error', id: 'checkpoint' });
    expect(s().notice?.text).toMatch(message);
    expect({ runs: s().runs, order: s().runOrder, active: s().activeRunId }).toEqual(before);
    expect(calls.some((c) => c[0] === 'open')).toBe(false);
  });

  it('an opened checkpoint becomes the active run the ladder can quantize', () => {
    const { s, calls } = withCompletedRun();
    expect(s().openCheckpointText(text, 'float-mlp')).toBe(true);
    const open = calls.find((c) => c[0] === 'open')!;
    expect(open[1]).toBe('run-2');
    expect(s().runs['run-2']).toMatchObject({ phase: 'starting', openedFrom: 'float-mlp' });
    expect(s().activeRunId).toBe('run-1'); // nothing replaced until the worker has the model
    s().ingest([
      {
        type: 'opened',
        runId: 'run-2',
        stepsDone: 40,
        evaluation: { step: 40, loss: 0, trainAccuracy: 0, lr: 0, testAccuracy: 0.75 },
        result: { ...RESULT, experiment: EXP, testAccuracy: 0.75 },
      },
    ]);
    const run = s().runs['run-2'];
    expect(run).toMatchObject({ phase: 'completed', stepsDone: 40 });
    expect(run.result?.testAccuracy).toBe(0.75);
    expect(seriesPoints(run.evals).map((e) => e.testAccuracy)).toEqual([0.75]);
    expect(s().activeRunId).toBe('run-2');
    expect(s().experiment).toEqual(EXP);
    expect(calls).toContainEqual(['stop', 'run-1']);
    expect(s().runs['run-1'].phase).toBe('completed'); // its result is kept
    expect(ladderSource(s()).kind).toBe('ready');
    expect(s().fineTuneRunId).toBe('run-2');
  });

  it('a checkpoint the worker cannot load leaves the runs as they were', () => {
    const { s, calls } = withCompletedRun();
    s().openCheckpointText(text, 'odd');
    s().ingest([{ type: 'openFailed', runId: 'run-2', message: 'missing tensor fc1/bias' }]);
    expect(s().runOrder).toEqual(['run-1']);
    expect(s().activeRunId).toBe('run-1');
    expect(s().notice?.text).toBe('Could not open odd: missing tensor fc1/bias');
    expect(calls).toContainEqual(['stop', 'run-2']);
    expect(s().checkpointBusy).toBeNull();
  });

  it('fine-tunes from an opened checkpoint: a new run from it, steps from 0', () => {
    const { s, calls } = setup();
    expect(s().fineTuneOpened()).toBe(false);
    s().openCheckpointText(text, 'float-mlp');
    s().ingest([
      {
        type: 'opened',
        runId: 'run-1',
        stepsDone: 40,
        evaluation: { step: 40, loss: 0, trainAccuracy: 0, lr: 0, testAccuracy: 0.7 },
        result: { ...RESULT, experiment: EXP },
      },
    ]);
    s().updateExperiment((e) => ({ ...e, quant: { ...e.quant, weight: { ...e.quant.weight, bits: 4 } } }));
    expect(s().fineTuneOpened()).toBe(true);
    const start = calls.filter((c) => c[0] === 'start').at(-1)!;
    expect(start[1]).toBe('run-2');
    expect((start[2] as Experiment).quant.weight.bits).toBe(4);
    expect(start[3]).toMatchObject({ finetune: true, checkpoint: { stepsDone: 40 } });
    expect(calls.at(-1)?.[0]).toBe('play');
    expect(s().runs['run-2'].openedFrom).toBe('float-mlp');
    expect(s().fineTuneRunId).toBeNull();
  });

  it('deletes a saved checkpoint from the list and the database', async () => {
    const { s, checkpointStore } = setup();
    await checkpointStore.save(
      { id: 'c1', name: 'c1', createdAt: 1, experiment: EXP, stepsDone: 1, sizeBytes: 4 },
      'text',
    );
    await s().loadCheckpoints();
    expect(s().checkpoints.map((c) => c.id)).toEqual(['c1']);
    await s().deleteCheckpoint('c1');
    expect(s().checkpoints).toEqual([]);
    expect(await checkpointStore.read('c1')).toBeNull();
  });
});
