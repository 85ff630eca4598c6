/** Play → curves and oscillation charts update → pause, step and reset behave like Playground's. */
import { expect, test } from './fixtures';
import { CHART_IDS } from './pages/ChartsPanel';
import { SMALL_EXPERIMENT } from './pages/LabPage';
import { SharePanel, TINY_EXPERIMENT } from './pages/SharePanel';

test('play updates every chart; pause, step and reset work', async ({ lab, page }) => {
  await lab.setExperiment(SMALL_EXPERIMENT);
  await lab.controls.play.click();
  await expect(lab.controls.pause).toBeVisible();
  await lab.waitFor(
    (s) => s.reports,
    (n) => n >= 12,
    'a dozen reports',
  );

  // Curves and oscillation charts are drawn from the store and grow as reports arrive.
  for (const id of CHART_IDS) {
    await expect.poll(() => lab.charts.points(id), { message: `${id} has points` }).toBeGreaterThan(0);
  }
  const lossPoints = await lab.charts.points('chart.loss');
  await expect
    .poll(() => lab.charts.points('chart.loss'), { message: 'loss chart keeps updating' })
    .toBeGreaterThan(lossPoints);

  // Pause: the worker confirms, and the counter stops.
  await lab.controls.pause.click();
  await lab.waitForPhase('paused');
  const paused = (await lab.summary()).stepsDone;
  await expect(lab.controls.stepCounter).toHaveAttribute('data-step', String(paused));
  expect((await lab.summary()).stepsDone).toBe(paused);

  // Hover a trajectory: latent value, integer code, flips and frozen state of the sampled weights.
  const plot = lab.charts.chart('chart.trajectories').locator('svg').first();
  const box = (await plot.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
  const hover = page.getByTestId('chart.trajectories.hover');
  await expect(hover).toBeVisible();
  await expect(hover).toContainText('latent');
  await expect(hover).toContainText('frozen');
  expect(await hover.locator('tbody tr').count()).toBeGreaterThan(0);

  // Step: exactly one report interval, then paused again.
  await lab.controls.step.click();
  await lab.waitFor(
    (s) => s.phase === 'paused' && s.stepsDone === paused + 5,
    (ok) => ok,
    'one step of 5 then paused',
  );

  // Reset: the run is stopped (kept in the run list), charts go back to their empty state.
  await lab.controls.reset.click();
  await lab.waitForPhase('idle');
  await expect.poll(() => lab.charts.points('chart.loss')).toBe(0);
  const s = await lab.summary();
  expect(s.runs.map((r) => r.phase)).toEqual(['stopped']);
  await expect(lab.controls.stepCounter).toHaveAttribute('data-step', '0');

  // And the lab trains again after a reset (fresh worker).
  await lab.controls.play.click();
  await lab.waitForSteps(10);
});

test('native int: the switch trains on integer codes in the worker, and the link keeps it', async ({
  lab,
  page,
}) => {
  await lab.setExperiment(TINY_EXPERIMENT);
  await lab.controls.nativeInt.check();
  await lab.controls.play.click();
  await lab.waitForPhase('completed');
  const share = new SharePanel(page);
  expect((await share.experiment()).train.nativeInt).toBe(true);
  expect((await share.finalMetrics()).testAccuracy).toBeGreaterThan(0.5);
  // The address bar follows the controls; a reload restores the switch from it.
  await expect.poll(() => page.evaluate(() => location.hash.length)).toBeGreaterThan(10);
  await page.reload();
  await lab.ready();
  await expect(lab.controls.nativeInt).toBeChecked();
});
