/**
 * The calibration view in the training worker: thin glue from a `calibration` command to src/ptq
 * `calibrationView` over the session's trained model, run between training chunks on the session's
 * trainer chain (docs/ptq.md §12). One answer per command: the result or why there is none.
 */
import type { MnistData } from '../../src/data/mnist';
import { calibrationView } from '../../src/ptq/calibrationView';
import { QuantTrainer } from '../../src/train/trainer';
import { LADDER_TWIN, LADDER_WHILE_TRAINING } from './ladderJob';
import type { Command, WorkerEvent } from './protocol';
import type { Session } from './session';

export async function runCalibrationView(
  session: Session | null,
  cmd: Extract<Command, { type: 'calibration' }>,
  data: MnistData,
  post: (e: WorkerEvent) => void,
): Promise<void> {
  const fail = (message: string) =>
    post({ type: 'calibrationDone', calibrationId: cmd.calibrationId, message });
  if (!session) return fail('That run is no longer in the worker: train a model first.');
  if (session.isPlaying) return fail(LADDER_WHILE_TRAINING);
  try {
    const result = await session.withTrainer((t) => {
      if (!(t instanceof QuantTrainer)) throw new Error(LADDER_TWIN);
      return calibrationView(t.model, t.experiment, data, cmd.request);
    });
    if (!result) return fail('The run was replaced.');
    post({ type: 'calibrationDone', calibrationId: cmd.calibrationId, result });
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
}
