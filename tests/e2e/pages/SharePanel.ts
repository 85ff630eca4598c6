/** Page object of sharing: Copy link, the link field, link messages, ghost curves and Re-run. */
import { expect, type Locator, type Page } from '@playwright/test';
import type { Experiment } from '../../../src/experiment/schema';

/** A tiny, fast, deterministic experiment (about a second of training). */
export const TINY_EXPERIMENT = {
  seed: 1,
  data: { trainSize: 512, testSize: 256 },
  model: { arch: 'mlp' as const, hidden: [32] },
  quant: { weight: { bits: 4 }, act: { bits: 8 } },
  train: { optimizer: 'adam' as const, lr: 0.01, steps: 60, batchSize: 32, reportEvery: 5, evalEvery: 30 },
};

/** Final numbers of the active run, read from the store. */
export interface FinalMetrics {
  phase: string;
  testAccuracy: number | undefined;
  lastLoss: number | undefined;
  steps: number;
}

export class SharePanel {
  constructor(private readonly page: Page) {}

  get copy(): Locator {
    return this.page.getByTestId('share.copy');
  }
  get link(): Locator {
    return this.page.getByTestId('share.link');
  }
  get error(): Locator {
    return this.page.getByTestId('share.error');
  }
  get rerun(): Locator {
    return this.page.getByTestId('share.rerun');
  }

  /** Clicks Copy link and returns the link (from the field; the clipboard is checked by the caller). */
  async copyLink(): Promise<string> {
    await this.copy.click();
    await expect(this.link).toBeVisible();
    return this.link.inputValue();
  }

  experiment(): Promise<Experiment> {
    return this.page.evaluate(() => window.__lab!.getState().experiment);
  }

  /** The active run's final result and last training loss. */
  finalMetrics(): Promise<FinalMetrics> {
    return this.page.evaluate(() => {
      const s = window.__lab!.getState();
      const run = s.activeRunId ? s.runs[s.activeRunId] : undefined;
      const pts = run ? [...run.reports.points, ...(run.reports.tail ? [run.reports.tail] : [])] : [];
      return {
        phase: run?.phase ?? 'idle',
        testAccuracy: run?.result?.testAccuracy,
        lastLoss: pts.at(-1)?.point.loss,
        steps: run?.stepsDone ?? 0,
      };
    });
  }
}
