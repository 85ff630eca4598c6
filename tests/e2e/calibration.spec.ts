/**
 * The calibration view of the Post-training workspace: over a model trained here, pick a layer and a
 * tensor and see min-max, percentile, MSE and KL side by side — four rows of numbers, the histogram
 * with their clipping points, and for activations the ranges over batch sizes and seeds.
 */
import { expect, test } from './fixtures';
import { Accessibility } from './pages/Accessibility';
import { CalibrationPanel } from './pages/CalibrationPanel';
import { SMALL_EXPERIMENT } from './pages/LabPage';

/** A short float run of the small MLP. */
const FLOAT_MLP = {
  ...SMALL_EXPERIMENT,
  quant: { weight: { bits: 32 }, act: { bits: 32 } },
  train: { ...SMALL_EXPERIMENT.train, steps: 200, evalEvery: 100 },
};

const NUMBER = /-?\d+(\.\d+)?(e[-+]\d+)?/;

test('four estimators side by side on a layer of the model trained here', async ({ lab, page }) => {
  const calib = new CalibrationPanel(page);
  await lab.setExperiment(FLOAT_MLP);
  await lab.controls.play.click();
  await lab.waitForPhase('completed');
  await lab.openWorkspace('ptq');
  await calib.open();

  // Opening asks for the first layer's input activations.
  await calib.waitFor(0, 'inputs');
  await calib.pickLayer('fc2');
  const inputs = await calib.waitFor(1, 'inputs');
  expect(inputs.rows).toEqual(['minmax', 'percentile', 'mse', 'kl']);
  expect(inputs.stability).toBe(9);
  for (const name of inputs.rows) {
    const cells = calib.row(name).locator('td');
    await expect(cells).toHaveCount(5);
    await expect(cells.first(), name).toHaveText(/^\[.+, .+\]$/);
    await expect(cells.nth(3), name).toHaveText(NUMBER);
  }
  await expect(calib.histogram).toBeVisible();
  await expect(calib.histogram.locator('.recharts-reference-line').first()).toBeAttached();
  await expect(calib.byId('ptq.calibration.stability').locator('tbody tr')).toHaveCount(3);

  await calib.pickTensor('weights');
  await calib.waitFor(1, 'weights');
  await expect(calib.row('kl').locator('td').first()).toHaveText(/^\[-.+, .+\]$/);
  await expect(calib.byId('ptq.calibration.stability')).toContainText(
    'do not depend on the calibration batch',
  );
  expect((await lab.summary()).phase, 'the run is untouched').toBe('completed');
  expect(await new Accessibility(page).blockingViolations(), 'the calibration view').toEqual([]);
});
