/** Page object of the per-layer cost breakdown and the ACE vs ACEv2 chart. */
import type { Locator, Page } from '@playwright/test';

export class CostPanel {
  constructor(private readonly page: Page) {}

  get breakdown(): Locator {
    return this.page.getByTestId('cost.breakdown');
  }
  get total(): Locator {
    return this.page.getByTestId('cost.total');
  }

  /** Exact totals the breakdown card shows (data attributes of `cost.total`). */
  async totals(): Promise<{ ace: number; acev2: number; macShare: number }> {
    return {
      ace: Number(await this.total.getAttribute('data-ace')),
      acev2: Number(await this.total.getAttribute('data-acev2')),
      macShare: Number(await this.total.getAttribute('data-mac-share')),
    };
  }

  /** Stacked bar segments drawn in the breakdown chart. */
  bars(): Locator {
    return this.breakdown.locator('.recharts-bar-rectangle');
  }
}
