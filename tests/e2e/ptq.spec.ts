/**
 * The Post-training workspace: an empty state without a trained model, the ladder filled live from
 * the training worker over a model trained here, per-layer details by keyboard, an error (data
 * distillation on a model without batch norm) shown in the panel with the run left as it was, the
 * ladder's options in the link, its QAT row, and the turn-taking with training.
 */
import { expect, test } from './fixtures';
import { Accessibility } from './pages/Accessibility';
import { SMALL_EXPERIMENT } from './pages/LabPage';
import { PtqPanel } from './pages/PtqPanel';

/** A short float run of the small MLP (PTQ quantizes a float-trained model). */
const FLOAT_MLP = {
  ...SMALL_EXPERIMENT,
  quant: { weight: { bits: 32 }, act: { bits: 32 } },
  train: { ...SMALL_EXPERIMENT.train, steps: 300, evalEvery: 100 },
};

test('without a trained model the workspace says so and leads to Train', async ({ lab, page }) => {
  const ptq = new PtqPanel(page);
  await lab.openWorkspace('ptq');
  await expect(ptq.byId('ptq.empty')).toContainText('train a model in the Train workspace first');
  await expect(ptq.run).toBeDisabled();
  await ptq.byId('ptq.toTrain').click();
  await lab.waitForWorkspace('train');
});

test('the ladder fills cell by cell over the model trained here', async ({ lab, page }) => {
  const ptq = new PtqPanel(page);
  await lab.setExperiment(FLOAT_MLP);
  await lab.controls.play.click();
  await lab.waitForPhase('completed');

  await lab.openWorkspace('ptq');
  await expect(ptq.byId('ptq.source')).toContainText('run 1');
  await ptq.setColumns([8, 4]);
  await ptq.setAdaroundIterations(20);
  await ptq.run.click();
  const end = await ptq.waitForEnd('done');
  expect(end.cells).toBe(8);

  for (const bits of [8, 4]) {
    await expect(ptq.float(bits)).toHaveText(/^\d{1,3}\.\d%$/);
    for (const rung of ['nearest', 'cle', 'bias', 'adaround'])
      await expect(ptq.cell(rung, bits), `${rung} at W${bits}A8`).toHaveText(/^\d{1,3}\.\d%$/);
  }
  await expect(ptq.status).toContainText('Done: 8 cells of run 1');
  await expect(ptq.byId('ptq.takeaways').getByRole('listitem')).toHaveCount(2);

  // Per-layer details by keyboard: focusing a cell shows its layers.
  await ptq.cell('adaround', 4).getByRole('button').focus();
  await expect(ptq.byId('ptq.layers').locator('tbody tr')).toHaveCount(2);
  await expect(ptq.byId('ptq.details')).toContainText('+ AdaRound, W4A8');
  expect((await lab.summary()).phase, 'the run is untouched').toBe('completed');
  expect(await new Accessibility(page).blockingViolations(), 'the filled ladder').toEqual([]);
});

test('an error of the ladder is shown in the panel; nothing else is lost', async ({ lab, page }) => {
  const ptq = new PtqPanel(page);
  await lab.setExperiment(FLOAT_MLP);
  await lab.controls.play.click();
  await lab.waitForPhase('completed');
  await lab.openWorkspace('ptq');
  await ptq.setColumns([8]);
  await ptq.byId('ptq.calibData').selectOption({ label: 'distilled from BN statistics' });
  await ptq.run.click();
  await ptq.waitForEnd('error');
  await expect(ptq.status).toContainText('batch norm');
  expect((await lab.summary()).phase).toBe('completed');
  await expect(ptq.run).toBeEnabled();
});

test('the link carries the options; the QAT row fills; training and the ladder take turns', async ({
  lab,
  page,
}) => {
  const ptq = new PtqPanel(page);
  await lab.open('/?ws=ptq&ladder=bits.8_rungs.nearest_qat.20_bogus');
  await lab.waitForWorkspace('ptq');
  await expect.poll(() => ptq.options()).toMatchObject({ weightBits: [8], rungs: ['nearest'], qatSteps: 20 });
  await expect(ptq.byId('ptq.qatSteps')).toHaveValue('20');
  await expect(page.getByTestId('share.warnings')).toContainText('"bogus" is not one this lab reads');
  // Changing an option rewrites the link in place.
  await ptq.setAdaroundIterations(30);
  await expect.poll(() => page.evaluate(() => location.search)).toContain('iters.30');

  // While the run trains, the ladder is refused and says why.
  await lab.setExperiment({ ...FLOAT_MLP, train: { ...FLOAT_MLP.train, steps: 100_000 } });
  await lab.controls.play.click();
  await lab.waitForPhase('running');
  await expect(ptq.byId('ptq.source')).toContainText('Training is running');
  await expect(ptq.run).toBeDisabled();
  await lab.controls.pause.click();
  await lab.waitForPhase('paused');

  await ptq.run.click();
  const end = await ptq.waitForEnd('done');
  expect(end.cells).toBe(2);
  await expect(ptq.cell('qat', 8)).toHaveText(/^\d{1,3}\.\d%$/);
  await ptq.cell('qat', 8).getByRole('button').focus();
  await expect(ptq.byId('ptq.qat')).toContainText(/QAT (passed|did not pass) the best rung/);
  await expect(ptq.status).toContainText('Done: 2 cells');
  expect((await lab.summary()).phase, 'the paused run is untouched').toBe('paused');
});
