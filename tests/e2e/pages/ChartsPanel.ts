/** Page object of the charts: each chart exposes how many points it draws (`data-points`). */
import type { Locator, Page } from '@playwright/test';

export const CHART_IDS = [
  'chart.loss',
  'chart.accuracy',
  'chart.trajectories',
  'chart.weights',
  'chart.frequency',
  'chart.fractions',
] as const;
export type ChartId = (typeof CHART_IDS)[number] | 'chart.twin' | 'chart.surrogate';

export class ChartsPanel {
  constructor(private readonly page: Page) {}

  chart(id: ChartId): Locator {
    return this.page.getByTestId(id);
  }

  /** Points the chart currently draws (0 = empty state). */
  async points(id: ChartId): Promise<number> {
    return Number(await this.chart(id).getAttribute('data-points'));
  }

  /** Live-change marks (vertical reference lines) drawn in a chart. */
  marks(id: ChartId): Locator {
    return this.chart(id).locator('.mark-line');
  }
}
