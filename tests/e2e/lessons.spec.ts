/**
 * A lesson in the browser: picking it and pressing play trains its compare run on a pool worker
 * beside it; the claim shows provisional, then final with ✔ and the measured numbers. A
 * post-training lesson measures its ladder on the run's model once the run completes, and a
 * curvature lesson its Hessian traces and a pruning lesson its prunings, all in the training worker.
 */
import { expect, test } from './fixtures';
import { LessonPanel } from './pages/LessonPanel';

test('a lesson checks its claim on its own run and its compare run', async ({ lab, page }) => {
  const lesson = new LessonPanel(page);
  // The fastest lesson: the narrow 8-bit MLP against the wide 4-bit one (a few seconds each).
  await lesson.pick('pareto-w8a8-mlp-narrow');
  await lab.controls.play.click();
  await expect(lesson.claim).toBeVisible();
  await expect(lesson.claim).toHaveAttribute('data-final', 'false');
  const claim = await lesson.waitForFinal();
  expect(claim.compare).toEqual([{ role: 'wide4', status: 'done' }]);
  expect(Object.keys(claim.measured)).toEqual(['acc', 'acc(wide 4-bit)', 'acev2', 'acev2(wide 4-bit)']);
  // The verdict is whatever the numbers say; the panel shows the same verdict and numbers.
  await expect(lesson.claim).toHaveAttribute('data-holds', claim.holds ? 'holds' : 'fails');
  await expect(lesson.claim).toHaveAttribute('data-final', 'true');
  await expect(lesson.measured).toContainText('acc(wide 4-bit)');
  await expect(lesson.measured).toContainText(String(claim.measured.acc));
});

test('a post-training lesson measures its ladder on the trained model, then checks its claim', async ({
  lab,
  page,
}) => {
  test.setTimeout(300_000);
  const lesson = new LessonPanel(page);
  // The shortest ladder: W8A8 nearest on 32 real digits and on 32 distilled images.
  await lesson.pick('ptq-distilled-dscnn');
  await lab.controls.play.click();
  await expect(lesson.ladder).toHaveAttribute('data-status', 'pending');
  await expect(lesson.ladder).toHaveAttribute('data-status', /measuring|done/, { timeout: 240_000 });
  const claim = await lesson.waitForFinal(240_000);
  expect(claim.ladder).toEqual({ status: 'done', cells: 2 });
  expect(Object.keys(claim.measured)).toEqual(['float', 'acc(real)', 'acc(distilled)']);
  await expect(lesson.claim).toHaveAttribute('data-holds', claim.holds ? 'holds' : 'fails');
  await expect(lesson.ladder).toContainText('2 of 2 cells measured');
});

test('a curvature lesson measures its Hessian traces on the trained model, then checks its claim', async ({
  lab,
  page,
}) => {
  test.setTimeout(240_000);
  const lesson = new LessonPanel(page);
  await lesson.pick('curvature-traces-mlp');
  await lab.controls.play.click();
  await expect(lesson.analysis).toHaveAttribute('data-status', 'pending');
  await expect(lesson.analysis).toHaveAttribute('data-status', /measuring|done/, { timeout: 180_000 });
  const claim = await lesson.waitForFinal(200_000);
  expect(claim.analysis).toEqual({ status: 'done', seeds: 2 });
  expect(Object.keys(claim.measured)).toEqual(['acc', 'max |t₁ − t₂| / σ', 'same ranking']);
  for (const value of Object.values(claim.measured)) expect(Number.isFinite(value)).toBe(true);
  expect(claim.holds).not.toBeNull();
  await expect(lesson.claim).toHaveAttribute('data-holds', claim.holds ? 'holds' : 'fails');
  await expect(lesson.claim).toContainText('final');
  await expect(lesson.analysis).toContainText('measured');
  await expect(lesson.measured).toContainText(String(claim.measured['max |t₁ − t₂| / σ']));
});

test('a pruning lesson prunes a copy of its trained model by each method, then checks its claim', async ({
  lab,
  page,
}) => {
  test.setTimeout(240_000);
  const lesson = new LessonPanel(page);
  await lesson.pick('prune-hap-mlp');
  await lab.controls.play.click();
  await expect(lesson.prune).toHaveAttribute('data-status', 'pending');
  const claim = await lesson.waitForFinal(200_000);
  expect(claim.prune).toEqual({ status: 'done', results: 2 });
  const measured = Object.values(claim.measured);
  expect(measured).toHaveLength(4);
  for (const value of measured) expect(value).toBeGreaterThan(0);
  await expect(lesson.claim).toHaveAttribute('data-holds', claim.holds ? 'holds' : 'fails');
  await expect(lesson.prune).toContainText('measured');
  await expect(lesson.measured).toContainText(String(claim.measured['acc(HAP, fine-tuned)']));
});
