/**
 * A pruning lesson's measurement in the training worker (docs/prune.md §6): thin glue from a `prune`
 * command to src/prune. The session's trained model is copied once as a checkpoint (between training
 * chunks, on the session's trainer chain); each method then prunes and fine-tunes its own model built
 * from that copy, as `quant-lab prune` does, so the run's model stays as it was. Each method runs on
 * the trainer chain too, so it never overlaps a training chunk; events are handled between methods.
 */
import { parseCheckpoint } from '../../src/checkpoint/format';
import type { MnistData } from '../../src/data/mnist';
import type { PruneResult } from '../../src/experiment/claims';
import { pruneCheckpoint } from '../../src/prune/run';
import { lessonPruneOptions, pruneResultOf } from '../../src/train/lesson';
import { LADDER_WHILE_TRAINING } from './ladderJob';
import type { Command, WorkerEvent } from './protocol';
import { yieldToEvents, type Session } from './session';

/** Said when the run's model cannot be pruned: a twin run holds two. */
export const PRUNE_TWIN = 'A twin run trains two models side by side; pruning measures one.';
/** Said when the run left the worker before or while it was pruned. */
export const PRUNE_NO_RUN = 'That run is no longer in the worker: train a model first.';

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Prunes a copy of the session's model by each method of the command's lesson pruning. */
export async function runPruneJob(
  session: Session | null,
  cmd: Extract<Command, { type: 'prune' }>,
  data: MnistData,
  post: (e: WorkerEvent) => void,
): Promise<void> {
  const { pruneId, prune } = cmd;
  const fail = (message: string) => post({ type: 'pruneDone', pruneId, message });
  if (!session) return fail(PRUNE_NO_RUN);
  if (session.isPlaying) return fail(LADDER_WHILE_TRAINING);
  try {
    const copied = await session.withTrainer(async (t) => {
      if (!t.checkpoint) throw new Error(PRUNE_TWIN);
      return { file: await t.checkpoint(), seed: t.experiment.seed };
    });
    if (!copied) return fail(PRUNE_NO_RUN);
    const parsed = parseCheckpoint(copied.file);
    if (!parsed.ok) return fail(parsed.error);
    const results: PruneResult[] = [];
    for (const [index, method] of prune.methods.entries()) {
      await yieldToEvents();
      post({ type: 'pruneProgress', pruneId, method, index, total: prune.methods.length });
      const options = lessonPruneOptions(prune, method, copied.seed);
      const report = await session.withTrainer(() => pruneCheckpoint(parsed.value, data, options));
      if (!report) return fail(PRUNE_NO_RUN);
      results.push(pruneResultOf(report));
    }
    post({ type: 'pruneDone', pruneId, results });
  } catch (err) {
    fail(messageOf(err));
  }
}
