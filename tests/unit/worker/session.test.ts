/**
 * The worker's Session (app/worker/session.ts) driving a run steering, the bits learned during QAT
 * (docs/mixed.md §7), with real tfjs in Node: its chunks stop at the steering's `nextStop`, and the
 * run it trains is step for step the one `runExperiment` trains (same history, same result), with
 * the `qbitopt` record on the `done` event. The experiment's `qbitopt` carries the options.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkerEvent } from '../../../app/worker/protocol';
import { Session } from '../../../app/worker/session';
import { loadMnistNode } from '../../../src/data/node';
import { experimentSchema, type Experiment } from '../../../src/experiment/schema';
import { qbitoptConfigOf, qbitoptOptionsOf, qbitoptSteering } from '../../../src/mixed/qbitopt';
import { initBackend } from '../../../src/tensor/backend';
import { runExperiment } from '../../../src/train/run';
import { createTrainer } from '../../../src/train/trainer';

const data = loadMnistNode();

/** A small MLP learning its bits every 20 steps under a BOPs budget between all-2 and all-8 bits. */
const EXP: Experiment = experimentSchema.parse({
  seed: 3,
  data: { trainSize: 512, testSize: 128 },
  model: { arch: 'mlp', hidden: [32, 16] },
  quant: { weight: { bits: 4 }, act: { bits: 4 } },
  train: { steps: 70, batchSize: 16, reportEvery: 10, evalEvery: 70 },
  qbitopt: { axis: 'bops', budget: 400_000, every: 20, probes: 1, batch: 16, freeze: 0.2 },
});

beforeAll(async () => {
  await initBackend('cpu');
});

/** Plays a session of `exp` to the end; resolves with every event it posted. */
async function playToEnd(exp: Experiment): Promise<WorkerEvent[]> {
  const events: WorkerEvent[] = [];
  const trainer = await createTrainer(exp, data);
  const options = qbitoptOptionsOf(exp);
  const steering = options && qbitoptSteering(data, options);
  const done = new Promise<void>((resolve, reject) => {
    const session = new Session(
      'r1',
      trainer,
      (e) => {
        events.push(e);
        if (e.type === 'done') void session.dispose().then(resolve);
        if (e.type === 'error') reject(new Error(e.message));
      },
      steering,
    );
    session.play(1, null);
  });
  await done;
  return events;
}

describe('Session with a run steering', () => {
  it('trains the run runExperiment trains, with the qbitopt record on done', async () => {
    const events = await playToEnd(EXP);
    const done = events.find((e) => e.type === 'done');
    expect(done?.type).toBe('done');
    if (done?.type !== 'done') return;
    const q = done.result.qbitopt!;
    expect(q.history.map((h) => h.step)).toEqual([0, 20, 40]);
    expect(q.final.cost.bops).toBeLessThanOrEqual(EXP.qbitopt!.budget);
    // No chunk crosses a re-allocation step.
    const ends = events.flatMap((e) => (e.type === 'progress' ? [e.stepsDone] : []));
    for (const step of [20, 40]) expect(ends).toContain(step);

    const reference = await runExperiment(EXP, data, undefined, {
      steering: qbitoptSteering(data, qbitoptOptionsOf(EXP)!),
    });
    expect(q.history).toEqual(reference.qbitopt!.history);
    expect(done.result.testAccuracy).toBe(reference.testAccuracy);
    expect(done.result.experiment.quant.layers).toEqual(reference.experiment.quant.layers);
    const losses = events.flatMap((e) => (e.type === 'progress' ? e.reports.map((r) => r.point.loss) : []));
    expect(losses).toEqual(reference.history.map((h) => h.loss));
  });

  it('without a steering, trains to the end with no record', async () => {
    const events = await playToEnd({ ...EXP, qbitopt: undefined, train: { ...EXP.train, steps: 30 } });
    const done = events.find((e) => e.type === 'done');
    expect(done?.type === 'done' && done.result.status).toBe('completed');
    expect(done?.type === 'done' && done.result.qbitopt).toBeUndefined();
  });

  it("the experiment's qbitopt is the runner's options and back", () => {
    const o = qbitoptOptionsOf(EXP)!;
    expect(o).toMatchObject({ axis: 'bops', budget: 400_000, every: 20, probes: 1, batchSize: 16, seed: 3 });
    expect(o).toMatchObject({ bits: [2, 3, 4, 8], freeze: 0.2, momentum: 0.5, actBits: 'tied' });
    expect(qbitoptConfigOf(o)).toEqual(EXP.qbitopt);
    expect(qbitoptOptionsOf({ ...EXP, qbitopt: undefined })).toBeUndefined();
  });
});
