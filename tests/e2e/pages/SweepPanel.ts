/** Page object of the sweep form, its progress bar and the Pareto chart. */
import type { Locator, Page } from '@playwright/test';

export class SweepPanel {
  constructor(private readonly page: Page) {}

  byId(id: string): Locator {
    return this.page.getByTestId(id);
  }

  get start(): Locator {
    return this.byId('sweep.start');
  }
  get cancel(): Locator {
    return this.byId('sweep.cancel');
  }
  get progress(): Locator {
    return this.byId('sweep.progress');
  }
  get plan(): Locator {
    return this.byId('sweep.plan');
  }
  get chart(): Locator {
    return this.byId('pareto.chart');
  }
  get frontier(): Locator {
    return this.byId('pareto.frontier');
  }

  /** Checks exactly these weight bitwidths (32 = float) in the form. */
  async setBits(bits: number[]): Promise<void> {
    for (const b of [2, 3, 4, 8, 32]) await this.byId(`sweep.bits.${b}`).setChecked(bits.includes(b));
  }

  async setSteps(steps: number): Promise<void> {
    await this.byId('sweep.steps').fill(String(steps));
  }

  /** Picks the pool size (0 = auto). */
  async setWorkers(n: number): Promise<void> {
    await this.byId('sweep.workers').selectOption({ index: n });
  }

  /** Progress attributes of the bar (phase, done, total, fraction). */
  async state(): Promise<{ phase: string; done: number; total: number; fraction: number }> {
    const bar = this.progress;
    return {
      phase: (await bar.getAttribute('data-phase')) ?? '',
      done: Number(await bar.getAttribute('data-done')),
      total: Number(await bar.getAttribute('data-total')),
      fraction: Number(await bar.getAttribute('data-fraction')),
    };
  }

  /** Points the Pareto chart draws. */
  async points(): Promise<number> {
    return Number(await this.chart.getAttribute('data-points'));
  }

  async frontierCount(): Promise<number> {
    return Number(await this.frontier.getAttribute('data-count'));
  }

  /** The drawn point markers (recharts symbols of the per-bitwidth series). */
  markers(): Locator {
    return this.chart.locator('.pareto-points .recharts-symbols');
  }

  async loadFile(path: string): Promise<void> {
    await this.byId('pareto.load').setInputFiles(path);
  }
}
