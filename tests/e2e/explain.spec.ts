/**
 * Every number explained: a trajectory point's tooltip opens by keyboard with its fake-quantization
 * formula filled in (and consistent: x̂ = s·(q − z) with the numbers shown), and every chart says
 * in one line what to look for.
 */
import { expect, test } from './fixtures';
import { CHART_IDS } from './pages/ChartsPanel';
import { SMALL_EXPERIMENT } from './pages/LabPage';

/** Numbers in a formula string, with the typographic minus read as a minus. */
const numbers = (text: string): number[] =>
  (text.replace(/−/g, '-').match(/-?\d+(\.\d+)?(e-?\d+)?/g) ?? []).map(Number);

test('a trajectory point explains its code by keyboard; every chart says what to look for', async ({
  lab,
  page,
}) => {
  await lab.setExperiment(SMALL_EXPERIMENT);
  await lab.controls.play.click();
  await lab.waitFor(
    (s) => s.reports,
    (n) => n >= 12,
    'a dozen reports',
  );
  await lab.controls.pause.click();
  await lab.waitForPhase('paused');
  await expect.poll(() => lab.charts.points('chart.trajectories')).toBeGreaterThan(0);

  // Keyboard only: focus the chart (shows the last step), step back once, Tab into the card.
  const chart = lab.charts.chart('chart.trajectories');
  await chart.locator('.chart-keys').focus();
  await page.keyboard.press('ArrowLeft');
  const card = page.getByTestId('chart.trajectories.hover');
  await expect(card).toBeVisible();
  await page.keyboard.press('Tab');
  const trigger = page.locator(':focus');
  await expect(trigger).toHaveAttribute('data-testid', /^chart\.trajectories\.explain\.\d+$/);

  // The tooltip is open, announced through aria-describedby, and filled in.
  const tip = page.getByRole('tooltip');
  await expect(tip).toBeVisible();
  const tipId = await tip.getAttribute('id');
  await expect(trigger).toHaveAttribute('aria-describedby', tipId!);
  const line = (label: string) => tip.locator(`.explain-line[data-label="${label}"] .explain-filled`);
  await expect(line('integer code')).toContainText('q = clamp(round(');
  await expect(line('grid')).toContainText('3-bit signed symmetric grid [−4, 3]');

  const [s, z] = numbers(await line('scale, zero point').innerText());
  const code = numbers(await line('integer code').innerText()).at(-1)!;
  const [s2, q, z2, xHat] = numbers(await line('quantized weight').innerText());
  expect([s2, q, z2]).toEqual([s, code, z]);
  expect(code).toBeGreaterThanOrEqual(-4);
  expect(code).toBeLessThanOrEqual(3);
  expect(Math.abs(s * (q - z) - xHat)).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(xHat)));
  await expect(line('gradient ∂x̂/∂x')).toContainText(/passes|masked|no gradient/);

  // Escape closes it; the card still shows the step.
  await page.keyboard.press('Escape');
  await expect(tip).toBeHidden();

  // Every chart in every workspace (training, cost, Pareto, comparison) has its one-line "look for".
  const inWorkspace = {
    train: CHART_IDS,
    sweep: ['cost.breakdown', 'cost.aceVsAcev2', 'pareto.chart'],
    runs: ['chart.compare.loss'],
  } as const;
  const charts = page.locator('figure.chart');
  let count = 0;
  for (const [ws, ids] of Object.entries(inWorkspace) as [keyof typeof inWorkspace, readonly string[]][]) {
    await lab.openWorkspace(ws);
    for (const id of ids)
      await expect(page.getByTestId(`${id}.lookFor`), `${id} says what to look for`).not.toBeEmpty();
    const n = await charts.count();
    for (let i = 0; i < n; i++) await expect(charts.nth(i).locator('.chart-look-for')).not.toBeEmpty();
    count += n;
  }
  expect(count).toBeGreaterThanOrEqual(10);
});
