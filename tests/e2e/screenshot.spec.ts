/** Writes docs/screenshot.png: the lab mid-training (headless Chromium), for the README. */
import { test } from './fixtures';
import { SMALL_EXPERIMENT } from './pages/LabPage';

test('screenshot of the lab mid-training', async ({ lab, page }) => {
  await lab.setExperiment({
    ...SMALL_EXPERIMENT,
    data: { trainSize: 2000, testSize: 512 },
    model: { arch: 'mlp', hidden: [64] },
    quant: { weight: { bits: 2 }, act: { bits: 4 }, firstLastBits8: false },
    train: { ...SMALL_EXPERIMENT.train, steps: 2000, lr: 0.003 },
    twin: { estimator: { name: 'tanh' }, map: false, compareEvery: 10 },
  });
  await lab.setAutoPause(600);
  await lab.controls.play.click();
  // The last layer (640 weights) oscillates more visibly than the first.
  await lab.waitFor(
    (s) => s.reports,
    (n) => n >= 2,
    'first reports',
  );
  await lab.controls.byId('chart.trajectories.layer').selectOption('fc2');
  await lab.waitForPhase('paused', 90_000);
  await page.screenshot({ path: 'docs/screenshot.png', fullPage: true });
});
