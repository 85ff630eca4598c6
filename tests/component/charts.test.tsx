// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { LossChart } from '../../app/components/charts/MetricCharts';
import { FractionChart } from '../../app/components/charts/OscillationCharts';
import { TrajectoryChart } from '../../app/components/charts/TrajectoryChart';
import { appendReports, createRun } from '../../app/store/ingest';
import { DEFAULT_EXPERIMENT } from '../../src/experiment/schema';
import { report } from '../unit/store/fixtures';
import { renderWithStore } from './render';

afterEach(cleanup);

const run = {
  ...appendReports(
    createRun('r1', 1, DEFAULT_EXPERIMENT),
    Array.from({ length: 20 }, (_, i) => report((i + 1) * 5)),
  ),
  marks: [{ step: 50, label: 'lr → 0.01' }],
};
const state = { runs: { r1: run }, runOrder: ['r1'], activeRunId: 'r1' };

describe('charts are pure views of store state', () => {
  it('empty state before a run', () => {
    renderWithStore(<LossChart />);
    expect(screen.getByTestId('chart.loss').getAttribute('data-points')).toBe('0');
    expect(screen.getByText('Press play to train.')).toBeTruthy();
  });

  it('loss chart draws the run and its live-change mark', () => {
    renderWithStore(<LossChart />, state);
    const chart = screen.getByTestId('chart.loss');
    expect(Number(chart.getAttribute('data-points'))).toBe(20);
    expect(chart.querySelector('svg')).toBeTruthy();
  });

  it('trajectories and fractions from the sampled weights and layer reports', () => {
    renderWithStore(
      <>
        <TrajectoryChart />
        <FractionChart />
      </>,
      state,
    );
    expect(screen.getByTestId('chart.trajectories').getAttribute('data-points')).toBe('20');
    expect(screen.getByTestId('chart.fractions').getAttribute('data-points')).toBe('20');
  });
});
