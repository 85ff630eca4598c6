/** The main thread stays responsive while training: no long task over 50 ms (PerformanceObserver 'longtask'). */
import { expect, test } from './fixtures';
import { SMALL_EXPERIMENT } from './pages/LabPage';

declare global {
  interface Window {
    __longTasks?: number[];
  }
}

test('no main-thread task over 50 ms while training', async ({ lab, page }) => {
  await lab.setExperiment({
    ...SMALL_EXPERIMENT,
    model: { arch: 'mlp', hidden: [64] },
    train: { ...SMALL_EXPERIMENT.train, steps: 100_000, reportEvery: 2 },
  });
  // Warm up: first play mounts every chart; measure the steady state of a training run after that.
  await lab.controls.play.click();
  await lab.waitFor(
    (s) => s.reports,
    (n) => n >= 5,
    'charts mounted',
  );
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks!.push(Math.round(e.duration));
    }).observe({ type: 'longtask' });
  });
  const start = (await lab.summary()).stepsDone;
  await lab.waitForSteps(start + 600, 60_000);
  const tasks = await page.evaluate(() => window.__longTasks ?? []);
  const s = await lab.summary();
  console.log(`steps/s ${s.stepsPerSec.toFixed(1)} on ${s.backend}; long tasks: ${JSON.stringify(tasks)}`);
  expect(tasks.filter((d) => d > 50)).toEqual([]);
});
