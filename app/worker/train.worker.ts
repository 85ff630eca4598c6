/// <reference lib="webworker" />
/**
 * The training worker: a thin adapter from protocol commands to `src/train` (docs/style.md rule 2).
 * Picks the backend once, caches the MNIST bytes, and keeps at most one live `Session`.
 * Training never runs on the main thread; this worker keeps going when the tab is hidden.
 */
import { createTrainer } from '../../src/train/trainer';
import { pickBackend } from './backend';
import { loadMnist } from './mnist';
import { assertNever, type Command, type WorkerEvent } from './protocol';
import { Session } from './session';

declare const self: DedicatedWorkerGlobalScope;

let session: Session | null = null;
let ready: Promise<unknown> | null = null;

function post(event: WorkerEvent): void {
  self.postMessage(event);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function start(
  runId: string,
  experiment: Extract<Command, { type: 'start' }>['experiment'],
): Promise<void> {
  await ready;
  const previous = session;
  session = null;
  await previous?.dispose();
  const data = await loadMnist();
  const trainer = await createTrainer(experiment, data);
  const next = new Session(runId, trainer, post);
  session = next;
  post({ type: 'started', runId });
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
      await start(cmd.runId, cmd.experiment);
      return;
    case 'play':
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
