/**
 * The Sensitivity workspace over a float MLP trained here: cheap sensitivity, the Hessian traces at
 * two probe seeds with their chart and table, the budget slider re-solving the allocation in the
 * worker (HiGHS served by the app, offline), "keep at 8 bits" editing the per-layer bits, and the
 * spectrum: eigenvalue density, 1-D and 2-D loss landscape along the top eigenvectors.
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

test('the spectrum: density, 1-D and 2-D landscape of the model trained here, with progress', async ({
  lab,
  page,
}) => {
  test.setTimeout(300_000); // training, then about 100 Hessian-vector products and 132 forward passes
  const sens = new SensitivityPanel(page);
  await lab.setExperiment(FLOAT_MLP);
  await lab.controls.play.click();
  await lab.waitForPhase('completed');
  await lab.openWorkspace('sensitivity');
  // Fewer Lanczos steps and landscape points than the defaults keep the test short; the link carries them.
  await sens.byId('sens.lanczos').fill('30');
  await sens.byId('sens.points').fill('11');
  await expect(page).toHaveURL(/[?&]sens=lanczos\.30_points\.11/);
  await sens.byId('sens.runSpectrum').click();
  await expect(sens.byId('sens.runTraces')).toBeDisabled();
  await expect.poll(() => sens.spectrumPhase(), { timeout: 60_000 }).not.toBeNull();
  await sens.waitForDone('sensSpectrum');

  await expect(sens.byId('sens.densityChart')).toHaveAttribute('data-points', /^[1-9]\d*$/);
  await expect(sens.byId('sens.densityChart').locator('path.recharts-line-curve')).toHaveCount(1);
  await expect(sens.byId('sens.landscape1d')).toHaveAttribute('data-points', '11');
  await expect(sens.byId('sens.landscape2d')).toHaveAttribute('data-points', '121');
  await expect(sens.byId('sens.landscape2d').locator('rect')).toHaveCount(121);
  const { topEigenvalue, centerLoss } = await sens.spectrumFacts();
  // A trained model sits in a basin: positive curvature on top, a small loss at its own weights.
  expect(topEigenvalue).toBeGreaterThan(0);
  expect(centerLoss).toBeGreaterThan(0);
  expect(centerLoss).toBeLessThan(1);
  const report = await page.evaluate(() => window.__lab!.getState().sensSpectrum!.result!.report);
  expect(report.topEigenvalues).toHaveLength(2);
  expect(report.landscape.grid2d!.loss[5]![5]).toBeCloseTo(centerLoss, 5);
  // Moving half a unit along the top eigenvector costs more than staying.
  expect(Math.max(report.landscape.loss1d[0]!, report.landscape.loss1d[10]!)).toBeGreaterThan(centerLoss);
  expect(await new Accessibility(page).blockingViolations(), 'the spectrum section').toEqual([]);
});

test('the allocation frontier, a clicked point loading its bits, and bits learned while training', async ({
  lab,
  page,
}) => {
  test.setTimeout(300_000);
  const sens = new SensitivityPanel(page);
  await lab.setExperiment(FLOAT_MLP);
  await lab.controls.play.click();
  await lab.waitForPhase('completed');
  await lab.openWorkspace('sensitivity');
  await sens.byId('sens.probes').fill('8');
  await sens.byId('sens.runTraces').click();
  await sens.waitForDone('sensTraces');

  // One frontier job with the traces: 20 ILP budgets, the 4 uniform and 6 random allocations.
  await sens.waitForDone('sensFrontier');
  await expect(sens.pareto).toHaveAttribute('data-points', '30');
  await expect(sens.markers('uniform')).toHaveCount(4);
  await expect(sens.markers('random')).toHaveCount(6);
  const frontier = (await sens.frontier())!;
  expect(frontier).toHaveLength(20);
  for (let i = 1; i < frontier.length; i += 1) expect(frontier[i][1]).toBeLessThanOrEqual(frontier[i - 1][1]);

  // The slider's allocation is marked and moves with it.
  await sens.setBudget(0);
  await expect.poll(() => sens.allocationBits()).toEqual([2, 2]);
  await expect.poll(() => sens.currentX()).toBeCloseTo(frontier[0][0], 0);
  await sens.setBudget(100);
  await expect.poll(() => sens.allocationBits()).toEqual([8, 8]);
  await expect.poll(() => sens.currentX()).toBeCloseTo(frontier.at(-1)![0], 0);
  await expect(sens.markers('current')).toHaveCount(1);

  // Clicking a point loads its bits into the table; apply writes them.
  await sens.markers('uniform').nth(1).click();
  await expect.poll(() => sens.picked()).toEqual({ label: 'uniform 3-bit', bits: [3, 3] });
  await expect(sens.byId('sens.allocationTable')).toHaveAttribute('data-source', 'picked');
  await expect.poll(() => sens.tableBits()).toEqual([3, 3]);
  await sens.byId('sens.apply').click();
  await expect
    .poll(() => sens.layerBits())
    .toEqual({ fc1: { weightBits: 3, actBits: 3 }, fc2: { weightBits: 3, actBits: 3 } });

  // Learn the bits while training at the slider's budget: a short QAT run, re-allocated every 20 steps.
  await lab.setExperiment({ ...FLOAT_MLP, train: { ...FLOAT_MLP.train, steps: 60, evalEvery: 30 } });
  await sens.setBudget(50);
  await sens.waitForDone('sensAllocation');
  await sens.byId('sens.qbitopt.every').fill('20');
  await sens.byId('sens.qbitopt.probes').fill('2');
  await sens.byId('sens.qbitopt.start').click();
  await expect.poll(() => page.evaluate(() => window.__lab!.getState().experiment.qbitopt?.every)).toBe(20);
  await lab.waitForPhase('completed', 120_000);
  await expect(sens.byId('sens.qbitopt.bitsChart')).toBeVisible();
  const entries = Number(await sens.byId('sens.qbitopt.bitsChart').getAttribute('data-points'));
  expect(entries).toBeGreaterThanOrEqual(1);
  const final = sens.byId('sens.qbitopt.final');
  const cost = Number(await final.getAttribute('data-cost'));
  expect(cost).toBeGreaterThan(0);
  expect(cost).toBeLessThanOrEqual(Number(await final.getAttribute('data-budget')));

  // The run is a point of the main Pareto chart, its details listing the learned per-layer bits.
  const finalBits = await final
    .locator('tbody tr td')
    .evaluateAll((cells) => cells.map((c) => c.textContent));
  const runId = await page.evaluate(() => window.__lab!.getState().activeRunId!);
  await lab.openWorkspace('sweep');
  await page.getByTestId('pareto.pick').selectOption(runId);
  await expect(page.getByTestId('pareto.details.bits')).toContainText('learned in training');
  for (const [i, layer] of ['fc1', 'fc2'].entries())
    await expect(page.getByTestId(`pareto.details.bits.${layer}`)).toHaveAttribute(
      'data-bits',
      finalBits[i]!,
    );

  // The link carries the learned-bits settings: a reload keeps them.
  await page.reload();
  await expect.poll(() => page.evaluate(() => window.__lab!.getState().experiment.qbitopt?.probes)).toBe(2);
});
