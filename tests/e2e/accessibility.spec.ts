/**
 * Accessibility: axe-core finds no serious or critical violation in any main view of the lab (at
 * rest, training with charts drawn, twin mode, cost & sweeps with a loaded sweep, saved runs and the
 * comparison, a shared-result link and a broken link).
 */
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures';
import { Accessibility } from './pages/Accessibility';
import { SMALL_EXPERIMENT } from './pages/LabPage';
import { RunsPanel } from './pages/RunsPanel';
import { SharePanel, TINY_EXPERIMENT } from './pages/SharePanel';
import { SweepPanel } from './pages/SweepPanel';

const CLI_SWEEP = fileURLToPath(new URL('./data/sweep-mlp.json', import.meta.url));
const RESULT_FILE = fileURLToPath(new URL('./fixtures/runner-result.json', import.meta.url));

test('the lab at rest has no serious accessibility violations', async ({ lab, page }) => {
  expect(await lab.summary()).toMatchObject({ phase: 'idle' });
  expect(await new Accessibility(page).blockingViolations()).toEqual([]);
});

test('training with every chart drawn, then paused, has no serious violations', async ({ lab, page }) => {
  const a11y = new Accessibility(page);
  await lab.setExperiment({ ...SMALL_EXPERIMENT, train: { ...SMALL_EXPERIMENT.train, steps: 5000 } });
  await lab.controls.play.click();
  await lab.waitForSteps(60);
  await expect.poll(() => lab.charts.points('chart.weights')).toBeGreaterThan(0);
  expect(await a11y.blockingViolations(), 'mid-training').toEqual([]);
  await lab.controls.pause.click();
  await lab.waitForPhase('paused');
  expect(await a11y.blockingViolations(), 'paused').toEqual([]);
});

test('twin mode with its chart has no serious violations', async ({ lab, page }) => {
  await lab.setExperiment({
    ...SMALL_EXPERIMENT,
    train: { ...SMALL_EXPERIMENT.train, lr: 0.001, steps: 120 },
  });
  await lab.controls.byId('controls.twin').check();
  await lab.controls.play.click();
  await lab.waitForPhase('completed');
  await expect.poll(() => lab.charts.points('chart.twin')).toBeGreaterThan(0);
  expect(await new Accessibility(page).blockingViolations()).toEqual([]);
});

test('cost & sweeps with a loaded sweep and a picked point have no serious violations', async ({
  lab,
  page,
}) => {
  expect(await lab.summary()).toMatchObject({ phase: 'idle' });
  const sweep = new SweepPanel(page);
  await sweep.loadFile(CLI_SWEEP);
  await expect.poll(() => sweep.points()).toBe(15);
  await sweep.markers().first().click();
  await expect(page.getByTestId('pareto.details')).toBeVisible();
  expect(await new Accessibility(page).blockingViolations()).toEqual([]);
});

test('saved runs with the comparison shown have no serious violations', async ({ lab, page }) => {
  const runs = new RunsPanel(page);
  await runs.importFile(RESULT_FILE);
  await expect(runs.rows()).toHaveCount(1);
  await lab.setExperiment({ ...TINY_EXPERIMENT, train: { ...TINY_EXPERIMENT.train, steps: 20 } });
  await lab.controls.play.click();
  await lab.waitForPhase('completed');
  await expect
    .poll(async () => (await runs.saved()).map((r) => r.status))
    .toEqual(['completed', 'completed']);
  for (const { id } of await runs.saved()) await runs.byId(`runs.pick.${id}`).check();
  await expect(runs.byId('chart.compare.loss')).not.toHaveAttribute('data-points', '0');
  expect(await new Accessibility(page).blockingViolations()).toEqual([]);
});

test('a shared-result link and a broken link have no serious violations', async ({ lab, page }) => {
  const a11y = new Accessibility(page);
  await lab.setExperiment(TINY_EXPERIMENT);
  await lab.controls.play.click();
  await lab.waitForPhase('completed');
  const url = await new SharePanel(page).copyLink();
  expect(await a11y.blockingViolations(), 'link field shown').toEqual([]);

  await page.goto(url);
  await expect(page.getByTestId('share.result')).toBeVisible();
  await expect(page.getByTestId('chart.shared.loss')).not.toHaveAttribute('data-points', '0');
  expect(await a11y.blockingViolations(), 'shared result').toEqual([]);

  await page.goto('/#garbage');
  await expect(page.getByTestId('share.error')).toBeVisible();
  expect(await a11y.blockingViolations(), 'link error').toEqual([]);
});
