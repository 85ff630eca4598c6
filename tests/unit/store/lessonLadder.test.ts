/**
 * A post-training lesson in the store: when its run completes, the lesson asks the PTQ slice for
 * its ladder over that run's model, the claim panel's state follows the cells, and a ladder the
 * user started first makes it wait. The worker is faked: it replays the ladder cells the runner
 * measured in Node for this lesson at its shipped seed (data/ptqDistilledLadder.json).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLabStore } from '../../../app/store';
import { claimOf } from '../../../app/store/claimSelectors';
import { LESSON_LADDER_MESSAGES, lessonLadderSize } from '../../../app/store/lessonLadder';
import { labSummary } from '../../../app/store/summary';
import { getPreset } from '../../../src/experiment/presets';
import { type LadderCellSummary, normalizeLadderRequest } from '../../../src/ptq/ladderRequest';
import { recordingEffects, report } from './fixtures';

const LESSON = 'ptq-distilled-dscnn';
/** The `ladder` of `quant-lab run --preset ptq-distilled-dscnn` (seed 1, wasm, Node). */
const CELLS: LadderCellSummary[] = JSON.parse(
  readFileSync(new URL('./data/ptqDistilledLadder.json', import.meta.url), 'utf8'),
);

function setup() {
  const { fx, calls } = recordingEffects();
  const store = createLabStore(fx);
  const s = () => store.getState();
  /** Plays the lesson and finishes its run at 400 steps. */
  const completeLesson = () => {
    s().loadPreset(LESSON);
    s().play();
    const id = s().activeRunId!;
    const experiment = s().runs[id]!.experiment;
    s().ingest([{ type: 'progress', runId: id, reports: [report(50)], stepsDone: 400, stepsPerSec: 40 }]);
    const result = { experiment, status: 'completed' as const, testAccuracy: CELLS[0]!.floatTestAccuracy };
    s().ingest([
      {
        type: 'done',
        runId: id,
        status: 'completed',
        result: { ...result, backend: 'wasm', wallTimeMs: 1, stepsPerSec: 1 },
      },
    ]);
    return id;
  };
  const ladderCalls = () => calls.filter((c) => c[0] === 'ladder');
  return { s, calls, completeLesson, ladderCalls };
}

describe('a post-training lesson in the store', () => {
  it('starts its ladder when the run completes and reads the cells into its claim', () => {
    const { s, completeLesson, ladderCalls } = setup();
    const id = completeLesson();
    const request = normalizeLadderRequest(getPreset(LESSON)!.claim.ladder!);
    expect(ladderCalls()).toEqual([['ladder', 'ladder-1', id, request]]);
    expect(s().ptqOptions).toEqual(normalizeLadderRequest({})); // the panel's own options stay
    expect(s().lessons[id]!.ladder).toMatchObject({ status: 'measuring', ladderId: 'ladder-1' });
    expect(lessonLadderSize(request)).toBe(CELLS.length);

    s().ingest([{ type: 'ladderCell', ladderId: 'ladder-1', cell: CELLS[0]! }]);
    let claim = labSummary(s()).claim!;
    expect(claim).toMatchObject({ holds: null, final: false, ladder: { status: 'measuring', cells: 1 } });

    s().ingest([
      ...CELLS.slice(1).map((cell) => ({ type: 'ladderCell' as const, ladderId: 'ladder-1', cell })),
      { type: 'ladderDone', ladderId: 'ladder-1', status: 'done' },
    ]);
    claim = labSummary(s()).claim!;
    expect(claim).toMatchObject({ final: true, ladder: { status: 'done', cells: CELLS.length } });
    const real = CELLS.find((c) => c.calibData === 'train')!.testAccuracy;
    const distilled = CELLS.find((c) => c.calibData === 'distilled')!.testAccuracy;
    expect(claim.measured['acc(real)']).toBeCloseTo(real, 4);
    expect(claim.holds).toBe(Math.abs(distilled - real) <= 0.01);
    // The Post-training workspace shows the same ladder.
    expect(s().ladder!.cells).toHaveLength(CELLS.length);
    expect(claimOf(s().runs[id]!, s().lessons[id])!.ladder!.status).toBe('done');
  });

  it('waits while the user’s ladder runs, then starts; a ladder that replaces it says so', () => {
    const { s, completeLesson, ladderCalls } = setup();
    // The user's ladder over an earlier run is still running when the lesson's run completes.
    s().play();
    const first = s().activeRunId!;
    s().ingest([{ type: 'progress', runId: first, reports: [report(5)], stepsDone: 5, stepsPerSec: 50 }]);
    s().pause();
    s().ingest([{ type: 'paused', runId: first, seq: s().runs[first]!.playSeq, stepsDone: 5 }]);
    s().runLadder();
    expect(s().ladder!.status).toBe('running');
    const id = completeLesson();
    expect(s().lessons[id]!.ladder).toMatchObject({
      status: 'waiting',
      message: LESSON_LADDER_MESSAGES.waiting,
    });
    expect(ladderCalls()).toHaveLength(1);

    s().ingest([{ type: 'ladderDone', ladderId: s().ladder!.id, status: 'cancelled', message: 'Stopped.' }]);
    expect(ladderCalls()).toHaveLength(2);
    const mine = s().ladder!.id;
    expect(s().lessons[id]!.ladder).toMatchObject({ status: 'measuring', ladderId: mine });

    s().runLadder(); // the user starts another ladder: it replaces the lesson's
    expect(s().lessons[id]!.ladder).toMatchObject({
      status: 'failed',
      message: LESSON_LADDER_MESSAGES.replaced,
    });
    expect(labSummary(s()).claim).toMatchObject({ holds: null, final: false });
  });
});
