/// <reference lib="webworker" />
/**
 * A sweep pool worker: runs one grid point at a time to the end with src/train `runExperiment`
 * (the same code path as the CLI's `run`) and posts its result. Plain data out; tensors stay here.
 * Backend picked once, single-threaded wasm (the pool already runs one worker per core).
 */
import { runExperiment } from '../../src/train/run';
import { pickBackend } from '../worker/backend';
import { loadMnist } from '../worker/mnist';
import { assertNever, type SweepCommand, type SweepWorkerEvent } from '../worker/protocol';

declare const self: DedicatedWorkerGlobalScope;

/** Minimum time between two `pointProgress` events of one point. */
const PROGRESS_EVERY_MS = 250;

let ready: Promise<unknown> | null = null;

const post = (event: SweepWorkerEvent): void => self.postMessage(event);
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function runPoint(cmd: Extract<SweepCommand, { type: 'runPoint' }>): Promise<void> {
  await ready;
  const data = await loadMnist();
  const steps = cmd.experiment.train.steps;
  let lastPost = 0;
  const {
    history: _h,
    weights: _w,
    ...result
  } = await runExperiment(cmd.experiment, data, (report) => {
    const now = performance.now();
    if (now - lastPost < PROGRESS_EVERY_MS) return;
    lastPost = now;
    post({ type: 'pointProgress', pointId: cmd.pointId, stepsDone: report.point.step, steps });
  });
  post({ type: 'pointDone', pointId: cmd.pointId, result });
}

async function handle(cmd: SweepCommand): Promise<void> {
  switch (cmd.type) {
    case 'sweepInit':
      ready = pickBackend(cmd.prefer, { allowThreads: false }).then((backend) =>
        post({ type: 'sweepReady', backend }),
      );
      await ready;
      return;
    case 'runPoint':
      await runPoint(cmd);
      return;
    default:
      assertNever(cmd);
  }
}

let queue: Promise<void> = Promise.resolve();

self.onmessage = (e: MessageEvent<SweepCommand>) => {
  const cmd = e.data;
  queue = queue.then(() =>
    handle(cmd).catch((err: unknown) =>
      post({
        type: 'pointError',
        pointId: cmd.type === 'runPoint' ? cmd.pointId : undefined,
        message: messageOf(err),
      }),
    ),
  );
};
