/**
 * One post-training ladder in the training worker: thin glue from a `ladder` command to
 * src/ptq `runLadderRequest` over the session's trained model. Each cell runs between training
 * chunks (the session's trainer chain), events are handled between cells, so Stop, a newer ladder
 * or a play cancel it after the cell in progress.
 */
import type { MnistData } from '../../src/data/mnist';
import type { LadderCellSummary, LadderRequest } from '../../src/ptq/ladderRequest';
import { runLadderRequest } from '../../src/ptq/ladderRequest';
import { QuantTrainer } from '../../src/train/trainer';
import type { Trainer } from '../../src/train/types';
import type { WorkerEvent } from './protocol';
import { yieldToEvents, type Session } from './session';

/** Said when a ladder is asked for while the run trains. */
export const LADDER_WHILE_TRAINING = 'Training is running: pause or finish the run first.';
export const LADDER_TWIN =
  'A twin run trains two models side by side; the ladder quantizes one. Train without the twin to use it.';

function trainedModel(trainer: Trainer) {
  if (!(trainer instanceof QuantTrainer)) throw new Error(LADDER_TWIN);
  return trainer.model;
}

export class LadderJob {
  private cancelled: string | null = null;

  constructor(
    readonly id: string,
    private readonly session: Session,
    private readonly request: LadderRequest,
    private readonly data: MnistData,
    private readonly post: (e: WorkerEvent) => void,
  ) {}

  /** Stops after the cell in progress; `reason` is shown with the cancelled ladder. */
  cancel(reason: string): void {
    this.cancelled ??= reason;
  }

  private end(status: 'done' | 'cancelled' | 'error', message?: string): void {
    this.post({ type: 'ladderDone', ladderId: this.id, status, ...(message && { message }) });
  }

  async run(): Promise<void> {
    if (this.session.isPlaying) return this.end('error', LADDER_WHILE_TRAINING);
    let cells: AsyncGenerator<LadderCellSummary> | null = null;
    try {
      cells = await this.session.withTrainer((t) =>
        runLadderRequest(trainedModel(t), t.experiment, this.data, this.request),
      );
      if (!cells) return this.end('cancelled', 'The run is no longer in the worker.');
      for (;;) {
        await yieldToEvents();
        if (this.cancelled !== null) return this.end('cancelled', this.cancelled);
        const next: IteratorResult<LadderCellSummary> | null = await this.session.withTrainer(() =>
          cells!.next(),
        );
        if (!next) return this.end('cancelled', 'The run was replaced.');
        if (next.done) return this.end('done');
        this.post({ type: 'ladderCell', ladderId: this.id, cell: next.value });
      }
    } catch (err) {
      this.end('error', err instanceof Error ? err.message : String(err));
    } finally {
      // Cells own nothing between calls; this only closes the generator.
      await cells?.return(undefined);
    }
  }
}
