/**
 * A curvature and a pruning lesson in the store with the training worker's real job handlers on
 * real tfjs (cpu): the store's `start` builds the run's trainer in a worker `Session`, its
 * `sensitivity` and `prune` effects run app/worker/sensitivityJob.ts and pruneJob.ts on it, and
 * their events go back through `ingest`. The lesson's run trains a few steps only (the claim's
 * verdict is not the point here: that its numbers arrive, final, from the worker's jobs is).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createLabStore } from '../../../app/store';
import { labSummary } from '../../../app/store/summary';
import { runPruneJob } from '../../../app/worker/pruneJob';
import type { WorkerEvent } from '../../../app/worker/protocol';
import { runSensitivityJob } from '../../../app/worker/sensitivityJob';
import { Session } from '../../../app/worker/session';
import { serializeCheckpoint } from '../../../src/checkpoint/format';
import type { MnistData } from '../../../src/data/mnist';
import { loadMnistNode } from '../../../src/data/node';
import { createTrainer } from '../../../src/train/trainer';
import type { Trainer } from '../../../src/train/types';
import { useCpuBackend } from '../../helpers/tf';
import { recordingEffects } from './fixtures';

let data: MnistData;

beforeAll(async () => {
  await useCpuBackend();
  data = loadMnistNode();
});

/** A store whose worker effects run the real jobs on one session (the worker's `live(runId)`). */
function workerStore() {
  const { fx } = recordingEffects();
  let session: Session | null = null;
  const jobs: Promise<unknown>[] = [];
  const events: WorkerEvent[] = [];
  const post = (e: WorkerEvent) => {
    events.push(e);
    store.getState().ingest([e]);
  };
  const live = (runId: string) => (session?.runId === runId ? session : null);
  const store = createLabStore({
    ...fx,
    start: (runId, experiment) => {
      jobs.push(
        createTrainer(experiment, data).then((t) => {
          session = new Session(runId, t, () => {});
        }),
      );
    },
    sensitivity: (jobId, runId, job) =>
      void jobs.push(runSensitivityJob(live(runId), { type: 'sensitivity', jobId, runId, job }, data, post)),
    prune: (pruneId, runId, prune) =>
      void jobs.push(runPruneJob(live(runId), { type: 'prune', pruneId, runId, prune }, data, post)),
  });
  const s = () => store.getState();
  /** Waits for every job started so far, and for those they started. */
  const settle = async () => {
    for (let done = 0; done < jobs.length; done = jobs.length) await Promise.all(jobs.slice(done));
  };
  const withTrainer = <T>(fn: (t: Trainer) => Promise<T>) => session!.withTrainer(fn) as Promise<T>;
  /** The run's trained weights, as a checkpoint encodes them. */
  const weights = () =>
    withTrainer(async (t) => JSON.parse(serializeCheckpoint(await t.checkpoint!())).weightData);
  /** Plays lesson `id`, trains its model `steps` steps and completes the run; its weights. */
  const completeLesson = async (id: string, steps: number) => {
    s().loadPreset(id);
    s().play();
    await settle();
    const runId = s().activeRunId!;
    s().ingest([{ type: 'progress', runId, reports: [], stepsDone: steps, stepsPerSec: 100 }]);
    const testAccuracy = await withTrainer(async (t) => {
      await t.run(steps);
      return (await t.evaluate()).testAccuracy!;
    });
    const model = await weights();
    const experiment = s().runs[runId]!.experiment;
    const result = { experiment, status: 'completed' as const, testAccuracy, backend: 'cpu', wallTimeMs: 1 };
    s().ingest([{ type: 'done', runId, status: 'completed', result: { ...result, stepsPerSec: 1 } }]);
    return { runId, model };
  };
  return { s, events, settle, completeLesson, weights };
}

describe('lessons measured by the training worker’s jobs', () => {
  it('the traces lesson: the traces job’s result makes the claim final with numbers', async () => {
    const { s, events, settle, completeLesson } = workerStore();
    const { runId } = await completeLesson('curvature-traces-mlp', 20);
    expect(s().lessons[runId]!.analysis!.status).toBe('measuring');
    await settle();
    expect(events.map((e) => e.type)).toContain('sensitivityDone');
    const lesson = s().lessons[runId]!;
    expect(lesson.analysis).toMatchObject({ status: 'done', result: { kind: 'traces', final: true } });
    expect(lesson.analysis!.result!.seeds.map((x) => x.seed)).toEqual([1, 2]);
    expect(lesson.analysis!.result!.seeds[0]!.layers.map((l) => l.name)).toEqual(['fc1', 'fc2', 'fc3']);
    const claim = labSummary(s()).claim!;
    expect(claim.final).toBe(true);
    expect(claim.holds).not.toBeNull();
    expect(Number.isFinite(claim.measured['max |t₁ − t₂| / σ'])).toBe(true);
    expect([0, 1]).toContain(claim.measured['same ranking']);
  }, 240_000);

  it('the pruning lesson: each method prunes a copy, the run’s model stays as it was', async () => {
    const { s, events, settle, completeLesson, weights } = workerStore();
    const { runId, model } = await completeLesson('prune-hap-mlp', 40);
    await settle();
    const progress = events.filter((e) => e.type === 'pruneProgress').map((e) => e.method);
    expect(progress).toEqual(['hap', 'magnitude']);
    const prune = s().lessons[runId]!.prune!;
    expect(prune.status).toBe('done');
    expect(prune.results.map((r) => r.method)).toEqual(['hap', 'magnitude']);
    for (const r of prune.results) {
      expect(r.sparsity).toBe(0.5);
      for (const acc of [r.before, r.afterPrune, r.afterFinetune].map((x) => x.testAccuracy)) {
        expect(acc).toBeGreaterThanOrEqual(0);
        expect(acc).toBeLessThanOrEqual(1);
      }
    }
    // Both start from the same trained model, so they agree on its accuracy before pruning.
    expect(prune.results[0]!.before.testAccuracy).toBe(prune.results[1]!.before.testAccuracy);
    expect(await weights()).toBe(model);
    const claim = labSummary(s()).claim!;
    expect(claim).toMatchObject({ final: true, prune: { status: 'done', results: 2 } });
    expect(claim.holds).toBe(
      claim.measured['acc(HAP, fine-tuned)']! > claim.measured['acc(magnitude, fine-tuned)']!,
    );
  }, 300_000);
});
