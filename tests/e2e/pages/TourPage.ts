/**
 * Page object of the guided tour, driven by keyboard alone: Tab moves the focus to one of the
 * dialog's buttons, Enter / Space press it, Escape skips the tour.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export class TourPage {
  readonly dialog: Locator;
  readonly status: Locator;

  constructor(readonly page: Page) {
    this.dialog = page.getByTestId('tour');
    this.status = page.getByTestId('tour.status');
  }

  /** Test id of the focused element ('' when it has none). */
  focused(): Promise<string> {
    return this.page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
  }

  /** Presses Tab until the element with `testId` has the focus (at most `max` times). */
  async tabTo(testId: string, max = 30): Promise<void> {
    for (let i = 0; i < max; i++) {
      if ((await this.focused()) === testId) return;
      await this.page.keyboard.press('Tab');
    }
    expect(await this.focused(), `focus reached ${testId} by Tab`).toBe(testId);
  }

  /** Tabs to the button `testId` and presses it with `key`. */
  async press(testId: string, key: 'Enter' | 'Space' = 'Enter'): Promise<void> {
    await this.tabTo(testId);
    await this.page.keyboard.press(key);
  }

  /** The dialog shows step `id` and holds the focus, as it does whenever a step opens. */
  async expectStep(id: string, title: string): Promise<void> {
    await expect(this.dialog).toHaveAttribute('data-step', id);
    await expect(this.page.getByRole('dialog', { name: title })).toBeVisible();
    await expect.poll(() => this.focused(), { message: `focus on the dialog at step ${id}` }).toBe('tour');
  }
}
