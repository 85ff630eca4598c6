/**
 * The Sensitivity workspace over a float MLP trained here: cheap sensitivity, the Hessian traces at
 * two probe seeds with their chart and table, the budget slider re-solving the allocation in the
 * worker (HiGHS served by the app, offline), and "keep at 8 bits" editing the per-layer bits.
 */
import { expect, test } from './fixtures';
import { Accessibility } from './pages/Accessibility';
import { SMALL_EXPERIMENT } from './pages/LabPage';
import { SensitivityPanel } from './pages/SensitivityPanel';

const FLOAT_MLP = {
  ...SMALL_EXPERIMENT,
  quant: { weight: { bits: 32 }, act: { bits: 32 } },
  train: { ...SMALL_EXPERIMENT.train, steps: 300, evalEvery: 100 },
};

test('without a trained model the jobs are refused with the reason', async ({ lab, page }) => {
  const sens = new SensitivityPanel(page);
  await lab.openWorkspace('sensitivity');
  await expect(sens.byId('sens.source')).toContainText('train a model in the Train workspace first');
  await sens.byId('sens.runCheap').click();
  await expect.poll(() => sens.job('sensCheap').then((j) => j?.status)).toBe('error');
  await expect(sens.byId('sens.cheapStatus')).toContainText('train a model');
});

test('cheap sensitivity, traces, the budget slider and keep-at-8 over the model trained here', async ({
  lab,
  page,
}) => {
  // Everything the workspace needs is served by the app itself: no request leaves the origin.
  const outside: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(new URL(page.url()).origin) && !r.url().startsWith('data:'))
      outside.push(r.url());
  });
  const sens = new SensitivityPanel(page);
  await lab.setExperiment(FLOAT_MLP);
  await lab.controls.play.click();
  await lab.waitForPhase('completed');
  await lab.openWorkspace('sensitivity');
  await expect(sens.byId('sens.source')).toContainText('run 1');

  await sens.byId('sens.runCheap').click();
  await sens.waitForDone('sensCheap');
  const layers = ['fc1', 'fc2'];
  for (const l of layers) await expect(sens.byId(`sens.cheap.${l}`)).toContainText(l);

  await sens.byId('sens.probes').fill('8');
  await expect.poll(() => page.evaluate(() => window.__lab!.getState().sensitivityOptions.probes)).toBe(8);
  await expect(page).toHaveURL(/[?&]sens=probes\.8/);
  await sens.byId('sens.runTraces').click();
  await sens.waitForDone('sensTraces');
  await expect(sens.byId('sens.traceChart')).toHaveAttribute('data-points', '2');
  await expect(sens.byId('sens.traceTable').locator('tbody tr')).toHaveCount(2);
  await expect(sens.byId('sens.rankingWarning').or(sens.byId('sens.rankingOk'))).toBeVisible();

  // The traces' arrival solves the allocation at the default budget; the slider re-solves it.
  await sens.waitForDone('sensAllocation');
  await sens.setBudget(0);
  await expect.poll(() => sens.allocationBits()).toEqual([2, 2]);
  await sens.setBudget(100);
  await expect.poll(() => sens.allocationBits()).toEqual([8, 8]);
  await expect(sens.byId('sens.alloc.fc1')).toHaveAttribute('data-bits', '8');
  await expect(sens.byId('sens.shadowPrice')).toContainText('LP relaxation');

  await sens.keep8('fc2').first().click();
  await expect.poll(() => sens.layerBits()).toEqual({ fc2: { weightBits: 8, actBits: 8 } });
  await expect(sens.keep8('fc2').first()).toBeDisabled();

  await sens.setBudget(0);
  await expect.poll(() => sens.allocationBits()).toEqual([2, 2]);
  await sens.byId('sens.apply').click();
  await expect
    .poll(() => sens.layerBits())
    .toEqual({ fc1: { weightBits: 2, actBits: 2 }, fc2: { weightBits: 2, actBits: 2 } });

  expect(outside, 'requests outside the app').toEqual([]);
  expect(await new Accessibility(page).blockingViolations(), 'the filled workspace').toEqual([]);
});
