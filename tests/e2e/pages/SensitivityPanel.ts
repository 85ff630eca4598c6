/**
 * Page object of the Sensitivity workspace: its buttons, the budget slider, the per-layer "keep at
 * 8 bits", the allocation Pareto chart, the learned-bits panel, and the jobs' state in the store
 * (polled, never slept on).
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** A sensitivity job as the store holds it, reduced to what the tests check. */
export interface SensJobBrief {
  id: string;
  status: string;
  message: string | null;
}

type JobKey = 'sensCheap' | 'sensTraces' | 'sensAllocation' | 'sensSpectrum' | 'sensFrontier';

export class SensitivityPanel {
  constructor(private readonly page: Page) {}

  byId(id: string): Locator {
    return this.page.getByTestId(id);
  }
  get section(): Locator {
    return this.byId('sens.section');
  }
  keep8(layer: string): Locator {
    return this.byId(`sens.keep8.${layer}`);
  }

  job(key: JobKey): Promise<SensJobBrief | null> {
    return this.page.evaluate((k) => {
      const j = window.__lab!.getState()[k];
      return j && { id: j.id, status: j.status, message: j.message ?? null };
    }, key);
  }

  /** Waits until job `key` is done (or fails the test with its message). */
  async waitForDone(key: JobKey, timeout = 120_000): Promise<void> {
    await expect
      .poll(
        async () => {
          const j = await this.job(key);
          return j?.status === 'error' ? `error: ${j.message}` : j?.status;
        },
        { timeout, message: `${key} done` },
      )
      .toBe('done');
  }

  /** The numbers the Spectrum section shows beside its charts (the top eigenvalue, the centre loss). */
  async spectrumFacts(): Promise<{ topEigenvalue: number; centerLoss: number }> {
    const value = async (id: string) => Number(await this.byId(id).getAttribute('data-value'));
    return { topEigenvalue: await value('sens.topEigenvalue'), centerLoss: await value('sens.centerLoss') };
  }

  /** Phases the spectrum job has reported progress in so far, as the status line shows them. */
  spectrumPhase(): Promise<string | null> {
    return this.byId('sens.spectrumStatus').getAttribute('data-phase');
  }

  /** Weight bits per layer of the last allocation. */
  allocationBits(): Promise<number[] | null> {
    return this.page.evaluate(
      () =>
        window.__lab!.getState().sensAllocation?.result?.allocation.result.layers.map((l) => l.weightBits) ??
        null,
    );
  }

  /** The id of the last allocation job (changes when the slider re-solves). */
  async allocationId(): Promise<string | null> {
    return (await this.job('sensAllocation'))?.id ?? null;
  }

  /** Moves the budget slider to `percent` (0–100) as a keyboard user would: Home, then arrow keys. */
  async setBudget(percent: number): Promise<void> {
    const slider = this.byId('sens.budget');
    await slider.focus();
    await slider.press('Home');
    for (let i = 0; i < percent; i += 1) await slider.press('ArrowRight');
    await expect
      .poll(() => this.page.evaluate(() => window.__lab!.getState().sensitivityOptions.budget))
      .toBe(percent);
  }

  /** The allocation Pareto chart. */
  get pareto(): Locator {
    return this.byId('sens.pareto');
  }

  /** The drawn markers of one series of the allocation chart. */
  markers(series: 'frontier' | 'uniform' | 'random' | 'current'): Locator {
    return this.pareto.locator(`.sens-pareto-${series} .recharts-symbols`);
  }

  /** The frontier job's points: [cost on the axis, ΣΩ] in increasing budget. */
  frontier(): Promise<[number, number][] | null> {
    return this.page.evaluate(() => {
      const f = window.__lab!.getState().sensFrontier?.result?.frontier;
      return f ? f.frontier.map((p) => [p.cost[f.axis], p.objective] as [number, number]) : null;
    });
  }

  /** The slider's point on the chart: its cost (x). */
  async currentX(): Promise<number> {
    return Number(await this.byId('sens.pareto.current').getAttribute('data-x'));
  }

  /** Weight bits per layer shown in the allocation table, in row order. */
  tableBits(): Promise<number[]> {
    return this.byId('sens.allocationTable')
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-bits'))));
  }

  /** The point the allocation table shows, as loaded from the chart (null: the slider's). */
  picked(): Promise<{ label: string; bits: number[] } | null> {
    return this.page.evaluate(() => {
      const p = window.__lab!.getState().sensPicked;
      return p && { label: p.label, bits: p.layers.map((l) => l.weightBits) };
    });
  }

  /** The experiment's per-layer bit overrides. */
  layerBits(): Promise<Record<string, { weightBits?: number; actBits?: number }>> {
    return this.page.evaluate(() => window.__lab!.getState().experiment.quant.layers);
  }
}
