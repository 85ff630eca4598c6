/** Live changes: the estimator changed mid-run keeps the same run training and marks the charts; a model change resets visibly. */
import { expect, test } from './fixtures';
import { SMALL_EXPERIMENT } from './pages/LabPage';

test('changing the estimator mid-run keeps training and marks the charts', async ({ lab }) => {
  await lab.setExperiment({ ...SMALL_EXPERIMENT, train: { ...SMALL_EXPERIMENT.train, steps: 3000 } });
  await lab.controls.play.click();
  await lab.waitForSteps(30);
  const { activeRunId } = await lab.summary();

  await lab.controls.choose('controls.estimator', 'tanh soft-round');
  const marks = await lab.waitFor(
    (s) => s.marks,
    (m) => m.length === 1,
    'one mark after the estimator change',
  );
  expect(marks[0].label).toBe('estimator → tanh');
  // Same run, still training past the mark.
  await lab.waitForSteps(marks[0].step + 30);
  const after = await lab.summary();
  expect(after.activeRunId).toBe(activeRunId);
  expect(after.phase).toBe('running');
  await expect(lab.charts.marks('chart.loss')).toHaveCount(1);
  await expect(lab.charts.marks('chart.accuracy')).toHaveCount(1);
  await expect(lab.charts.chart('chart.loss')).toContainText('estimator → tanh');

  // A model change cannot be applied live: the run resets, visibly, and a fresh run trains.
  await lab.controls.choose('controls.arch', 'CNN + BN');
  await expect(lab.page.getByTestId('notice.reset')).toContainText('needs a fresh model');
  const fresh = await lab.waitFor(
    (s) => s.activeRunId,
    (id) => id !== null && id !== activeRunId,
    'a new run',
  );
  await lab.waitFor(
    (s) => s.runs.find((r) => r.id === activeRunId)?.phase,
    (p) => p === 'stopped',
    'old run kept as stopped',
  );
  expect(fresh).not.toBe(activeRunId);
  await lab.controls.pause.click();
  await lab.waitForPhase('paused');
});
