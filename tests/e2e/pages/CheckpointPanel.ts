/**
 * Page object of the checkpoints (the Runs workspace's panel and the page-wide drop target): save,
 * open by picker or by drop, the saved list's rows and downloads, and the store's view of them.
 */
import { expect, type Download, type Locator, type Page } from '@playwright/test';

/** A saved checkpoint as the store lists it, reduced to what the tests check. */
export interface CheckpointBrief {
  id: string;
  name: string;
  stepsDone: number;
}

export class CheckpointPanel {
  constructor(private readonly page: Page) {}

  byId(id: string): Locator {
    return this.page.getByTestId(id);
  }
  get save(): Locator {
    return this.byId('ckpt.save');
  }
  get rows(): Locator {
    return this.byId('ckpt.list').locator('tbody tr');
  }
  /** The notice of the last checkpoint action (saved, opened, or why not). */
  get notice(): Locator {
    return this.byId('notice.checkpoint');
  }

  list(): Promise<CheckpointBrief[]> {
    return this.page.evaluate(() =>
      window.__lab!.getState().checkpoints.map((c) => ({ id: c.id, name: c.name, stepsDone: c.stepsDone })),
    );
  }

  /** Waits until `n` checkpoints are saved in the browser, and returns them. */
  async waitForSaved(n: number): Promise<CheckpointBrief[]> {
    await expect.poll(async () => (await this.list()).length, { message: `${n} saved checkpoints` }).toBe(n);
    await expect(this.rows).toHaveCount(n);
    return this.list();
  }

  /** Clicks a row's download and waits for the file. */
  async download(id: string): Promise<Download> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.byId(`ckpt.download.${id}`).click(),
    ]);
    return download;
  }

  /** Opens a file through the picker. */
  async openFile(path: string): Promise<void> {
    await this.byId('ckpt.open').setInputFiles(path);
  }

  /** Drops a file with `text` named `name` onto the page, as a drag from the desktop would. */
  async dropText(name: string, text: string): Promise<void> {
    const dataTransfer = await this.page.evaluateHandle(
      ({ name, text }) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], name, { type: 'application/json' }));
        return dt;
      },
      { name, text },
    );
    await this.page.dispatchEvent('main', 'dragenter', { dataTransfer });
    await expect(this.byId('ckpt.drop')).toBeVisible();
    await this.page.dispatchEvent('main', 'drop', { dataTransfer });
    await expect(this.byId('ckpt.drop')).toHaveCount(0);
  }
}
