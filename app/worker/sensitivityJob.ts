/**
 * The Sensitivity workspace's jobs in the training worker (docs/mixed.md §6): thin glue from a
 * `sensitivity` command to src/mixed over the session's trained model, run between training chunks
 * on the session's trainer chain. An allocation or the frontier needs no model: it is solved by HiGHS, whose wasm
 * the app serves itself (a Vite `?url` asset, never a CDN). One answer per command.
 */
import highsWasm from 'highs/runtime?url';
import type { MnistData } from '../../src/data/mnist';
import { disposeBatch, sampleBatch } from '../../src/hessian/analyze';
import { analyzeSpectrum, type SpectrumPhase } from '../../src/hessian/spectrumReport';
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

/** Minimum time between two progress events of one phase (the job runs synchronously between them). */
const PROGRESS_EVERY_MS = 200;

/** Posts a job's progress: at each new phase, at its end, and at most every PROGRESS_EVERY_MS. */
function progressPoster(jobId: string, post: (e: WorkerEvent) => void) {
  let last = { phase: '', at: 0 };
  return (phase: SpectrumPhase, done: number, total: number) => {
    const now = performance.now();
    if (phase === last.phase && now - last.at < PROGRESS_EVERY_MS && done < total) return;
    last = { phase, at: now };
    post({ type: 'sensitivityProgress', jobId, phase, done, total });
  };
}

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
    if (job.kind === 'allocate' || job.kind === 'frontier') {
      // Plain data in, HiGHS in the worker: no model needed.
      const solver = await loadLocalSolver();
      const { experiment, sensitivity } = job;
      const result: SensitivityResult =
        job.kind === 'allocate'
          ? {
              kind: 'allocate',
              allocation: allocateAtFraction(solver, experiment, sensitivity, job.request),
              ms: 0,
            }
          : {
              kind: 'frontier',
              frontier: allocationFrontier(solver, experiment, sensitivity, job.request),
              ms: 0,
            };
      return post({ type: 'sensitivityDone', jobId: cmd.jobId, result: { ...result, ms: ms() } });
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
      if (job.kind === 'traces') {
        const report = await traceSeeds(t.model, t.experiment, data, job.options, yieldToEvents);
        return { kind: 'traces', report, ms: 0 };
      }
      // The traces' batch: the same images, drawn with the experiment's seed (docs/hessian.md §7).
      const batch = sampleBatch(data.train, job.batchSize, t.experiment.seed);
      try {
        const report = await analyzeSpectrum(
          t.model,
          batch,
          job.options,
          progressPoster(cmd.jobId, post),
          yieldToEvents,
        );
        return { kind: 'spectrum', report, ms: 0 };
      } finally {
        disposeBatch(batch);
      }
    });
    if (!result) return fail('The run was replaced.');
    post({ type: 'sensitivityDone', jobId: cmd.jobId, result: { ...result, ms: ms() } });
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
}
