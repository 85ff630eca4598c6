/** Page object of the controls: transport buttons and the selects a user changes mid-run. */
import type { Locator, Page } from '@playwright/test';

export class ControlsPanel {
  constructor(private readonly page: Page) {}

  byId(id: string): Locator {
    return this.page.getByTestId(id);
  }

  get play(): Locator {
    return this.byId('controls.play');
  }
  get pause(): Locator {
    return this.byId('controls.pause');
  }
  get step(): Locator {
    return this.byId('controls.step');
  }
  get reset(): Locator {
    return this.byId('controls.reset');
  }
  get stepCounter(): Locator {
    return this.byId('controls.stepCounter');
  }
  /** The Train controls' switch of native integer ops (train.nativeInt). */
  get nativeInt(): Locator {
    return this.byId('controls.nativeInt');
  }

  /** Picks an option of a select by its visible label (e.g. estimator 'tanh soft-round'). */
  async choose(testId: string, label: string): Promise<void> {
    await this.byId(testId).selectOption({ label });
  }

  /** The step number the counter shows. */
  async counterStep(): Promise<number> {
    return Number(await this.stepCounter.getAttribute('data-step'));
  }
}
