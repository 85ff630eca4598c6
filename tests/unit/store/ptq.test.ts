/** The PTQ slice and its selectors: which run a ladder may quantize, and how worker events fill it. */
import { describe, expect, it } from 'vitest';
import { createLabStore } from '../../../app/store';
import {
  ladderSource,
  ladderTable,
  ladderTakeaways,
  qatVerdict,
  type LadderState,
} from '../../../app/store/ptqSelectors';
import { LADDER_REFUSALS } from '../../../app/store/ptqSlice';
import { DEFAULT_EXPERIMENT, experimentSchema } from '../../../src/experiment/schema';
import type { LadderCellSummary } from '../../../src/ptq/ladderRequest';
import { recordingEffects, report } from './fixtures';

function setup() {
  const { fx, calls } = recordingEffects();
  const store = createLabStore(fx);
  return { store, calls, s: () => store.getState() };
}

const RESULT = {
  experiment: DEFAULT_EXPERIMENT,
  status: 'completed' as const,
  testAccuracy: 0.95,
  backend: 'cpu',
  wallTimeMs: 1,
  stepsPerSec: 1,
};

/** A store whose active run trained 5 steps and then finished. */
function trained() {
  const t = setup();
  t.s().play();
  const id = t.s().activeRunId!;
  t.s().ingest([{ type: 'progress', runId: id, reports: [report(5)], stepsDone: 5, stepsPerSec: 50 }]);
  t.s().ingest([{ type: 'done', runId: id, status: 'completed', result: RESULT }]);
  return { ...t, id };
}

const cell = (rung: string, weightBits: number, testAccuracy: number): LadderCellSummary => ({
  rung,
  weightBits,
  actBits: 8,
  calibData: 'train',
  testAccuracy,
  floatTestAccuracy: 0.976,
  seconds: 0.5,
  layers: [],
});

describe('ladder source', () => {
  it('needs a trained run that is not training and not a twin', () => {
    const { s, store } = setup();
    expect(ladderSource(s()).kind).toBe('none');
    s().play();
    const id = s().activeRunId!;
    s().ingest([{ type: 'progress', runId: id, reports: [report(5)], stepsDone: 5, stepsPerSec: 50 }]);
    expect(ladderSource(s()).kind).toBe('training');
    s().pause();
    s().ingest([{ type: 'paused', runId: id, seq: 1, stepsDone: 5 }]);
    expect(ladderSource(s()).kind).toBe('ready');
    const twin = experimentSchema.parse({ twin: { estimator: { name: 'tanh' } } });
    store.setState({ runs: { [id]: { ...s().runs[id]!, experiment: twin } } });
    expect(ladderSource(s()).kind).toBe('twin');
    s().reset();
    expect(ladderSource(s()).kind).toBe('none');
  });
});

describe('ptq slice', () => {
  it('a finished run keeps its trainer in the worker until the next run starts', () => {
    const { s, calls, id } = trained();
    expect(calls.some((c) => c[0] === 'stop')).toBe(false);
    expect(ladderSource(s()).kind).toBe('ready');
    s().play();
    expect(calls.slice(-3).map((c) => c.slice(0, 2))).toEqual([
      ['stop', id],
      ['start', 'run-2'],
      ['play', 'run-2'],
    ]);
  });

  it('refuses without a trained model, saying why, and sends nothing', () => {
    const { s, calls } = setup();
    s().runLadder();
    expect(s().ladder).toMatchObject({ status: 'error', message: LADDER_REFUSALS.none });
    expect(calls.some((c) => c[0] === 'ladder')).toBe(false);
  });

  it('sends the normalized options, fills cells from its own events only, and ends', () => {
    const { s, calls, id } = trained();
    s().setPtqOptions({ weightBits: [3, 8], rungs: ['nearest', 'cle'], adaroundIterations: 20 });
    s().runLadder();
    const ladder = s().ladder!;
    expect(ladder).toMatchObject({ status: 'running', runId: id, runNumber: 1 });
    expect(calls.at(-1)).toEqual(['ladder', ladder.id, id, ladder.request]);
    expect(ladder.request.weightBits).toEqual([8, 3]);

    let table = ladderTable(s().ladder!);
    expect(table.rows.map((r) => r.cells.map((c) => c.state))).toEqual([
      ['running', 'pending'],
      ['pending', 'pending'],
    ]);
    s().ingest([
      { type: 'ladderCell', ladderId: ladder.id, cell: cell('nearest', 8, 0.975) },
      { type: 'ladderCell', ladderId: 'ladder-0', cell: cell('cle', 8, 0.1) },
    ]);
    table = ladderTable(s().ladder!);
    expect(table.rows.map((r) => r.cells.map((c) => c.state))).toEqual([
      ['done', 'pending'],
      ['running', 'pending'],
    ]);
    expect(table.float).toEqual([0.976, null]);

    s().stopLadder();
    expect(s().ladder!.stopping).toBe(true);
    expect(calls.at(-1)).toEqual(['cancelLadder', ladder.id]);
    s().ingest([
      { type: 'ladderCell', ladderId: ladder.id, cell: cell('cle', 8, 0.976) },
      { type: 'ladderDone', ladderId: ladder.id, status: 'cancelled', message: 'Stopped.' },
    ]);
    expect(s().ladder).toMatchObject({ status: 'cancelled', stopping: false, message: 'Stopped.' });
    table = ladderTable(s().ladder!);
    expect(table.rows.map((r) => r.cells.map((c) => c.state))).toEqual([
      ['done', 'skipped'],
      ['done', 'skipped'],
    ]);
    // The run is untouched by the ladder's events.
    expect(s().runs[id]!.phase).toBe('completed');
  });

  it('a new ladder cancels the running one; a crash or a reset ends it', () => {
    const { s, calls } = trained();
    s().runLadder();
    const first = s().ladder!.id;
    s().runLadder();
    expect(calls.filter((c) => c[0] === 'cancelLadder')).toEqual([['cancelLadder', first]]);
    expect(s().ladder!.id).not.toBe(first);
    s().ingest([{ type: 'crashed', runIds: [s().activeRunId!], message: 'boom' }]);
    expect(s().ladder).toMatchObject({ status: 'error' });
    expect(s().ladder!.message).toContain('boom');
    // A finished run kept for the ladder keeps its result when the worker crashes.
    expect(s().runs[s().activeRunId!]!.phase).toBe('completed');
  });
});

