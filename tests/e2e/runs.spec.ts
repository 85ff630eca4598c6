/**
 * Saved runs: every run survives a reload (a cut-off one as interrupted); a runner result JSON imports
 * and shows its curves; CSV export downloads and parses back; rename, delete, PNG export.
 */
import { fileURLToPath } from 'node:url';
import { CSV_HEADER, parseCsv } from '../../src/experiment/export';
import { expect, test } from './fixtures';
import { LabPage } from './pages/LabPage';
import { RunsPanel } from './pages/RunsPanel';
import { TINY_EXPERIMENT } from './pages/SharePanel';

const RESULT_FILE = fileURLToPath(new URL('./fixtures/runner-result.json', import.meta.url));

test('reload keeps all runs; a run cut off by the reload is kept as interrupted', async ({ lab, page }) => {
  const runs = new RunsPanel(page);
  await lab.openWorkspace('runs');
  expect(await runs.saved(), 'a fresh context starts with no saved runs').toEqual([]);
  for (const seed of [1, 2]) {
    await lab.setExperiment({ ...TINY_EXPERIMENT, seed });
    await lab.controls.play.click();
    await lab.waitForPhase('completed');
  }
  await lab.setExperiment({
    ...TINY_EXPERIMENT,
    seed: 3,
    train: { ...TINY_EXPERIMENT.train, steps: 100_000 },
  });
  await lab.controls.play.click();
  await lab.waitForSteps(20);
  await expect
    .poll(async () => (await runs.saved()).map((r) => r.status))
    .toEqual(['completed', 'completed', 'running']);
  await expect.poll(async () => (await runs.saved())[2].points).toBeGreaterThan(0);
  const before = await runs.saved();

  await lab.open('/?ws=runs');
  await lab.waitForWorkspace('runs');
  await expect.poll(async () => (await runs.saved()).length).toBe(3);
  const after = await runs.saved();
  expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id));
  expect(after.map((r) => r.status)).toEqual(['completed', 'completed', 'interrupted']);
  expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
  await expect(runs.rows()).toHaveCount(3);

  // Two seeds of one config overlay as a mean with a band.
  await runs.byId(`runs.pick.${after[0].id}`).check();
  await runs.byId(`runs.pick.${after[1].id}`).check();
  await expect(runs.byId('chart.compare.loss')).not.toHaveAttribute('data-points', '0');
  await expect(runs.byId('chart.compare.loss').locator('.recharts-area')).toHaveCount(1);
  await expect(runs.byId('runs.table')).toHaveAttribute('data-diff', 'seed');
  await expect(runs.byId(`runs.row.${after[0].id}`).locator('td.diff')).toHaveCount(1);
});

test('a runner result imports and shows its curves; CSV export parses back', async ({ lab, page }) => {
  const runs = new RunsPanel(page);
  await lab.openWorkspace('runs');
  await runs.importFile(RESULT_FILE);
  await expect(runs.byId('runs.importMessage')).toHaveAttribute('data-ok', 'true');
  await expect(runs.rows()).toHaveCount(1);
  const [imported] = await runs.saved();
  expect(imported.status).toBe('completed');
  await expect(runs.byId(`runs.pick.${imported.id}`)).toBeChecked();
  await expect(runs.byId('chart.compare.loss')).toHaveAttribute('data-points', String(imported.points));
  await expect(runs.byId('chart.compare.loss').locator('.recharts-line path').first()).toBeVisible();

  await lab.setExperiment({ ...TINY_EXPERIMENT, train: { ...TINY_EXPERIMENT.train, steps: 20 } });
  await lab.controls.play.click();
  await lab.waitForPhase('completed');
  await expect
    .poll(async () => (await runs.saved()).map((r) => r.status))
    .toEqual(['completed', 'completed']);

  const { download, bytes } = await runs.download(runs.byId('runs.exportCsv'));
  expect(download.suggestedFilename()).toBe('quant-lab-runs.csv');
  const rows = parseCsv(bytes.toString('utf8'));
  expect(rows[0]).toEqual(CSV_HEADER);
  const saved = await runs.saved();
  expect(rows.length - 1).toBe(saved.reduce((n, r) => n + r.points, 0));
  expect(new Set(rows.slice(1).map((r) => r[0]))).toEqual(new Set(saved.map((r) => r.id)));
});

test('rename, delete, and a chart as PNG', async ({ lab, page }) => {
  const runs = new RunsPanel(page);
  await lab.openWorkspace('runs');
  await runs.importFile(RESULT_FILE);
  await expect(runs.rows()).toHaveCount(1);
  const [run] = await runs.saved();
  await runs.byId(`runs.rename.${run.id}`).click();
  await runs.byId(`runs.nameInput.${run.id}`).fill('baseline W4A4');
  await runs.byId(`runs.nameInput.${run.id}`).press('Enter');
  expect((await runs.saved())[0].name).toBe('baseline W4A4');
  // Reload at once, without waiting for the store: the rename must survive it.
  await lab.open('/?ws=runs');
  await lab.waitForWorkspace('runs');
  await runs.waitForLoaded();
  expect((await runs.saved()).map((r) => r.name)).toEqual(['baseline W4A4']);

  await runs.byId(`runs.pick.${run.id}`).check();
  const { download, bytes } = await runs.download(runs.byId('chart.compare.loss').getByTestId('chart.png'));
  expect(download.suggestedFilename()).toBe('quant-lab-compare-training-loss.png');
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect(bytes.length).toBeGreaterThan(2000);

  await runs.byId(`runs.delete.${run.id}`).click();
  await expect(runs.rows()).toHaveCount(0);
  // Reload at once, without waiting for the store: the deleted run must not come back.
  await lab.open('/?ws=runs');
  await lab.waitForWorkspace('runs');
  await runs.waitForLoaded();
  expect(await runs.saved()).toEqual([]);
  await expect(runs.byId('runs.empty')).toBeVisible();
});

test('a delete and a rename survive the tab closing before they are stored', async ({ lab, context }) => {
  const page = lab.page;
  const runs = new RunsPanel(page);
  await lab.openWorkspace('runs');
  await runs.importFile(RESULT_FILE);
  await runs.importFile(RESULT_FILE);
  await expect(runs.rows()).toHaveCount(2);
  const [gone, kept] = await runs.saved();
  // Both edits are still queued behind a busy transaction when the tab closes.
  await runs.holdStore();
  await runs.byId(`runs.rename.${kept.id}`).click();
  await runs.byId(`runs.nameInput.${kept.id}`).fill('kept');
  await runs.byId(`runs.nameInput.${kept.id}`).press('Enter');
  await runs.byId(`runs.delete.${gone.id}`).click();
  await expect(runs.rows()).toHaveCount(1);
  await page.close();

  const next = await context.newPage();
  const lab2 = new LabPage(next);
  await lab2.open('/?ws=runs');
  await lab2.waitForWorkspace('runs');
  const runs2 = new RunsPanel(next);
  await runs2.waitForLoaded();
  expect((await runs2.saved()).map((r) => [r.id, r.name])).toEqual([[kept.id, 'kept']]);
  await expect(runs2.rows()).toHaveCount(1);
});
