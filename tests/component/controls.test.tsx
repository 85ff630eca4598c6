// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { BitsTable } from '../../app/components/controls/BitsTable';
import { Transport } from '../../app/components/controls/Transport';
import { EstimatorControls } from '../../app/components/controls/EstimatorControls';
import { QuantizerControls } from '../../app/components/controls/QuantizerControls';
import { TrainControls } from '../../app/components/controls/TrainControls';
import { Banners } from '../../app/components/layout/Banners';
import { appendReports, createRun } from '../../app/store/ingest';
import { DEFAULT_EXPERIMENT } from '../../src/experiment/schema';
import { decodeLink, encodeLink } from '../../src/experiment/url';
import { report } from '../unit/store/fixtures';
import { renderWithStore } from './render';

afterEach(cleanup);

describe('controls', () => {
  it('transport: play starts a run, the counter shows the step and epoch', () => {
    const { store, calls } = renderWithStore(<Transport />);
    fireEvent.click(screen.getByTestId('controls.play'));
    expect(calls).toEqual(['start', 'play']);
    const id = store.getState().activeRunId!;
    act(() =>
      store
        .getState()
        .ingest([{ type: 'progress', runId: id, reports: [report(5)], stepsDone: 125, stepsPerSec: 40 }]),
    );
    expect(screen.getByTestId('controls.stepCounter').getAttribute('data-step')).toBe('125');
    expect(screen.getByTestId('controls.pause')).toBeTruthy();
    const epoch = (125 * DEFAULT_EXPERIMENT.train.batchSize) / DEFAULT_EXPERIMENT.data.trainSize;
    expect(screen.getByText(new RegExp(`epoch ${epoch.toFixed(2)}`))).toBeTruthy();
  });

  it('bits table: a per-layer override lands in the experiment', () => {
    const { store } = renderWithStore(<BitsTable />);
    fireEvent.change(screen.getByTestId('controls.bits.fc2.weight'), { target: { value: '2' } });
    expect(store.getState().experiment.quant.layers.fc2).toEqual({ weightBits: 2 });
    fireEvent.click(screen.getByTestId('controls.bits.clear'));
    expect(store.getState().experiment.quant.layers).toEqual({});
  });

  it('estimator: picking one with a parameter shows the parameter and the plot', () => {
    const { store } = renderWithStore(<EstimatorControls />);
    const select = screen.getByTestId('controls.estimator') as HTMLSelectElement;
    const tanh = [...select.options].find((o) => o.textContent === 'tanh soft-round')!;
    fireEvent.change(select, { target: { value: tanh.value } });
    expect(store.getState().experiment.estimator).toEqual({ ...DEFAULT_EXPERIMENT.estimator, name: 'tanh' });
    expect(screen.getByTestId('controls.estimatorParam')).toBeTruthy();
    expect(screen.getByTestId('chart.surrogate').querySelector('svg')).toBeTruthy();
  });

  it('conventions: the estimator and quantizer switches set their fields and survive a new estimator', () => {
    const { store } = renderWithStore(
      <>
        <EstimatorControls />
        <QuantizerControls />
      </>,
    );
    fireEvent.click(screen.getByTestId('controls.estimator.clipMask'));
    const maskOn = screen.getByTestId('controls.estimator.maskOn') as HTMLSelectElement;
    fireEvent.change(maskOn, { target: { value: '1' } });
    const select = screen.getByTestId('controls.estimator') as HTMLSelectElement;
    fireEvent.change(select, { target: { value: '2' } });
    expect(store.getState().experiment.estimator).toMatchObject({ clipMask: true, maskOn: 'rounded' });
    const grid = screen.getByTestId('controls.quant.weight.signedGrid') as HTMLSelectElement;
    fireEvent.change(grid, { target: { value: '2' } });
    const mse = screen.getByTestId('controls.quant.act.mseSearch') as HTMLSelectElement;
    fireEvent.change(mse, { target: { value: '1' } });
    const quant = store.getState().experiment.quant;
    expect([quant.weight.signedGrid, quant.act.mseSearch, quant.act.signedGrid]).toEqual([
      'full',
      '2d',
      'qmax',
    ]);
  });

  it('native int: the toggle sets train.nativeInt, and a link carries it', () => {
    const { store } = renderWithStore(<TrainControls />);
    fireEvent.click(screen.getByTestId('controls.nativeInt'));
    const exp = store.getState().experiment;
    expect(exp.train.nativeInt).toBe(true);
    const decoded = decodeLink(encodeLink(exp));
    expect(decoded.ok && decoded.experiment.train.nativeInt).toBe(true);
  });

  it('banner: a diverged run says why and what to try', () => {
    const run = {
      ...appendReports(createRun('r1', 1, DEFAULT_EXPERIMENT), [report(5)]),
      phase: 'diverged' as const,
      reason: 'loss became NaN at step 7',
      stepsDone: 7,
    };
    renderWithStore(<Banners />, { runs: { r1: run }, runOrder: ['r1'], activeRunId: 'r1' });
    const banner = screen.getByTestId('banner.diverged');
    expect(banner.textContent).toContain('loss became NaN at step 7');
    expect(banner.textContent).toContain('smaller learning rate');
  });
});
