// @vitest-environment jsdom
/**
 * The chart registry, with a worked example: registering a chart (examples/LearningRateChart.tsx) puts
 * it on the Train workspace with its data table and "look for" line, shown only while its condition
 * holds; every built-in entry's id is its figure's test id.
 */
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { registerChart, trainCharts } from '../../app/components/charts/registry';
import { TrainCharts } from '../../app/components/charts/TrainCharts';
import { appendReports, createRun } from '../../app/store/ingest';
import { DEFAULT_EXPERIMENT, experimentSchema } from '../../src/experiment/schema';
import { report } from '../unit/store/fixtures';
import { LearningRateChart, learningRateRows } from './examples/LearningRateChart';
import { renderWithStore } from './render';

afterEach(cleanup);

const run = appendReports(
  createRun('r1', 1, DEFAULT_EXPERIMENT),
  Array.from({ length: 12 }, (_, i) => report((i + 1) * 5)),
);
const withRun = { runs: { r1: run }, runOrder: ['r1'], activeRunId: 'r1' };

describe('the chart registry', () => {
  it('a registered chart shows on the Train workspace, with its table, only while its condition holds', () => {
    const unregister = registerChart({
      id: 'chart.learningRate',
      title: 'Learning rate',
      component: LearningRateChart,
      when: (s) => s.activeRunId !== null,
    });
    try {
      expect(trainCharts().at(-1)?.id).toBe('chart.learningRate');
      const { store } = renderWithStore(<TrainCharts />, withRun);
      const chart = screen.getByTestId('chart.learningRate');
      expect(chart.getAttribute('data-points')).toBe('12');
      expect(screen.getByTestId('chart.learningRate.lookFor').textContent).toMatch(/schedule/);
      // The data table is the chart's text alternative: its rows are the selector's rows.
      const table = within(chart).getByTestId('chart.table') as HTMLDetailsElement;
      table.open = true; // as a click on its summary would (jsdom does not toggle it)
      fireEvent(table, new Event('toggle'));
      const rows = within(chart).getAllByRole('row');
      expect(rows.length - 1).toBe(learningRateRows(run.reports).length);
      expect(within(rows[1]).getByRole('cell').textContent).toBe('0.01000'); // the fixture's lr, 4 significant digits
      // Its condition: no active run, no chart (the built-in ones stay).
      act(() => store.setState({ activeRunId: null }));
      expect(screen.queryByTestId('chart.learningRate')).toBeNull();
      expect(screen.getByTestId('chart.loss')).toBeTruthy();
    } finally {
      unregister();
    }
    expect(trainCharts().some((c) => c.id === 'chart.learningRate')).toBe(false);
    expect(() => registerChart({ ...trainCharts()[0] })).toThrow(/exists/);
  });

  it('every built-in chart renders the figure its id names; the twin chart only in twin mode', () => {
    const twin = experimentSchema.parse({ twin: { estimator: { name: 'tanh' } } });
    const { store } = renderWithStore(<TrainCharts />, { ...withRun, experiment: DEFAULT_EXPERIMENT });
    const ids = () =>
      [...document.querySelectorAll('figure.chart')].map((f) => f.getAttribute('data-testid'));
    expect(ids()).toEqual(
      trainCharts()
        .filter((c) => c.id !== 'chart.twin')
        .map((c) => c.id),
    );
    act(() => store.setState({ experiment: twin }));
    expect(ids()).toEqual(trainCharts().map((c) => c.id));
  });
});
