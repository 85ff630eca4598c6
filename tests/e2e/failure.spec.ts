/**
 * Failure behaviour: a diverging run stops with a banner that says why and what to try; a crashed
 * worker is reported and restarted, other runs kept, and every saved run survives the crash and a reload.
 */
import { expect, test } from './fixtures';
import { SMALL_EXPERIMENT } from './pages/LabPage';
import { RunsPanel } from './pages/RunsPanel';

test('a huge learning rate diverges with a banner, and the page stays usable', async ({ lab, page }) => {
  await lab.setExperiment(SMALL_EXPERIMENT);
  await lab.controls.choose('controls.lr', '100');
  await lab.controls.play.click();
  await lab.waitForPhase('diverged');
  const banner = page.getByTestId('banner.diverged');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('diverged');
  await expect(banner).toContainText('smaller learning rate');

  // Still usable: pick a sane lr in the UI and train again.
  await lab.controls.choose('controls.lr', '0.01');
  await lab.controls.play.click();
  await lab.waitForSteps(20);
  await expect(banner).toBeHidden();
  expect((await lab.summary()).runs.map((r) => r.phase)).toEqual(['diverged', 'running']);
});

test('a crashed worker is reported and restarted; other runs are kept', async ({
  lab,
  page,
  consoleGuard,
}) => {
  consoleGuard.allow(/simulated worker crash/);
  await lab.setExperiment({ ...SMALL_EXPERIMENT, train: { ...SMALL_EXPERIMENT.train, steps: 40 } });
  await lab.controls.play.click();
  await lab.waitForPhase('completed');
  await lab.setExperiment({ ...SMALL_EXPERIMENT, train: { ...SMALL_EXPERIMENT.train, steps: 5000 } });
  await lab.controls.play.click();
  await lab.waitForSteps(10);

  await page.evaluate(() => window.__lab!.crashWorker());
  await expect(page.getByTestId('notice.crash')).toContainText('restarted');
  const s = await lab.waitFor(
    (x) => x.runs.map((r) => r.phase),
    (p) => p.join() === 'completed,crashed',
    'first run kept, second crashed',
  );
  expect(s).toEqual(['completed', 'crashed']);
  expect((await lab.summary()).workerCrashes).toBe(1);

  // The restarted worker trains a new run.
  await lab.controls.play.click();
  await lab.waitForSteps(10);
  expect((await lab.summary()).runs.map((r) => r.phase)).toEqual(['completed', 'crashed', 'running']);

  // Saved runs survive the crash and a reload: the crashed and the cut-off run as interrupted.
  const runs = new RunsPanel(page);
  await expect
    .poll(async () => (await runs.saved()).map((r) => r.status))
    .toEqual(['completed', 'interrupted', 'running']);
  const before = await runs.saved();
  await lab.open('/?ws=runs');
  await lab.waitForWorkspace('runs');
  await runs.waitForLoaded();
  const after = await runs.saved();
  expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id));
  expect(after.map((r) => r.status)).toEqual(['completed', 'interrupted', 'interrupted']);
  expect(after[0]).toEqual(before[0]);
  expect(after[1].points).toBeGreaterThan(0);
  await expect(runs.rows()).toHaveCount(3);
});
