/**
 * Workspaces: the nav bar switches them, the link names the current one (`?ws=`), a reload keeps it,
 * back and forward move between them, and an unknown one opens Train with a notice, the rest kept.
 */
import { expect, test } from './fixtures';
import { SMALL_EXPERIMENT } from './pages/LabPage';

test('open Runs from the nav: the link shows it, a reload keeps it, back returns to Train', async ({
  lab,
  page,
}) => {
  await lab.setExperiment(SMALL_EXPERIMENT);
  const experiment = () => page.evaluate(() => JSON.stringify(window.__lab!.getState().experiment));
  const chosen = await experiment();
  await expect.poll(() => page.evaluate(() => location.hash.length)).toBeGreaterThan(1);
  expect(await lab.workspace()).toBe('train');
  await expect(lab.charts.chart('chart.loss')).toBeVisible();

  await lab.openWorkspace('runs');
  await expect(page).toHaveURL(/\?ws=runs#/);
  await expect(page.getByTestId('runs.section')).toBeVisible();
  await expect(page.getByTestId('nav.runs')).toHaveAttribute('aria-current', 'page');
  await expect(lab.charts.chart('chart.loss')).toHaveCount(0);
  await expect(page.getByTestId('controls')).toHaveCount(0); // runs need no experiment controls
  await expect(lab.controls.play).toBeVisible(); // the toolbar is on every workspace

  await page.reload();
  await lab.ready();
  await lab.waitForWorkspace('runs');
  await expect(page).toHaveURL(/\?ws=runs#/);
  expect(await experiment(), 'the experiment survives the reload').toBe(chosen);

  await page.goBack();
  await lab.waitForWorkspace('train');
  await expect(page).not.toHaveURL(/ws=/);
  await expect(page.getByTestId('nav.train')).toHaveAttribute('aria-current', 'page');
  await expect(lab.charts.chart('chart.loss')).toBeVisible();
  expect(await experiment(), 'back changes the workspace, not the experiment').toBe(chosen);

  await page.goForward();
  await lab.waitForWorkspace('runs');
});

test('an unknown workspace in a link opens Train with a notice and keeps the experiment', async ({
  lab,
  page,
}) => {
  await lab.setExperiment(SMALL_EXPERIMENT);
  await expect.poll(() => page.evaluate(() => location.hash.length)).toBeGreaterThan(1);
  const hash = await page.evaluate(() => location.hash);
  const chosen = await page.evaluate(() => JSON.stringify(window.__lab!.getState().experiment));

  await lab.open(`/?ws=attention${hash}`);
  await lab.waitForWorkspace('train');
  await expect(page.getByTestId('share.warnings')).toContainText('workspace "attention" is not in this lab');
  await expect(page).not.toHaveURL(/ws=/);
  expect(await page.evaluate(() => location.hash)).toBe(hash);
  expect(await page.evaluate(() => JSON.stringify(window.__lab!.getState().experiment))).toBe(chosen);
});
