/** Per-layer cost breakdown: a pure view of the config, updating as bits and options change. */
import { expect, test } from './fixtures';
import { CostPanel } from './pages/CostPanel';

test('the breakdown changes when bits, QuantNorm and double quantization change', async ({ lab, page }) => {
  await lab.openWorkspace('sweep');
  const cost = new CostPanel(page);
  await expect(cost.breakdown).toBeVisible();
  await expect(page.getByTestId('cost.acev2.info')).toHaveAttribute('title', /lab's own ACEv2 formula/);
  const w4 = await cost.totals();
  expect(w4.acev2).toBeGreaterThan(w4.ace);
  expect(await cost.bars().count()).toBeGreaterThan(0);

  // Bits: 4 → 2 weight bits lowers ACE and ACEv2 and the MAC share, without training anything.
  await lab.controls.choose('controls.bits.weight', '2-bit');
  await expect.poll(async () => (await cost.totals()).acev2).toBeLessThan(w4.acev2);
  const w2 = await cost.totals();
  expect(w2.ace).toBeLessThan(w4.ace);
  expect(w2.macShare).toBeLessThan(w4.macShare);
  await expect(page.getByTestId('cost.total.acev2')).not.toHaveText('');

  // Double quantization lowers ACEv2 (8-bit requantization scales) but not ACE.
  await page.getByTestId('controls.quant.doubleQuant').check();
  await expect.poll(async () => (await cost.totals()).acev2).toBeLessThan(w2.acev2);
  expect((await cost.totals()).ace).toBe(w2.ace);

  // QuantNorm on a CNN (it has BN): ACEv2 drops again.
  await lab.controls.choose('controls.arch', 'CNN + BN');
  const cnn = await cost.totals();
  await page.getByTestId('controls.quant.quantNorm').check();
  await expect.poll(async () => (await cost.totals()).acev2).toBeLessThan(cnn.acev2);
  expect(await lab.page.evaluate(() => window.__lab!.getState().experiment.quant)).toMatchObject({
    quantNorm: true,
    doubleQuant: true,
  });
});
