/**
 * The guided tour, by keyboard alone: a link asking for the tour opens it; its offers load and play
 * the oscillation lesson, then the freezing lesson, and the freezing lesson's claim turns final ✔;
 * Escape skips the tour, and a reload does not show it again.
 */
import type { Page } from '@playwright/test';
import LZString from 'lz-string';
import { DEFAULT_EXPERIMENT, SCHEMA_VERSION } from '../../src/experiment/schema';
import { expect, test } from './fixtures';
import { LabPage } from './pages/LabPage';
import { TourPage } from './pages/TourPage';

/** A link to the default lab with envelope fields `extra` (src/experiment/url.ts; `t: 1` asks for the tour). */
function linkWith(extra: Record<string, unknown>): string {
  const json = JSON.stringify({ v: SCHEMA_VERSION, e: DEFAULT_EXPERIMENT, ...extra });
  return `#${LZString.compressToEncodedURIComponent(json).replace(/[+-]/g, (c) => (c === '+' ? '-' : '_'))}`;
}

/** The envelope of a link in the address bar (the inverse of {@link linkWith}). */
function envelopeOf(hash: string): Record<string, unknown> {
  const payload = hash.replace(/^#/, '').replace(/[-_]/g, (c) => (c === '-' ? '+' : '-'));
  return JSON.parse(LZString.decompressFromEncodedURIComponent(payload)) as Record<string, unknown>;
}

/** What this browser remembers about the tour. */
const remembered = (page: Page) =>
  page.evaluate(
    () => JSON.parse(localStorage.getItem('quant-lab.tour') ?? 'null') as { outcome: string } | null,
  );

test('a link with the tour flag walks start → lesson → trajectories → freezing → claim ✔ by keyboard', async ({
  page,
}) => {
  // Two lesson runs of 400 steps each (the run without freezing is the first lesson's, reused).
  test.setTimeout(6 * 60_000);
  const lab = new LabPage(page);
  const tour = new TourPage(page);
  // The fixture marks the tour as seen: the link's flag opens it anyway.
  await lab.open(`/${linkWith({ t: 1 })}`);
  await tour.expectStep('start', 'Start here');
  // The request is taken out of the address bar (the experiment stays), so a reload does not ask again.
  const address = envelopeOf(await page.evaluate(() => location.hash));
  expect(address.t).toBeUndefined();
  expect(address.e).toEqual(DEFAULT_EXPERIMENT);

  await tour.press('tour.next');
  await tour.expectStep('run-lesson', 'Run the oscillation lesson');
  await expect(tour.dialog).toHaveAttribute('data-target', 'share.preset');
  await expect(tour.status).toHaveAttribute('data-done', 'false');
  await tour.press('tour.action');
  await expect
    .poll(() => page.evaluate(() => window.__lab!.getState().presetId))
    .toBe('oscillations-w3-dscnn');
  await expect(tour.status).toHaveText(/^(loading data|training… \d+\/400 steps)/);
  await lab.waitForSteps(1);
  await expect(tour.status).toHaveAttribute('data-done', 'true');

  await tour.press('tour.next', 'Space');
  await tour.expectStep('trajectories', 'What the trajectory chart shows');
  await expect(tour.dialog).toHaveAttribute('data-target', 'chart.trajectories');
  await expect(page.getByTestId('tour.ring')).toBeVisible();
  await expect(page.getByTestId('chart.trajectories')).toBeInViewport();
  // Let the run finish, as the step says: the freezing lesson reuses it as its comparison.
  await expect(tour.status).toHaveAttribute('data-done', 'true', { timeout: 180_000 });
  await expect(tour.status).toHaveText('done: 400/400 steps');

  await tour.press('tour.next');
  await tour.expectStep('freeze', 'Turn on freezing');
  await expect(tour.dialog).toHaveAttribute('data-target', 'controls.freeze');
  await tour.press('tour.action');
  await expect
    .poll(() => page.evaluate(() => window.__lab!.getState().presetId))
    .toBe('oscillations-w3-dscnn-freeze');
  await expect(page.getByTestId('controls.freeze').locator('option:checked')).toHaveText('0.02');

  await tour.press('tour.next');
  await tour.expectStep('claim', 'Watch the claim turn ✔');
  await expect(tour.dialog).toHaveAttribute('data-target', 'lesson.claim');
  await expect(tour.status).toHaveText(/^(measuring…|✔ so far|✘ so far) freezing run /);
  const claim = await lab.waitFor(
    (s) => s.claim,
    (c) => c?.final === true,
    'the freezing lesson’s claim is final',
    180_000,
  );
  console.log(`freezing claim measured: ${JSON.stringify(claim!.measured)}`);
  expect(claim!.compare).toEqual([{ role: 'base', status: 'done' }]);
  expect(claim!.holds, `claim measured ${JSON.stringify(claim!.measured)}`).toBe(true);
  await expect(page.getByTestId('lesson.claim')).toHaveAttribute('data-holds', 'holds');
  await expect(page.getByTestId('lesson.claim')).toHaveAttribute('data-final', 'true');
  await expect(tour.status).toHaveAttribute('data-done', 'true');
  await expect(tour.status).toHaveText(/^✔ The claim holds/);

  await expect(page.getByTestId('tour.next')).toHaveText('Finish');
  await tour.press('tour.next');
  await expect(tour.dialog).toHaveCount(0);
  // It opened by itself, so the focus goes to the Tour button that opens it again.
  await expect.poll(() => tour.focused()).toBe('tour.open');
  expect(await remembered(page)).toMatchObject({ outcome: 'done' });
  await page.reload();
  await lab.ready();
  await expect(page.getByTestId('tour.open')).toBeVisible();
  await expect(tour.dialog).toHaveCount(0);
});

test('each step opens the workspace its targets are in, also after the visitor switched away', async ({
  page,
}) => {
  const lab = new LabPage(page);
  const tour = new TourPage(page);
  await lab.open(`/?ws=runs${linkWith({ t: 1 })}`);
  await tour.expectStep('start', 'Start here');
  await lab.waitForWorkspace('train');
  await lab.openWorkspace('runs');
  await expect(tour.dialog).toBeVisible();

  // → on the focused dialog goes on: the next step is back on Train, pointing at its target.
  await tour.dialog.focus();
  await page.keyboard.press('ArrowRight');
  await tour.expectStep('run-lesson', 'Run the oscillation lesson');
  await lab.waitForWorkspace('train');
  await lab.openWorkspace('runs');
  await tour.dialog.focus();
  await page.keyboard.press('ArrowRight');
  await tour.expectStep('trajectories', 'What the trajectory chart shows');
  await lab.waitForWorkspace('train');
  await expect(tour.dialog).toHaveAttribute('data-target', 'chart.trajectories');
  await expect(page.getByTestId('tour.ring')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(tour.dialog).toBeHidden();
});

test.describe('a first visit', () => {
  test.use({ tourSeen: false });

  test('Escape skips the tour and a reload does not show it again; the Tour button and ?tour=1 do', async ({
    page,
  }) => {
    const lab = new LabPage(page);
    const tour = new TourPage(page);
    await lab.open();
    await tour.expectStep('start', 'Start here');
    await tour.tabTo('tour.next');
    await page.keyboard.press('Escape');
    await expect(tour.dialog).toHaveCount(0);
    await expect.poll(() => tour.focused()).toBe('tour.open');
    expect(await remembered(page)).toMatchObject({ outcome: 'skipped' });
    expect(await lab.summary()).toMatchObject({ activeRunId: null, phase: 'idle' });

    await page.reload();
    await lab.ready();
    await expect(page.getByTestId('tour.open')).toBeVisible();
    await expect(tour.dialog).toHaveCount(0);

    // The header's Tour button opens it again, at the start; Escape from the dialog closes it.
    await page.keyboard.press('Tab');
    await tour.press('tour.open');
    await tour.expectStep('start', 'Start here');
    await page.keyboard.press('Escape');
    await expect(tour.dialog).toHaveCount(0);
    await expect.poll(() => tour.focused()).toBe('tour.open');

    await lab.open('/?tour=1');
    await tour.expectStep('start', 'Start here');
    await expect.poll(() => page.evaluate(() => location.search)).toBe('');
  });
});

test('a class link that hides the oscillation controls: the freezing step points at the lesson picker', async ({
  page,
}) => {
  const lab = new LabPage(page);
  const tour = new TourPage(page);
  await lab.open(`/?tour=1${linkWith({ h: ['controls.oscillation'] })}`);
  await expect(page.getByTestId('controls.oscillation')).toBeHidden();
  await tour.expectStep('start', 'Start here');
  for (const step of ['run-lesson', 'trajectories', 'freeze']) {
    await tour.press('tour.next');
    await expect(tour.dialog).toHaveAttribute('data-step', step);
  }
  await expect(tour.dialog).toHaveAttribute('data-target', 'share.preset');
  await expect(page.getByTestId('tour.ring')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(tour.dialog).toHaveCount(0);
});
