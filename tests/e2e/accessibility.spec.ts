/**
 * Accessibility: axe-core finds no serious or critical violation in any main view of the lab (every
 * workspace at rest, training with charts drawn, twin mode, cost & sweeps with a loaded sweep, saved
 * runs and the comparison, a shared-result link and a broken link, a lesson with its claim, the
 * guided tour); the workspace nav works by keyboard alone.
 */
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures';
import { Accessibility } from './pages/Accessibility';
import { SMALL_EXPERIMENT, type WorkspaceId } from './pages/LabPage';
import { LessonPanel } from './pages/LessonPanel';
import { RunsPanel } from './pages/RunsPanel';
import { SharePanel, TINY_EXPERIMENT } from './pages/SharePanel';
import { SweepPanel } from './pages/SweepPanel';

const CLI_SWEEP = fileURLToPath(new URL('./data/sweep-mlp.json', import.meta.url));
const RESULT_FILE = fileURLToPath(new URL('./fixtures/runner-result.json', import.meta.url));

test('the lab at rest has no serious accessibility violations', async ({ lab, page }) => {
  expect(await lab.summary()).toMatchObject({ phase: 'idle' });
  expect(await new Accessibility(page).blockingViolations()).toEqual([]);
});

test('every workspace at rest has no serious violations; the nav works by keyboard', async ({
  lab,
  page,
}) => {
  const a11y = new Accessibility(page);
  const nav = page.getByRole('navigation', { name: 'Workspaces' });
  const ids = (await nav.getByRole('link').evaluateAll((as) => as.map((a) => a.dataset.testid ?? ''))).map(
    (id) => id.replace(/^nav\./, '') as WorkspaceId,
  );
  expect(ids).toEqual(['train', 'sweep', 'runs', 'ptq', 'sensitivity', 'deploy']);
  for (const id of ids) {
    // Tab to the workspace's link, Enter opens it; the link is marked current and shows a focus ring.
    expect(await a11y.tabTo(`nav.${id}`), `Tab reaches nav.${id}`).toBe(true);
    const f = await a11y.focused();
    expect(f.outlineStyle !== 'none' && f.outlineWidth >= 2, 'the nav link shows a focus ring').toBe(true);
    await page.keyboard.press('Enter');
    await lab.waitForWorkspace(id);
    await expect(nav.getByTestId(`nav.${id}`)).toHaveAttribute('aria-current', 'page');
    expect(await a11y.blockingViolations(), `workspace ${id}`).toEqual([]);
  }
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
  await lab.openWorkspace('sweep');
  const sweep = new SweepPanel(page);
  await sweep.loadFile(CLI_SWEEP);
  await expect.poll(() => sweep.points()).toBe(15);
  // Opening a point by keyboard (the markers are mouse-only): the picker beside the chart.
  await page.getByTestId('pareto.pick').focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('pareto.details')).toBeVisible();
  expect(await new Accessibility(page).blockingViolations()).toEqual([]);
});

test('saved runs with the comparison shown have no serious violations', async ({ lab, page }) => {
  const runs = new RunsPanel(page);
  await lab.openWorkspace('runs');
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

test('keyboard alone: play and pause, a select, the chart tools; focus is always visible', async ({
  lab,
  page,
}) => {
  const a11y = new Accessibility(page);
  await lab.setExperiment({ ...SMALL_EXPERIMENT, train: { ...SMALL_EXPERIMENT.train, steps: 100_000 } });
  const ring = async () => {
    const f = await a11y.focused();
    return f.outlineStyle !== 'none' && f.outlineWidth >= 2;
  };

  expect(await a11y.tabTo('controls.play'), 'Tab reaches play').toBe(true);
  expect(await ring(), 'play shows a focus ring').toBe(true);
  await page.keyboard.press('Enter');
  await lab.waitForSteps(20);
  expect((await a11y.focused()).id, 'focus stays on the button, now pause').toBe('controls.pause');
  await page.keyboard.press('Space');
  await lab.waitForPhase('paused');

  const bits = () => page.evaluate(() => window.__lab!.getState().experiment.quant.weight.bits);
  const before = await bits();
  expect(await a11y.tabTo('controls.bits.weight'), 'Tab reaches the weight bits').toBe(true);
  expect(await ring(), 'a select shows a focus ring').toBe(true);
  await page.keyboard.press('ArrowDown');
  await expect.poll(bits, { message: 'the arrow key changed the bits' }).not.toBe(before);

  // The charts' interactive parts: the layer picker, the PNG button, the step cursor (hover by keys).
  expect(await a11y.tabTo('chart.trajectories.layer'), 'Tab reaches the layer picker').toBe(true);
  expect(await ring()).toBe(true);
  expect(await a11y.tabTo('chart.png'), 'Tab reaches a PNG button').toBe(true);
  expect(await ring()).toBe(true);
  expect(await a11y.tabTo('chart.hoverArea', 'chart.trajectories'), 'Tab reaches the step cursor').toBe(true);
  await expect(page.getByTestId('chart.trajectories.hover')).toBeVisible();
  const cursor = page.getByTestId('chart.trajectories').getByTestId('chart.hoverArea');
  const step = async () => Number(await cursor.getAttribute('aria-valuenow'));
  const last = await step();
  await page.keyboard.press('Home');
  expect(await step()).toBeLessThan(last);
  await expect(page.getByTestId('chart.trajectories.hover')).toContainText(`step ${await step()}`);
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('chart.trajectories.hover')).toBeHidden();
});

test('every chart offers its numbers as a data table', async ({ lab, page }) => {
  await lab.setExperiment({ ...TINY_EXPERIMENT, train: { ...TINY_EXPERIMENT.train, steps: 40 } });
  await lab.controls.play.click();
  await lab.waitForPhase('completed');
  const loss = page.getByTestId('chart.loss');
  await expect(loss).toHaveAccessibleName('Loss');
  const table = loss.getByTestId('chart.table');
  await expect(table.locator('table')).toHaveCount(0); // rendered only when opened
  await table.locator('summary').press('Enter');
  await expect(table.locator('caption')).toHaveText('Loss');
  await expect(table.locator('thead th')).toHaveText(['step', 'train batch loss', 'test loss']);
  expect(await table.locator('tbody tr').count()).toBe(await lab.charts.points('chart.loss'));
  // Every drawn chart has one, in each workspace (cost charts included).
  const a11y = new Accessibility(page);
  expect(await a11y.blockingViolations(), 'with a table open').toEqual([]);
  const charts = page.locator('figure.chart:not([data-points="0"])');
  let drawn = 0;
  for (const ws of ['train', 'sweep'] as const) {
    if (ws !== 'train') await lab.openWorkspace(ws);
    drawn += await charts.count();
    for (const chart of await charts.all()) await expect(chart.getByTestId('chart.table')).toHaveCount(1);
  }
  expect(drawn).toBeGreaterThan(6);
});

test('a lesson with its claim, and the guided tour open, have no serious violations', async ({
  lab,
  page,
}) => {
  const a11y = new Accessibility(page);
  const lesson = new LessonPanel(page);
  await lesson.pick('pareto-w8a8-mlp-narrow');
  await lab.controls.play.click();
  await expect(lesson.claim).toBeVisible();
  expect(await a11y.blockingViolations(), 'claim provisional').toEqual([]);
  await lesson.waitForFinal();
  expect(await a11y.blockingViolations(), 'claim final').toEqual([]);
  await page.getByRole('button', { name: 'Tour' }).click();
  await expect(page.getByTestId('tour')).toBeVisible();
  expect(await a11y.blockingViolations(), 'tour open').toEqual([]);
});
