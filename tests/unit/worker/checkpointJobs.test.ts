/**
 * The training worker's checkpoint glue on real tfjs (cpu): a session's model saved as text that the
 * core's parser reads, opened again as a trainer whose test evaluation is the saved model's, and a
 * checkpoint that does not fit refused with the core's message, leaving nothing allocated.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { openCheckpoint, openedEvent, saveCheckpoint } from '../../../app/worker/checkpointJobs';
import type { WorkerEvent } from '../../../app/worker/protocol';
import { Session } from '../../../app/worker/session';
import { parseCheckpointText, type Checkpoint } from '../../../src/checkpoint';
import { loadMnistNode } from '../../../src/data/node';
import type { MnistData } from '../../../src/data/mnist';
import { experimentSchema } from '../../../src/experiment/schema';
import { createTrainer } from '../../../src/train/trainer';
import { useCpuBackend } from '../../helpers/tf';

const EXP = experimentSchema.parse({
  data: { trainSize: 256, testSize: 128 },
  model: { hidden: [16] },
  quant: { weight: { bits: 4 }, act: { bits: 8 } },
  train: { steps: 30, batchSize: 16, reportEvery: 10, evalEvery: 1000, lr: 0.01 },
});
let data: MnistData;

beforeAll(async () => {
  await useCpuBackend();
  data = loadMnistNode();
});

/** Saves a 12-step session's model; returns its text, its test accuracy, and the events posted. */
async function savedSession(): Promise<{ text: string; accuracy: number; events: WorkerEvent[] }> {
  const trainer = await createTrainer(EXP, data);
  await trainer.run(12);
  const accuracy = (await trainer.evaluate()).testAccuracy!;
  const events: WorkerEvent[] = [];
  const session = new Session('run-1', trainer, (e) => events.push(e));
  await saveCheckpoint('req-1', session, (e) => events.push(e));
  await session.dispose();
  const saved = events.find((e) => e.type === 'checkpointSaved');
  if (saved?.type !== 'checkpointSaved') throw new Error(`not saved: ${JSON.stringify(events)}`);
  return { text: saved.text, accuracy, events };
}

describe('worker checkpoint jobs', () => {
  it('saves text the core parses, and opens it as the same model', async () => {
    const before = tf.memory().numTensors;
    const { text, accuracy, events } = await savedSession();
    expect(events.find((e) => e.type === 'checkpointSaved')).toMatchObject({
      requestId: 'req-1',
      stepsDone: 12,
    });
    const parsed = parseCheckpointText(text);
    expect(parsed.ok).toBe(true);
    const ckpt = (parsed as { value: Checkpoint }).value;
    expect(ckpt.stepsDone).toBe(12);
    expect(ckpt.experiment).toEqual(EXP);

    const posted: WorkerEvent[] = [];
    const opened = await openCheckpoint('run-2', ckpt, data, (e) => posted.push(e));
    expect(posted).toEqual([]);
    expect(opened!.trainer.stepsDone).toBe(12);
    expect(opened!.evaluation.testAccuracy).toBe(accuracy);
    const event = openedEvent('run-2', opened!);
    expect(event).toMatchObject({ type: 'opened', runId: 'run-2', stepsDone: 12 });
    if (event.type === 'opened') {
      expect(event.result.status).toBe('completed');
      expect(event.result.testAccuracy).toBe(accuracy);
    }
    opened!.trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a checkpoint that does not fit, with the core message, leaking nothing', async () => {
    const { text } = await savedSession();
    const ckpt = (parseCheckpointText(text) as { value: Checkpoint }).value;
    const wider = experimentSchema.parse({ ...EXP, model: { hidden: [24] } });
    const before = tf.memory().numTensors;
    const posted: WorkerEvent[] = [];
    expect(
      await openCheckpoint('run-3', { ...ckpt, experiment: wider }, data, (e) => posted.push(e)),
    ).toBeNull();
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ type: 'openFailed', runId: 'run-3' });
    expect(posted[0].type === 'openFailed' && posted[0].message).toBe(
      'tensor fc1/weight has shape [784,16], expected [784,24]',
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('says why there is nothing to save', async () => {
    const posted: WorkerEvent[] = [];
    await saveCheckpoint('req-9', null, (e) => posted.push(e));
    expect(posted).toEqual([
      {
        type: 'checkpointFailed',
        requestId: 'req-9',
        message: expect.stringMatching(/no longer in the worker/),
      },
    ]);
  });
});
