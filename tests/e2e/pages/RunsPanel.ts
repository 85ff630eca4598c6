/** Page object of the saved runs: table rows, import/export, the comparison charts. */
import type { Download, Locator, Page } from '@playwright/test';
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
      return s.savedOrder.map((id) => ({ id, name: s.saved[id].name, status: s.saved[id].status, points: s.saved[id].history.length }));
    });
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
