/** Page object of a lesson: the preset picker and the claim beside the run (ClaimPanel). */
import { expect, type Locator, type Page } from '@playwright/test';
import type { LabSummary } from '../../../app/store/summary';

export class LessonPanel {
  constructor(private readonly page: Page) {}

  get picker(): Locator {
    return this.page.getByTestId('share.preset');
  }
  get claim(): Locator {
    return this.page.getByTestId('lesson.claim');
  }
  get measured(): Locator {
    return this.page.getByTestId('lesson.measured');
  }
  /** A post-training lesson's ladder line ("measuring post-training…"). */
  get ladder(): Locator {
    return this.page.getByTestId('lesson.ladder');
  }

  /** A curvature lesson's traces line ("measuring post-training: Hessian traces…"). */
  get analysis(): Locator {
    return this.page.getByTestId('lesson.analysis');
  }
  /** A pruning lesson's prunings line ("measuring: HAP…"). */
  get prune(): Locator {
    return this.page.getByTestId('lesson.prune');
  }

  async pick(id: string): Promise<void> {
    await this.picker.selectOption(id);
  }

  /** The claim as the store checks it (null: the active run is no lesson's). */
  state(): Promise<LabSummary['claim']> {
    return this.page.evaluate(() => window.__lab!.summary().claim);
  }

  /** Waits until every run of the lesson has finished and the verdict is final. */
  async waitForFinal(timeout = 120_000): Promise<NonNullable<LabSummary['claim']>> {
    await expect
      .poll(async () => (await this.state())?.final ?? false, { message: 'the claim is final', timeout })
      .toBe(true);
    return (await this.state())!;
  }
}
