// @vitest-environment jsdom
/** The claim panel of a post-training lesson: "measuring post-training…" while its ladder fills, then the verdict. */
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ClaimPanel } from '../../app/components/lessons/ClaimPanel';
import { createRun } from '../../app/store/ingest';
import {
  LESSON_LADDER_MESSAGES,
  lessonLadderState,
  type LessonLadderState,
} from '../../app/store/lessonLadder';
import type { LadderState } from '../../app/store/ptqSelectors';
import type { RunState } from '../../app/store/types';
import { getPreset } from '../../src/experiment/presets';
import type { LadderCellSummary } from '../../src/ptq/ladderRequest';
import { renderWithStore } from './render';
import CELLS from '../unit/store/data/ptqDistilledLadder.json';

afterEach(cleanup);

const preset = getPreset('ptq-distilled-dscnn')!;
const cells = CELLS as LadderCellSummary[];

/** The PTQ slice's ladder (the lesson's, or the user's that it waits for). */
const ptqLadder = (id: string, runId: string, done: LadderCellSummary[]): LadderState => ({
  seq: 1,
  id,
  runId,
  runNumber: 1,
  request: lessonLadderState(preset.claim.ladder!).request,
  status: 'running',
  stopping: false,
  cells: done,
});

function renderLesson(ladder: Partial<LessonLadderState>, ptq: LadderState | null = null) {
  const run: RunState = {
    ...createRun('run-1', 1, preset.experiment),
    phase: 'completed',
    stepsDone: 400,
    result: {
      experiment: preset.experiment,
      status: 'completed',
      testAccuracy: 0.888,
      backend: 'wasm',
      wallTimeMs: 1,
      stepsPerSec: 1,
    },
  };
  const state = { ...lessonLadderState(preset.claim.ladder!), ...ladder };
  return renderWithStore(<ClaimPanel />, {
    runs: { [run.id]: run },
    runOrder: [run.id],
    activeRunId: run.id,
    lessons: { [run.id]: { presetId: preset.id, runId: run.id, compare: [], ladder: state } },
    ladder: ptq,
  });
}

describe('ClaimPanel with a post-training ladder', () => {
  it('says it is measuring post-training, with the cells done, and stays provisional', () => {
    const done = cells.slice(0, 1);
    renderLesson(
      { status: 'measuring', ladderId: 'ladder-1', cells: done },
      ptqLadder('ladder-1', 'run-1', done),
    );
    expect(screen.getByTestId('lesson.ladder').textContent).toBe('measuring post-training… 1 of 2 cells');
    const panel = screen.getByTestId('lesson.claim');
    expect(panel.dataset.final).toBe('false');
    expect(panel.dataset.holds).toBe('pending');
    expect(panel.textContent).toContain('provisional: measuring post-training');
  });

  it('shows the verdict from the ladder’s cells once it is done', () => {
    renderLesson({ status: 'done', ladderId: 'ladder-1', cells });
    const panel = screen.getByTestId('lesson.claim');
    expect(panel.dataset.final).toBe('true');
    expect(panel.dataset.holds).toBe('holds');
    expect(screen.getByTestId('lesson.measured').textContent).toContain('acc(distilled)');
  });

  it('says why the ladder waits', () => {
    renderLesson(
      { status: 'waiting', message: LESSON_LADDER_MESSAGES.waiting },
      ptqLadder('ladder-1', 'run-0', []),
    );
    expect(screen.getByTestId('lesson.ladder').textContent).toContain(LESSON_LADDER_MESSAGES.waiting);
  });
});
