/**
 * Page object of the Post-training workspace: the ladder's options, Run and Stop, the table's cells
 * and their per-layer details, and the ladder's state in the store (polled, never slept on).
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** The ladder as the store holds it, reduced to what the tests check. */
export interface LadderBrief {
  status: string;
  cells: number;
  message: string | null;
}

export class PtqPanel {
  constructor(private readonly page: Page) {}

  byId(id: string): Locator {
    return this.page.getByTestId(id);
  }
  get section(): Locator {
    return this.byId('ptq.section');
  }
  get run(): Locator {
    return this.byId('ptq.run');
  }
  get stop(): Locator {
    return this.byId('ptq.stop');
  }
  get status(): Locator {
    return this.byId('ptq.status');
  }
  /** A cell of the table: `rung` (nearest, cle, bias, adaround, qat) at W`weightBits`A8. */
  cell(rung: string, weightBits: number): Locator {
    return this.byId(`ptq.cell.${rung}.${weightBits}`);
  }
  float(weightBits: number): Locator {
    return this.byId(`ptq.float.${weightBits}`);
  }

  /** Checks exactly the columns `bits` (W{bits}A8) of those offered. */
  async setColumns(bits: number[]): Promise<void> {
    for (const b of [8, 4, 3, 2]) await this.byId(`ptq.column.${b}`).setChecked(bits.includes(b));
  }

  async setAdaroundIterations(n: number): Promise<void> {
    await this.byId('ptq.adaroundIterations').fill(String(n));
    await expect.poll(() => this.options().then((o) => o.adaroundIterations)).toBe(n);
  }

  options(): Promise<{
    weightBits: number[];
    rungs: string[];
    adaroundIterations: number;
    qatSteps: number;
  }> {
    return this.page.evaluate(() => window.__lab!.getState().ptqOptions);
  }

  ladder(): Promise<LadderBrief | null> {
    return this.page.evaluate(() => {
      const l = window.__lab!.getState().ladder;
      return l && { status: l.status, cells: l.cells.length, message: l.message ?? null };
    });
  }

  /** Waits until the ladder has ended with `status`. */
  async waitForEnd(status: string, timeout = 120_000): Promise<LadderBrief> {
    await expect
      .poll(async () => (await this.ladder())?.status, { timeout, message: `ladder ${status}` })
      .toBe(status);
    return (await this.ladder())!;
  }
}
