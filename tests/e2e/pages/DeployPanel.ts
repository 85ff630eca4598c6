/**
 * Page object of the Deploy workspace: its buttons, the integer model's and the ONNX check's
 * numbers as the page shows them, and the jobs' state in the store (polled, never slept on).
 */
import { expect, type Locator, type Page } from '@playwright/test';

type JobKey = 'deployInteger' | 'deployDigit' | 'deployOnnx';

export class DeployPanel {
  constructor(private readonly page: Page) {}

  byId(id: string): Locator {
    return this.page.getByTestId(id);
  }

  /** A job's status as the store holds it ('error: …' with its message), or null before it is asked. */
  status(key: JobKey): Promise<string | null> {
    return this.page.evaluate((k) => {
      const j = window.__lab!.getState()[k];
      if (!j) return null;
      return j.status === 'error' ? `error: ${j.message ?? ''}` : j.status;
    }, key);
  }

  /** Waits until job `key` is done (or fails the test with its message). */
  async waitForDone(key: JobKey, timeout = 120_000): Promise<void> {
    await expect.poll(() => this.status(key), { timeout, message: `${key} done` }).toBe('done');
  }

  /** The integer model's numbers as the summary line carries them. */
  async integerSummary(): Promise<{ agreement: number; integer: number; fakeQuant: number }> {
    const line = this.byId('deploy.integerSummary');
    const num = async (a: string) => Number(await line.getAttribute(`data-${a}`));
    return {
      agreement: await num('agreement'),
      integer: await num('integer'),
      fakeQuant: await num('fakequant'),
    };
  }

  /** The ONNX check's argmax agreement and verdict as the result carries them. */
  async onnxResult(): Promise<{ agreement: number; pass: boolean }> {
    const r = this.byId('deploy.onnxResult');
    return {
      agreement: Number(await r.getAttribute('data-agreement')),
      pass: (await r.getAttribute('data-pass')) === 'true',
    };
  }

  /** The ONNX job's wall time in the worker, whole and the export alone, in ms. */
  onnxTimes(): Promise<{ ms: number; exportMs: number }> {
    return this.page.evaluate(() => {
      const r = window.__lab!.getState().deployOnnx?.result;
      return { ms: Math.round(r?.ms ?? NaN), exportMs: Math.round(r?.exportMs ?? NaN) };
    });
  }
}
