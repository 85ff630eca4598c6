/**
 * Checkpoints in the app: a model trained here is saved in the browser and downloaded as the file
 * the runner reads; a checkpoint the runner wrote opens as a run, which the post-training ladder
 * quantizes and fine-tuning starts from; a truncated file dropped on the page is refused by name
 * and every run stays.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseCheckpointText } from '../../src/checkpoint/format';
import { expect, test } from './fixtures';
import { Accessibility } from './pages/Accessibility';
import { CheckpointPanel } from './pages/CheckpointPanel';
import { SMALL_EXPERIMENT } from './pages/LabPage';
import { PtqPanel } from './pages/PtqPanel';

/** A short float run of the small MLP. */
const FLOAT_MLP = {
  ...SMALL_EXPERIMENT,
  quant: { weight: { bits: 32 }, act: { bits: 32 } },
  train: { ...SMALL_EXPERIMENT.train, steps: 100, evalEvery: 100 },
};

/** Writes a small float MLP checkpoint with the runner (a few seconds), returning its path. */
function runnerCheckpoint(path: string): string {
  const flags = ['--hidden', '32', '--weight-bits', '32', '--act-bits', '32', '--steps', '60'];
  const data = ['--eval-every', '60', '--train-size', '512', '--test-size', '256'];
  execFileSync(
    'node',
    ['bin/quant-lab.mjs', 'run', ...flags, ...data, '--out', `${path}.result.json`, '--checkpoint', path],
    {
      stdio: 'pipe',
    },
  );
  return path;
}

test('a trained model is saved, downloaded as the runner reads it, and kept over a reload', async ({
  lab,
  page,
}) => {
  const ckpt = new CheckpointPanel(page);
  await lab.openWorkspace('runs');
  await expect(ckpt.save).toBeDisabled();
  await lab.setExperiment(FLOAT_MLP);
  await lab.controls.play.click();
  await lab.waitForPhase('completed');

  await ckpt.save.click();
  const [saved] = await ckpt.waitForSaved(1);
  expect(saved.stepsDone).toBe(100);
  await expect(ckpt.notice).toContainText('Saved checkpoint');
  expect(await new Accessibility(page).blockingViolations(), 'the saved list').toEqual([]);

  const download = await ckpt.download(saved.id);
  expect(download.suggestedFilename()).toMatch(/ step 100\.ckpt\.json$/);
  const parsed = parseCheckpointText(readFileSync(await download.path(), 'utf8'));
  expect(parsed.ok, parsed.ok ? '' : parsed.error).toBe(true);
  if (parsed.ok) {
    expect(parsed.value.stepsDone).toBe(100);
    expect(parsed.value.experiment.model.hidden).toEqual([32]);
  }

  await page.reload();
  await lab.ready();
  await lab.waitForWorkspace('runs');
  await ckpt.waitForSaved(1);
});

test("a runner's checkpoint opens as a run the ladder quantizes; a truncated drop loses nothing", async ({
  lab,
  page,
}, testInfo) => {
  const file = runnerCheckpoint(testInfo.outputPath('runner-mlp.ckpt.json'));
  const ckpt = new CheckpointPanel(page);
  const ptq = new PtqPanel(page);
  await lab.setExperiment(FLOAT_MLP);
  await lab.controls.play.click();
  await lab.waitForPhase('completed');

  await lab.openWorkspace('runs');
  await ckpt.openFile(file);
  await lab.waitFor(
    (s) => s.activeRunId,
    (id) => id === 'run-2',
    'the opened checkpoint is run 2',
  );
  await lab.waitForPhase('completed');
  await expect(ckpt.notice).toContainText('Opened runner-mlp: step 60, test accuracy');
  await expect(page.getByTestId('runs.run-2')).toContainText('checkpoint completed');
  await expect(page.getByTestId('runs.run-1')).toHaveAttribute('data-phase', 'completed');
  expect((await lab.summary()).evals).toBe(1);
  await expect(ckpt.byId('ckpt.finetune')).toBeVisible();

  await lab.openWorkspace('ptq');
  await expect(ptq.byId('ptq.source')).toContainText('run 2');
  await ptq.setColumns([8]);
  for (const rung of ['cle', 'bias', 'adaround']) await ptq.byId(`ptq.rung.${rung}`).setChecked(false);
  await ptq.run.click();
  const end = await ptq.waitForEnd('done');
  expect(end.cells).toBe(1);
  await expect(ptq.cell('nearest', 8)).toHaveText(/^\d{1,3}\.\d%$/);

  const before = (await lab.summary()).runs;
  const truncated = readFileSync(file, 'utf8').slice(0, 5000);
  await ckpt.dropText('cut.ckpt.json', truncated);
  await expect(ckpt.notice).toContainText('Could not open cut: truncated: the JSON ends early');
  expect((await lab.summary()).runs).toEqual(before);
  expect((await lab.summary()).activeRunId).toBe('run-2');

  // Fine-tuning trains a new run from the opened model, counting steps from 0.
  await lab.openWorkspace('runs');
  await ckpt.byId('ckpt.finetune').click();
  await lab.waitFor(
    (s) => s.activeRunId,
    (id) => id === 'run-3',
    'the fine-tuning run is run 3',
  );
  await lab.waitForPhase('completed');
  expect((await lab.summary()).stepsDone).toBe(60);
});
