/**
 * The Deploy workspace over a W8A8 MLP trained here: the integer model's agreement with fake
 * quantization, a test digit followed through it, the bias toggle, the QDQ export checked in
 * onnxruntime-web (served by the app: no request leaves the origin), and a float model refused.
 */
import { expect, test } from './fixtures';
import { Accessibility } from './pages/Accessibility';
import { DeployPanel } from './pages/DeployPanel';
import { SMALL_EXPERIMENT } from './pages/LabPage';

const W8A8_MLP = {
  ...SMALL_EXPERIMENT,
  quant: { weight: { bits: 8 }, act: { bits: 8 } },
  train: { ...SMALL_EXPERIMENT.train, steps: 200, evalEvery: 100 },
};

test('integer model and the onnxruntime-web check of a W8A8 MLP, all from the origin', async ({
  lab,
  page,
}) => {
  const outside: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(new URL(page.url()).origin) && !r.url().startsWith('data:'))
      outside.push(r.url());
  });
  const deploy = new DeployPanel(page);
  await lab.setExperiment(W8A8_MLP);
  await lab.controls.play.click();
  await lab.waitForPhase('completed');
  await lab.openWorkspace('deploy');
  await expect(deploy.byId('deploy.source')).toContainText('Run 1');

  // Opening the workspace measures the integer model once.
  await deploy.waitForDone('deployInteger');
  const integer = await deploy.integerSummary();
  expect(integer.agreement).toBeGreaterThanOrEqual(0.99);
  expect(integer.integer).toBeGreaterThan(0.5);
  await expect(deploy.byId('deploy.layer.fc1')).toContainText('W8A8');
  await expect(deploy.byId('deploy.form.integer')).toContainText('true integer');
  await deploy.byId('deploy.dyadic.fc1').locator('summary').click();
  await expect(deploy.byId('deploy.dyadic.fc1').locator('li')).toHaveCount(32);

  // A digit through the model: its picture, the codes of each layer input, the logits.
  await expect(deploy.byId('deploy.digitView')).toHaveAttribute('data-index', '0');
  await expect(deploy.byId('deploy.heatmap.fc1')).toBeVisible();
  await expect(deploy.byId('deploy.logits').locator('tbody tr')).toHaveCount(10);
  await deploy.byId('deploy.nextDigit').click();
  await deploy.waitForDone('deployDigit');
  await expect(deploy.byId('deploy.digitView')).toHaveAttribute('data-index', '1');

  // Either bias moves almost no codes of a W8A8 MLP (docs/integer.md §4); the table follows the toggle.
  const moved = () => deploy.byId('deploy.layer.fc2').getAttribute('data-moved').then(Number);
  expect(await moved()).toBeLessThan(0.005);
  await deploy.byId('deploy.biasFracBits').selectOption({ label: '8: fine bias (8 more bits)' });
  await deploy.waitForDone('deployInteger');
  await expect(deploy.byId('deploy.integerSummary')).toContainText('bias fraction bits 8');
  await expect(page).toHaveURL(/[?&]deploy=bias\.8_digit\.1/);
  expect(await moved()).toBeLessThan(0.005);

  await deploy.byId('deploy.checkOnnx').click();
  await deploy.waitForDone('deployOnnx');
  const onnx = await deploy.onnxResult();
  expect(onnx.agreement).toBeGreaterThanOrEqual(0.999);
  expect(onnx.pass).toBe(true);
  await expect(deploy.byId('deploy.onnxVerdict')).toContainText('Pass');
  await expect(deploy.byId('deploy.onnxResult')).toContainText('onnxruntime-web');
  await expect(deploy.byId('deploy.downloadOnnx')).toBeEnabled();
  const bytes = Number(await deploy.byId('deploy.onnxBytes').getAttribute('data-bytes'));
  const packed = Number(await deploy.byId('deploy.onnxBytes').getAttribute('data-packed'));
  expect(bytes).toBeGreaterThan(packed);
  // Again: the runtime is loaded once per worker, and the same file gives the same answers.
  const first = await deploy.onnxTimes();
  await deploy.byId('deploy.checkOnnx').click();
  await deploy.waitForDone('deployOnnx');
  expect((await deploy.onnxResult()).agreement).toBe(onnx.agreement);
  const again = await deploy.onnxTimes();
  const integerMs = await page.evaluate(() =>
    Math.round(window.__lab!.getState().deployInteger?.result?.ms ?? NaN),
  );
  console.log(
    `onnxruntime-web check in the worker: first ${JSON.stringify(first)} ms, again ${JSON.stringify(again)} ms; the integer model ${integerMs} ms`,
  );

  expect(outside, 'requests outside the app').toEqual([]);
  expect(await new Accessibility(page).blockingViolations(), 'the filled workspace').toEqual([]);
});

test('a model with a float layer is refused with the reason', async ({ lab, page }) => {
  const deploy = new DeployPanel(page);
  await lab.setExperiment({
    ...SMALL_EXPERIMENT,
    quant: { weight: { bits: 32 }, act: { bits: 32 } },
    train: { ...SMALL_EXPERIMENT.train, steps: 20, evalEvery: 20 },
  });
  await lab.controls.play.click();
  await lab.waitForPhase('completed');
  await lab.openWorkspace('deploy');
  await expect.poll(() => deploy.status('deployInteger')).toMatch(/^error: layer fc1 is float/);
  await expect(deploy.byId('deploy.integerStatus')).toContainText(
    'integer-only inference needs every weight',
  );
});