describe('ladder takeaways', () => {
  const ladder = (cells: LadderCellSummary[]): LadderState => ({
    seq: 1,
    id: 'ladder-1',
    runId: 'run-1',
    runNumber: 1,
    request: {
      weightBits: [8, 3],
      rungs: ['nearest', 'adaround'],
      adaroundIterations: 1000,
      calibSize: 256,
      calibData: 'train',
      perChannel: false,
      actRange: 'minmax',
      qatSteps: 0,
    },
    status: 'done',
    stopping: false,
    cells,
  });

  it('says per column how far the passes got and whether QAT is still needed', () => {
    const table = ladderTable(
      ladder([
        cell('nearest', 8, 0.975),
        cell('adaround', 8, 0.976),
        cell('nearest', 3, 0.892),
        cell('adaround', 3, 0.95),
      ]),
    );
    expect(ladderTakeaways(table)).toEqual([
      'W8A8: nearest 97.5% → + AdaRound 97.6%, within 1 point of float (97.6%): PTQ is enough here.',
      'W3A8: nearest 89.2% → + AdaRound 95.0%, 2.6 points below float: that gap is what QAT is for.',
    ]);
    expect(ladderTakeaways(ladderTable(ladder([cell('nearest', 8, 0.9)])))).toEqual([]);
  });

  it('puts the qat row last, in run order after each column, and says when QAT passed', () => {
    const qatCell = (bits: number, acc: number, passed: number | null): LadderCellSummary => ({
      ...cell('adaround', bits, acc),
      rung: 'qat',
      qat: {
        curve: [
          { step: 0, testAccuracy: 0.9 },
          { step: 30, testAccuracy: acc },
        ],
        bestRung: 'adaround',
        bestAccuracy: 0.95,
        stepsToPassBest: passed,
      },
    });
    const base = ladder([cell('nearest', 3, 0.892), cell('adaround', 3, 0.95)]);
    const running = ladderTable({ ...base, status: 'running', request: { ...base.request, qatSteps: 30 } });
    expect(running.rows.map((r) => r.label)).toEqual(['nearest', '+ AdaRound', '+ 30 QAT steps']);
    // W8's cells come first in run order: W8 nearest runs, the W3 qat cell waits.
    expect(running.rows[0]!.cells[0]!.state).toBe('running');
    expect(running.rows[2]!.cells[1]!.state).toBe('pending');
    const done = ladderTable({
      ...base,
      request: { ...base.request, weightBits: [3], qatSteps: 30 },
      cells: [...base.cells, qatCell(3, 0.96, 30)],
    });
    expect(ladderTakeaways(done)).toEqual([
      'W3A8: nearest 89.2% → + AdaRound 95.0%, 2.6 points below float: that gap is what QAT is for. QAT passed the best rung (95.0%) after 30 steps.',
    ]);
    expect(qatVerdict(qatCell(3, 0.94, null))).toBe('QAT did not pass the best rung (95.0%) in 30 steps.');
  });
});
