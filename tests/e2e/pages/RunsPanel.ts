/** Page object of the saved runs: table rows, import/export, the comparison charts. */
import { expect, type Download, type Locator, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';

/** A saved run as the store holds it (what the tests compare across reloads). */
export interface SavedBrief {
  id: string;
  name: string;
  status: string;
  points: number;
}

export class RunsPanel {
  constructor(private readonly page: Page) {}

  byId(id: string): Locator {
    return this.page.getByTestId(id);
  }
  rows(): Locator {
    return this.page.locator('[data-testid^="runs.row."]');
  }

  /** Saved runs in the store, oldest first. */
  saved(): Promise<SavedBrief[]> {
    return this.page.evaluate(() => {
      const s = window.__lab!.getState();
      return s.savedOrder.map((id) => ({
        id,
        name: s.saved[id].name,
        status: s.saved[id].status,
        points: s.saved[id].history.length,
      }));
    });
  }

  /** Waits until the page has listed the stored runs (after a load or reload). */
  async waitForLoaded(): Promise<void> {
    await expect
      .poll(() => this.page.evaluate(() => window.__lab!.getState().savedLoaded), {
        message: 'saved runs listed',
      })
      .toBe(true);
  }

  /**
   * Keeps the saved-runs object store busy with a never-ending readwrite transaction, so every write
   * the app starts afterwards stays queued behind it until the page goes away: a deterministic
   * "the tab closed before the write was stored". Resolves once the transaction is running.
   */
  async holdStore(): Promise<void> {
    await this.page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('quant-lab');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const store = open.result.transaction('runs', 'readwrite').objectStore('runs');
            const spin = () => {
              store.count().onsuccess = spin;
            };
            store.count().onsuccess = () => {
              spin();
              resolve();
            };
          };
        }),
    );
  }

  async importFile(path: string): Promise<void> {
    await this.byId('runs.import').setInputFiles(path);
  }

  /** Clicks `button` and returns the download it starts, with its bytes. */
  async download(button: Locator): Promise<{ download: Download; bytes: Buffer }> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), button.click()]);
    const path = await download.path();
    return { download, bytes: await readFile(path) };
  }
}
