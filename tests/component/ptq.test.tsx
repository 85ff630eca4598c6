// @vitest-environment jsdom
/** The Post-training workspace rendered from store states: empty, refused, a ladder mid-way, details. */
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { PtqWorkspace } from '../../app/components/ptq/PtqWorkspace';
import { createRun } from '../../app/store/ingest';
import type { LadderState } from '../../app/store/ptqSelectors';
import { LADDER_REFUSALS } from '../../app/store/ptqSlice';
import type { RunState } from '../../app/store/types';
import { DEFAULT_EXPERIMENT } from '../../src/experiment/schema';
import { LADDER_REQUEST_DEFAULTS, type LadderCellSummary } from '../../src/ptq/ladderRequest';
import { renderWithStore } from './render';

afterEach(cleanup);

const run = (phase: RunState['phase']): RunState => ({
  ...createRun('run-1', 1, DEFAULT_EXPERIMENT),
  phase,
  stepsDone: 300,
});

const CELL: LadderCellSummary = {
  rung: 'nearest',
  weightBits: 8,
  actBits: 8,
  calibData: 'train',
  testAccuracy: 0.9712,
  floatTestAccuracy: 0.9745,
  seconds: 0.4,
  layers: [
    {
      name: 'fc1',
      weightBits: 8,
      actBits: 8,
      weightRange: [-0.52, 0.52],
      actRange: [0, 1],
      weightCount: 25088,
      meanShiftBefore: 0.0123,
      meanShiftAfter: 0.0123,
    },
    {
      name: 'fc2',
      weightBits: 8,
      actBits: 8,
      weightRange: [-0.8, 0.8],
      actRange: [0, 6.2],
      adaroundFlipped: 12,
      weightCount: 320,
      meanShiftBefore: 0.05,
      meanShiftAfter: 0.001,
    },
  ],
};

const LADDER: LadderState = {
  seq: 1,
  id: 'ladder-1',
  runId: 'run-1',
  runNumber: 1,
  request: { ...LADDER_REQUEST_DEFAULTS, weightBits: [8, 3], rungs: ['nearest', 'cle'] },
  status: 'running',
  stopping: false,
  cells: [CELL],
};

describe('PtqWorkspace', () => {
  it('without a trained model: the empty state, Run disabled, a button to Train', () => {
    const { store } = renderWithStore(<PtqWorkspace />, { workspace: 'ptq' });
    expect(screen.getByTestId('ptq.empty').textContent).toContain(LADDER_REFUSALS.none);
    expect(screen.getByTestId('ptq.run').hasAttribute('disabled')).toBe(true);
    fireEvent.click(screen.getByTestId('ptq.toTrain'));
    expect(store.getState().workspace).toBe('train');
  });

  it('while the run trains: says to pause first, Run disabled', () => {
    renderWithStore(<PtqWorkspace />, {
      runs: { 'run-1': run('running') },
      runOrder: ['run-1'],
      activeRunId: 'run-1',
    });
    expect(screen.getByTestId('ptq.source').textContent).toBe(LADDER_REFUSALS.training);
    expect(screen.getByTestId('ptq.run').hasAttribute('disabled')).toBe(true);
  });

  it('a ladder mid-way: float row, a done cell, the running and pending ones; Stop asks the worker', () => {
    const { calls } = renderWithStore(<PtqWorkspace />, {
      runs: { 'run-1': run('completed') },
      runOrder: ['run-1'],
      activeRunId: 'run-1',
      ladder: LADDER,
    });
    expect(screen.getByTestId('ptq.float.8').textContent).toBe('97.5%');
    expect(screen.getByTestId('ptq.float.3').textContent).toBe('…');
    expect(screen.getByTestId('ptq.cell.nearest.8').textContent).toBe('97.1%');
    expect(screen.getByTestId('ptq.cell.cle.8').getAttribute('data-state')).toBe('running');
    expect(screen.getByTestId('ptq.cell.nearest.3').getAttribute('data-state')).toBe('pending');
    expect(screen.getByTestId('ptq.status').textContent).toContain('1 of 4 cells of run 1');
    expect(screen.getByTestId('ptq.options').querySelector('fieldset')!.disabled).toBe(true);
    fireEvent.click(screen.getByTestId('ptq.stop'));
    expect(calls).toContain('cancelLadder');
    expect(screen.getByTestId('ptq.status').textContent).toContain('Stopping after the current cell');
  });

  it('focusing a cell shows its per-layer details', () => {
    renderWithStore(<PtqWorkspace />, {
      runs: { 'run-1': run('completed') },
      runOrder: ['run-1'],
      activeRunId: 'run-1',
      ladder: { ...LADDER, status: 'done' },
    });
    const button = screen.getByTestId('ptq.cell.nearest.8').querySelector('button')!;
    expect(button.getAttribute('aria-expanded')).toBe('false');
    act(() => button.focus());
    expect(button.getAttribute('aria-expanded')).toBe('true');
    const rows = screen.getByTestId('ptq.layers').querySelectorAll('tbody tr');
    expect([...rows].map((r) => r.querySelector('th')!.textContent)).toEqual(['fc1', 'fc2']);
    expect(rows[1]!.textContent).toContain('12 of 320');
    expect(rows[1]!.textContent).toContain('0.0500 → 0.00100');
    expect(screen.getByTestId('ptq.cell.cle.8').textContent).toBe('—');
  });

  it('an error is shown as an alert in the panel', () => {
    renderWithStore(<PtqWorkspace />, {
      runs: { 'run-1': run('completed') },
      runOrder: ['run-1'],
      activeRunId: 'run-1',
      ladder: {
        ...LADDER,
        cells: [],
        status: 'error',
        message: 'distilled calibration needs batch-norm statistics',
      },
    });
    expect(screen.getByRole('alert').textContent).toContain('batch-norm statistics');
    expect(screen.getByTestId('ptq.run').hasAttribute('disabled')).toBe(false);
  });
});
