/**
 * Shareable links: copy → open in a fresh browser context → identical controls and, after re-run,
 * identical final metrics; garbage and truncated links show a message and a working lab; classroom
 * options and presets survive the link.
 */
import type { Page } from '@playwright/test';
import { DEFAULT_EXPERIMENT } from '../../src/experiment/schema';
import { expect, test } from './fixtures';
import { LabPage } from './pages/LabPage';
import { SharePanel, TINY_EXPERIMENT } from './pages/SharePanel';

/** Collects console errors of a page the fixture's guard does not watch. */
function guardConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** Opens `url` and waits for the lab (hook installed, backend picked). */
async function openAt(page: Page, url: string): Promise<LabPage> {
  await page.goto(url);
  const lab = new LabPage(page);
  await expect.poll(() => page.evaluate(() => window.__lab !== undefined)).toBe(true);
  await expect.poll(async () => (await lab.summary()).backend).not.toBeNull();
  return lab;
}

test('copy link → fresh page: identical controls, and a re-run gives identical final metrics', async ({
  lab,
  page,
  context,
  browser,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const share = new SharePanel(page);
  await lab.setExperiment(TINY_EXPERIMENT);
  await lab.controls.play.click();
  await lab.waitForPhase('completed');
  const original = await share.finalMetrics();
  expect(original.testAccuracy).toBeDefined();

  const url = await share.copyLink();
  expect(url).toMatch(/^http:\/\/localhost:\d+\/.*#[\w-]+$/);
  await expect(page.getByTestId('share.status')).toHaveAttribute('data-copied', 'true');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  // The address bar follows the controls (replaceState, debounced), without a history entry per change.
  await expect.poll(() => page.evaluate(() => location.hash.length)).toBeGreaterThan(10);

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  const errors = guardConsole(other);
  try {
    const lab2 = await openAt(other, url);
    const share2 = new SharePanel(other);
    expect(await share2.experiment()).toEqual(await share.experiment());
    // The link's result shows at once as ghost curves, with the same final accuracy.
    await expect(other.getByTestId('share.result.accuracy')).toHaveText(
      `${(original.testAccuracy! * 100).toFixed(1)}%`,
    );
    expect(Number(await other.getByTestId('chart.shared.loss').getAttribute('data-points'))).toBeGreaterThan(
      0,
    );
    await share2.rerun.click();
    await lab2.waitForPhase('completed');
    const rerun = await share2.finalMetrics();
    expect(rerun).toEqual(original);
    expect(errors).toEqual([]);
  } finally {
    await fresh.close();
  }
});

test('a garbage link shows the message and a working lab', async ({ page }) => {
  const lab = await openAt(page, '/#garbage');
  const share = new SharePanel(page);
  await expect(share.error).toContainText('Could not open the link: link is truncated or corrupted');
  expect(await share.experiment()).toEqual(DEFAULT_EXPERIMENT);
  await lab.setExperiment({ ...TINY_EXPERIMENT, train: { ...TINY_EXPERIMENT.train, steps: 20 } });
  await lab.controls.play.click();
  await lab.waitForPhase('completed');
});

test('a truncated valid link shows the message and the default lab', async ({ lab, page }) => {
  await lab.setExperiment({ ...TINY_EXPERIMENT, seed: 7 });
  // The address bar holds the link of the current controls (replaceState, debounced).
  await expect.poll(() => page.evaluate(() => location.hash.length)).toBeGreaterThan(10);
  const hash = await page.evaluate(() => location.hash);
  const lab2 = await openAt(page, `/?x=1${hash.slice(0, Math.floor(hash.length / 2))}`);
  await expect(new SharePanel(page).error).toContainText('Could not open the link:');
  expect(await new SharePanel(page).experiment()).toEqual(DEFAULT_EXPERIMENT);
  await lab2.controls.play.click();
  await lab2.waitForSteps(1);
});

test('classroom options and a preset survive the link', async ({ lab, page }) => {
  await page.getByTestId('share.classroom').locator('summary').click();
  await page.getByTestId('share.hide.controls.estimatorSection').check();
  await expect(page.getByTestId('controls.estimatorSection')).toBeHidden();
  const before = await page.evaluate(() => ({ hash: location.hash, entries: history.length }));
  await page.getByTestId('share.preset').selectOption({ index: 1 });
  await expect(page.getByTestId('share.presetInfo')).toBeVisible();
  const presetId = await page.getByTestId('share.presetInfo').getAttribute('data-preset');
  // Each change rewrites the hash in place: no new history entries.
  await expect.poll(() => page.evaluate(() => location.hash)).not.toBe(before.hash);
  expect(await page.evaluate(() => history.length)).toBe(before.entries);
  const link = await new SharePanel(page).copyLink();
  const experiment = await new SharePanel(page).experiment();

  await openAt(page, '/');
  await expect(page.getByTestId('controls.estimatorSection')).toBeVisible();
  // Same document, new hash (a link pasted into the open tab), then a full load of the link.
  for (const open of [() => openAt(page, link.replace(/^https?:\/\/[^/]+/, '')), () => page.reload()]) {
    await open();
    await expect.poll(() => page.evaluate(() => window.__lab !== undefined)).toBe(true);
    await expect(page.getByTestId('controls.estimatorSection')).toBeHidden();
    await expect(page.getByTestId('controls.train')).toBeVisible();
    await expect(page.getByTestId('share.presetInfo')).toHaveAttribute('data-preset', presetId ?? '');
    expect(await new SharePanel(page).experiment()).toEqual(experiment);
  }
  void lab;
});
