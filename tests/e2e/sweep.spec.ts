/** Browser sweep: progress on a worker pool, then the frontier; cancel; loading a CLI sweep file. */
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures';
import { SMALL_EXPERIMENT } from './pages/LabPage';
import { SweepPanel } from './pages/SweepPanel';

const CLI_SWEEP = fileURLToPath(new URL('./data/sweep-mlp.json', import.meta.url));

test('a small sweep shows progress, then every point and the frontier', async ({ lab, page }) => {
  await lab.setExperiment(SMALL_EXPERIMENT);
  await lab.openWorkspace('sweep');
  const sweep = new SweepPanel(page);
  await sweep.setBits([2, 4, 32]);
  await sweep.setSteps(60);
  await expect(sweep.plan).toHaveAttribute('data-points', '3');
  await expect(sweep.chart).toHaveAttribute('data-points', '0');

  await sweep.start.click();
  // Running: the bar, a cancel button and an ETA while the pool works.
  await expect(sweep.progress).toHaveAttribute('data-phase', 'running');
  await expect(sweep.progress).toHaveAttribute('data-total', '3');
  await expect(sweep.cancel).toBeVisible();
  await expect(page.getByTestId('sweep.status')).toContainText('ETA');
  // Results stream in as they finish; then the sweep is done and the bar is full.
  await expect
    .poll(() => sweep.points(), { message: 'sweep points stream into the chart', timeout: 80_000 })
    .toBeGreaterThan(0);
  await expect(sweep.progress).toHaveAttribute('data-phase', 'done', { timeout: 80_000 });
  expect(await sweep.state()).toMatchObject({ done: 3, total: 3, fraction: 1 });

  // Every point is drawn, and the frontier (non-dominated points) is at least one of them.
  await expect.poll(() => sweep.points()).toBe(3);
  await expect(sweep.markers()).toHaveCount(3);
  const frontier = await sweep.frontierCount();
  expect(frontier).toBeGreaterThanOrEqual(1);
  expect(frontier).toBeLessThanOrEqual(3);
  const state = await page.evaluate(() => window.__lab!.getState().sweep.points.map((p) => p.id));
  expect(state.sort()).toEqual(['w2a2-x1-s1', 'w32a32-x1-s1', 'w4a4-x1-s1']);

  // Hover shows the config; click shows the point's details.
  await sweep.markers().first().hover();
  await expect(page.getByTestId('pareto.tooltip')).toContainText('seed 1');
  await sweep.markers().first().click();
  await expect(page.getByTestId('pareto.details')).toContainText('sweep 1');

  // Switching the cost axis keeps the points and recomputes the frontier.
  await page.getByTestId('pareto.axis').selectOption({ label: 'size (bits)' });
  await expect.poll(() => sweep.points()).toBe(3);
});

test('cancel stops the pool; a CLI sweep file adds its points', async ({ lab, page }) => {
  await lab.setExperiment(SMALL_EXPERIMENT);
  await lab.openWorkspace('sweep');
  const sweep = new SweepPanel(page);
  await sweep.setBits([2, 4]);
  await sweep.setSteps(5000);
  await sweep.start.click();
  await expect
    .poll(async () => (await sweep.state()).fraction, { message: 'a worker is training' })
    .toBeGreaterThan(0);
  await sweep.cancel.click();
  await expect(sweep.progress).toHaveAttribute('data-phase', 'cancelled');
  await expect(sweep.start).toBeVisible();
  expect((await sweep.state()).done).toBe(0);

  await sweep.loadFile(CLI_SWEEP);
  await expect.poll(() => sweep.points()).toBe(15);
  expect(await sweep.frontierCount()).toBe(6); // the frontier the CLI wrote for ACEv2
});
