/// <reference lib="webworker" />
/**
 * The training worker: a thin adapter from protocol commands to `src/train` (docs/style.md rule 2).
 * Picks the backend once, caches the MNIST bytes, and keeps at most one live `Session`.
 * Training never runs on the main thread; this worker keeps going when the tab is hidden.
 */
import type { MnistData } from '../../src/data/mnist';
import type { Experiment } from '../../src/experiment/schema';
import { checkBudget, qbitoptOptionsOf, qbitoptSteering } from '../../src/mixed/qbitopt';
import { hessianTraces } from '../../src/mixed/sensitivity';
import type { RunSteering } from '../../src/train/run';
import { createTrainer } from '../../src/train/trainer';
import { pickBackend } from './backend';
import { runCalibrationView } from './calibrationJob';
import { openCheckpoint, openedEvent, saveCheckpoint } from './checkpointJobs';
import { runDeployJob } from './deployJob';
import { LadderJob } from './ladderJob';
import { loadMnist } from './mnist';
import { assertNever, type Command, type WorkerEvent } from './protocol';
import { runPruneJob } from './pruneJob';
import { Session } from './session';
import { loadLocalSolver, runSensitivityJob } from './sensitivityJob';

declare const self: DedicatedWorkerGlobalScope;

let session: Session | null = null;
let ready: Promise<unknown> | null = null;
/** The post-training ladder in progress (at most one: a newer one cancels it). */
let ladder: LadderJob | null = null;

function post(event: WorkerEvent): void {
  self.postMessage(event);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function start({ runId, experiment, from }: Extract<Command, { type: 'start' }>): Promise<void> {
  await ready;
  const previous = session;
  session = null;
  await previous?.dispose();
  const data = await loadMnist();
  // From a checkpoint, a CheckpointError names what does not fit (the run fails with it).
  const trainer = await createTrainer(experiment, data, from ? { from } : {});
  const next = new Session(runId, trainer, post, steeringOf(experiment, data));
  session = next;
  post({ type: 'started', runId });
  await next.snapshot();
}

/**
 * The bits learned during QAT of an experiment with `qbitopt` (docs/mixed.md §7), on HiGHS served by
 * the app; a budget below the cheapest allocation throws before training (the run fails with it).
 */
function steeringOf(experiment: Experiment, data: MnistData): RunSteering | undefined {
  const options = qbitoptOptionsOf(experiment);
  if (!options) return undefined;
  checkBudget(experiment, options);
  return qbitoptSteering(data, options, hessianTraces, loadLocalSolver);
}

/** Starts a ladder over run `runId`'s model, detached: commands keep flowing while it runs. */
async function startLadder(cmd: Extract<Command, { type: 'ladder' }>): Promise<void> {
  ladder?.cancel('A newer ladder replaced it.');
  ladder = null;
  const s = live(cmd.runId);
  if (!s) {
    const message = 'That run is no longer in the worker: train a model first.';
    return post({ type: 'ladderDone', ladderId: cmd.ladderId, status: 'error', message });
  }
  const job = new LadderJob(cmd.ladderId, s, cmd.request, await loadMnist(), post);
  ladder = job;
  void job.run().finally(() => {
    if (ladder === job) ladder = null;
  });
}

/** Opens a checkpoint as run `runId`; the current session is replaced only once the model is built. */
async function open(cmd: Extract<Command, { type: 'open' }>): Promise<void> {
  await ready;
  const opened = await openCheckpoint(cmd.runId, cmd.checkpoint, await loadMnist(), post);
  if (!opened) return;
  ladder?.cancel('A checkpoint was opened: the ladder measures the model it replaced.');
  const previous = session;
  const next = new Session(cmd.runId, opened.trainer, post);
  session = next;
  await previous?.dispose();
  post(openedEvent(cmd.runId, opened));
  await next.snapshot();
}

/** The session of `runId`, or null for a stale command (a run superseded in this worker). */
function live(runId: string): Session | null {
  return session && session.runId === runId ? session : null;
}

async function handle(cmd: Command): Promise<void> {
  switch (cmd.type) {
    case 'init':
      ready = pickBackend(cmd.prefer).then((backend) => post({ type: 'ready', backend }));
      await ready;
      return;
    case 'start':
      await start(cmd);
      return;
    case 'play':
      // Training changes the model the ladder measures: it stops after its current cell.
      ladder?.cancel('Training resumed: the ladder measures the model as it stands.');
      live(cmd.runId)?.play(cmd.seq, cmd.untilStep ?? null);
      return;
    case 'pause':
      live(cmd.runId)?.pause();
      return;
    case 'update':
      await live(cmd.runId)?.update(cmd.experiment);
      return;
    case 'stop': {
      const s = live(cmd.runId);
      if (s) session = null;
      await s?.dispose();
      return;
    }
    case 'ladder':
      await startLadder(cmd);
      return;
    case 'calibration':
      await runCalibrationView(live(cmd.runId), cmd, await loadMnist(), post);
      return;
    case 'sensitivity':
      await runSensitivityJob(live(cmd.runId), cmd, await loadMnist(), post);
      return;
    case 'deploy':
      await runDeployJob(live(cmd.runId), cmd, await loadMnist(), post);
      return;
    case 'prune':
      await runPruneJob(live(cmd.runId), cmd, await loadMnist(), post);
      return;
    case 'ladderCancel':
      if (ladder?.id === cmd.ladderId) ladder.cancel('Stopped.');
      return;
    case 'checkpoint':
      await saveCheckpoint(cmd.requestId, live(cmd.runId), post);
      return;
    case 'open':
      await open(cmd);
      return;
    case 'crash':
      // Test hook: an uncaught error outside any promise reaches the Worker's 'error' event.
      setTimeout(() => {
        throw new Error('simulated worker crash (test hook)');
      });
      return;
    default:
      assertNever(cmd);
  }
}

/** Commands run in arrival order ('play' right after 'start' must find the new session). */
let queue: Promise<void> = Promise.resolve();

self.onmessage = (e: MessageEvent<Command>) => {
  const cmd = e.data;
  queue = queue.then(() =>
    handle(cmd).catch((err: unknown) => {
      post({ type: 'error', runId: 'runId' in cmd ? cmd.runId : undefined, message: messageOf(err) });
    }),
  );
};
