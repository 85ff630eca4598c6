/** The calibration view's slice and chart data (app/store/calibrationSlice.ts, calibrationSelectors.ts). */
import { describe, expect, it } from 'vitest';
import { createLabStore } from '../../../app/store';
import { applyCalibrationEvents, type CalibrationState } from '../../../app/store/calibrationSlice';
import { clippingLines, stabilityRows } from '../../../app/store/calibrationSelectors';
import { CALIBRATION_VIEW_DEFAULTS, type CalibrationViewResult } from '../../../src/ptq/calibrationView';
import { recordingEffects } from './fixtures';

const range = (hi: number) => ({ lo: 0, hi });
const result: CalibrationViewResult = {
  layerNames: ['fc1', 'fc2'],
  request: CALIBRATION_VIEW_DEFAULTS,
  count: 4,
  settings: { bits: 8, symmetric: false, signed: false, percentile: 99.9, mseSearch: '1d' },
  histogram: { edges: [0, 1, 2], counts: [3, 1] },
  rows: (['minmax', 'percentile', 'mse', 'kl'] as const).map((name, i) => ({
    name,
    lo: name === 'minmax' ? -1 : 0,
    hi: 2 - i * 0.1,
    clipError: 0,
    roundError: 0,
    clippedFraction: 0,
  })),
  stability: [16, 64].flatMap((batchSize) =>
    [1, 2].map((seed) => ({
      batchSize,
      seed,
      ranges: { minmax: range(batchSize / 10 + seed), percentile: range(1), mse: range(1), kl: range(seed) },
    })),
  ),
};

describe('calibration slice', () => {
  it('refuses without a trained model and asks nothing of the worker', () => {
    const { fx, calls } = recordingEffects();
    const store = createLabStore(fx);
    store.getState().requestCalibration({ layer: 1 });
    expect(store.getState().calibration).toMatchObject({ status: 'error', request: { layer: 1 } });
    expect(calls.filter((c) => c[0] === 'calibration')).toEqual([]);
  });

  it('takes the answer to the current request only; a crash ends it', () => {
    const running: CalibrationState = {
      seq: 2,
      id: 'calibration-2',
      request: CALIBRATION_VIEW_DEFAULTS,
      status: 'running',
    };
    const stale = applyCalibrationEvents(running, [
      { type: 'calibrationDone', calibrationId: 'calibration-1', result },
    ]);
    expect(stale).toBe(running);
    expect(
      applyCalibrationEvents(running, [{ type: 'calibrationDone', calibrationId: 'calibration-2', result }]),
    ).toMatchObject({ status: 'done', result });
    expect(applyCalibrationEvents(running, [{ type: 'crashed', runIds: [], message: 'boom' }])).toMatchObject(
      {
        status: 'error',
        message: 'The training worker crashed (boom).',
      },
    );
  });
});

describe('calibration selectors', () => {
  it('draws every clipping end but the grid start at 0', () => {
    expect(clippingLines(result).map((l) => `${l.name}:${l.x}`)).toEqual([
      'minmax:-1',
      'minmax:2',
      'percentile:1.9',
      'mse:1.8',
      'kl:1.7',
    ]);
  });

  it('spreads of the upper end over seeds, per batch size', () => {
    const rows = stabilityRows(result);
    expect(rows.map((r) => r.batchSize)).toEqual([16, 64]);
    expect(rows[0]!.ranges.minmax).toEqual({ low: 2.6, high: 3.6 });
    expect(rows[1]!.ranges.kl).toEqual({ low: 1, high: 2 });
    expect(stabilityRows({ ...result, stability: null })).toEqual([]);
  });
});
