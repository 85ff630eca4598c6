/** Twin mode: two estimators from the same seed, their integer-weight agreement plotted live. */
import { expect, test } from './fixtures';
import { SMALL_EXPERIMENT } from './pages/LabPage';

test('twin mode plots the agreement of the twins', async ({ lab }) => {
  await lab.setExperiment({
    ...SMALL_EXPERIMENT,
    train: { ...SMALL_EXPERIMENT.train, lr: 0.001, steps: 200 },
  });
  // Through the UI: twin on, tanh by default; SGD mapping switch visible.
  await lab.controls.byId('controls.twin').check();
  await expect(lab.controls.byId('controls.twinEstimator')).toBeVisible();
  await expect(lab.controls.byId('controls.twinMap')).toBeVisible();
  await lab.controls.play.click();
  const agreement = await lab.waitFor(
    (s) => s.lastTwinAgreement,
    (a) => a !== null,
    'a twin point',
  );
  expect(agreement).toBeGreaterThanOrEqual(0);
  expect(agreement).toBeLessThanOrEqual(1);
  await lab.waitFor(
    (s) => s.twinPoints,
    (n) => n >= 3,
    'three twin points',
  );
  await expect.poll(() => lab.charts.points('chart.twin')).toBeGreaterThanOrEqual(3);
  await expect(lab.charts.chart('chart.twin')).toContainText('% identical');
});
