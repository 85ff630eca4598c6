/** Smoke: the lab loads, the worker picks a backend, every panel renders, no console errors. */
import { expect, test } from './fixtures';

test('loads with a backend, controls and empty charts', async ({ lab, page }) => {
  const summary = await lab.summary();
  console.log(`backend picked: ${summary.backend}`);
  await expect(page.getByTestId('header.backend')).toHaveAttribute('data-backend', summary.backend ?? '');
  await expect(page.getByTestId('header.backend')).toContainText('backend:');
  // The tooltip says why this backend (measured faster, or WebGL not worth measuring here).
  const why = await page.getByTestId('header.backend').getAttribute('title');
  console.log(`why: ${why}`);
  expect(why).toMatch(/wasm|webgl|measured|asked/);
  await expect(page.getByTestId('header.background')).toContainText('keeps going while this tab is hidden');
  for (const id of [
    'controls.model',
    'controls.bits',
    'controls.quant',
    'controls.estimatorSection',
    'controls.train',
    'controls.oscillation',
    'controls.twinSection',
  ]) {
    await expect(page.getByTestId(id)).toBeVisible();
  }
  await expect(lab.controls.play).toBeVisible();
  await expect(lab.charts.chart('chart.surrogate').locator('svg path').first()).toBeVisible();
  expect(await lab.charts.points('chart.loss')).toBe(0);
  expect(summary.phase).toBe('idle');
});

test('serves what a served app needs: icon, web manifest, the preview a shared link shows', async ({
  lab,
  page,
}) => {
  const head = (sel: string, attr: string) => page.locator(`head ${sel}`).getAttribute(attr);
  for (const href of [
    await head('link[rel=icon]', 'href'),
    await head('link[rel=manifest]', 'href'),
    await head('meta[property="og:image"]', 'content'),
  ]) {
    expect(href).toBeTruthy();
    const res = await page.request.get(href!);
    expect(res.status(), href!).toBe(200);
  }
  const manifest = await (await page.request.get((await head('link[rel=manifest]', 'href'))!)).json();
  expect(manifest.name).toBe('Quant Lab');
  expect((await lab.summary()).phase).toBe('idle');
});
