/**
 * The Sensitivity workspace's jobs in the training worker (docs/mixed.md §6): thin glue from a
 * `sensitivity` command to src/mixed over the session's trained model, run between training chunks
 * on the session's trainer chain. An allocation or the frontier needs no model: it is solved by HiGHS, whose wasm
 * the app serves itself (a Vite `?url` asset, never a CDN). One answer per command.
 */
import highsWasm from 'highs/runtime?url';
import type { MnistData } from '../../src/data/mnist';
import { allocateAtFraction } from '../../src/mixed/budget';
import { allocationFrontier } from '../../src/mixed/frontier';
import { loadSolver } from '../../src/mixed/ilp';
import { cheapSensitivity } from '../../src/mixed/layerSensitivity';
import { traceSeeds } from '../../src/mixed/traceSeeds';
import { QuantTrainer } from '../../src/train/trainer';
import { LADDER_TWIN, LADDER_WHILE_TRAINING } from './ladderJob';
import type { Command, SensitivityResult, WorkerEvent } from './protocol';
import { yieldToEvents, type Session } from './session';

/** HiGHS loaded from the app's own copy of its wasm. */
export const loadLocalSolver = () => loadSolver({ locateFile: () => highsWasm });

export async function runSensitivityJob(
  session: Session | null,
  cmd: Extract<Command, { type: 'sensitivity' }>,
  data: MnistData,
  post: (e: WorkerEvent) => void,
): Promise<void> {
  const fail = (message: string) => post({ type: 'sensitivityDone', jobId: cmd.jobId, message });
  const start = performance.now();
  const ms = () => performance.now() - start;
  const { job } = cmd;
  try {
    if (job.kind === 'allocate') {
      const allocation = allocateAtFraction(
        await loadLocalSolver(),
        job.experiment,
        job.sensitivity,
        job.request,
      );
      return post({
        type: 'sensitivityDone',
        jobId: cmd.jobId,
        result: { kind: 'allocate', allocation, ms: ms() },
      });
    }
    if (job.kind === 'frontier') {
      const frontier = allocationFrontier(
        await loadLocalSolver(),
        job.experiment,
        job.sensitivity,
        job.request,
      );
      return post({
        type: 'sensitivityDone',
        jobId: cmd.jobId,
        result: { kind: 'frontier', frontier, ms: ms() },
      });
    }
    if (!session) return fail('That run is no longer in the worker: train a model first.');
    if (session.isPlaying) return fail(LADDER_WHILE_TRAINING);
    const result = await session.withTrainer(async (t): Promise<SensitivityResult> => {
      if (!(t instanceof QuantTrainer)) throw new Error(LADDER_TWIN);
      if (job.kind === 'cheap')
        return {
          kind: 'cheap',
          report: await cheapSensitivity(t.model, t.experiment, data, job.options),
          ms: 0,
        };
      const report = await traceSeeds(t.model, t.experiment, data, job.options, yieldToEvents);
      return { kind: 'traces', report, ms: 0 };
    });
    if (!result) return fail('The run was replaced.');
    post({ type: 'sensitivityDone', jobId: cmd.jobId, result: { ...result, ms: ms() } });
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
}
