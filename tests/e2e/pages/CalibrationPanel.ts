/**
 * Page object of the Post-training workspace's calibration view: open it, pick a layer, tensor and
 * bitwidth, read the estimator rows, and the view's state in the store (polled, never slept on).
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** The view's request and answer as the store holds them, reduced to what the tests check. */
export interface CalibrationBrief {
  status: string;
  layer: number;
  tensor: string;
  rows: string[];
  stability: number | null;
  message: string | null;
}

export class CalibrationPanel {
  constructor(private readonly page: Page) {}

  byId(id: string): Locator {
    return this.page.getByTestId(id);
  }
  get view(): Locator {
    return this.byId('ptq.calibration');
  }
  get histogram(): Locator {
    return this.byId('ptq.calibration.histogram');
  }
  /** The table row of estimator `name` (minmax, percentile, mse, kl). */
  row(name: string): Locator {
    return this.byId(`ptq.calibration.row.${name}`);
  }

  async open(): Promise<void> {
    await this.byId('ptq.calibration.open').click();
    await expect(this.view).toBeVisible();
  }

  async pickLayer(label: string): Promise<void> {
    await this.byId('ptq.calibration.layer').selectOption({ label });
  }

  async pickTensor(tensor: 'weights' | 'inputs'): Promise<void> {
    const label = tensor === 'weights' ? 'weights' : 'input activations (calibration batch)';
    await this.byId('ptq.calibration.tensor').selectOption({ label });
  }

  state(): Promise<CalibrationBrief | null> {
    return this.page.evaluate(() => {
      const c = window.__lab!.getState().calibration;
      return (
        c && {
          status: c.status,
          layer: c.request.layer,
          tensor: c.request.tensor,
          rows: c.result?.rows.map((r) => r.name) ?? [],
          stability: c.result?.stability?.length ?? null,
          message: c.message ?? null,
        }
      );
    });
  }

  /** Waits until the view has answered the request for `layer` and `tensor` with `status`. */
  async waitFor(layer: number, tensor: string, status = 'done', timeout = 60_000): Promise<CalibrationBrief> {
    await expect
      .poll(
        async () => {
          const s = await this.state();
          return s && s.layer === layer && s.tensor === tensor ? s.status : null;
        },
        { timeout, message: `calibration of layer ${layer} ${tensor}: ${status}` },
      )
      .toBe(status);
    return (await this.state())!;
  }
}
