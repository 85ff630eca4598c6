/**
 * Page object of the lab: opens it, drives it through the dev/test hook `window.__lab` (no sleeps:
 * every wait polls app state), and exposes the controls and charts panels.
 */
import { expect, type Page } from '@playwright/test';
import type { ExperimentInput } from '../../../src/experiment/schema';
import type { LabSummary } from '../../../app/store/summary';
import { ChartsPanel } from './ChartsPanel';
import { ControlsPanel } from './ControlsPanel';

/** A small, fast experiment: 3-bit weights (so oscillations are tracked), a tiny MLP, a short run. */
export const SMALL_EXPERIMENT: ExperimentInput = {
  seed: 1,
  data: { trainSize: 512, testSize: 256 },
  model: { arch: 'mlp', hidden: [32] },
  quant: { weight: { bits: 3 }, act: { bits: 8 } },
  train: { optimizer: 'adam', lr: 0.01, steps: 400, batchSize: 32, reportEvery: 5, evalEvery: 50 },
  oscillation: { sampleWeights: 4, momentum: 0.05 },
};

/** The workspaces the nav bar offers (app/workspaces/registry.ts). */
export type WorkspaceId = 'train' | 'sweep' | 'runs' | 'ptq' | 'sensitivity' | 'deploy';

export class LabPage {
  readonly controls: ControlsPanel;
  readonly charts: ChartsPanel;

  constructor(readonly page: Page) {
    this.controls = new ControlsPanel(page);
    this.charts = new ChartsPanel(page);
  }

  /** Opens the lab (at `url`, default `/`) and waits until the worker reports its backend. */
  async open(url = '/'): Promise<void> {
    await this.page.goto(url);
    await this.ready();
  }

  /** Waits until the lab is up (after a goto or reload): hook installed, backend picked. */
  async ready(): Promise<void> {
    await expect
      .poll(() => this.page.evaluate(() => window.__lab !== undefined), { message: 'window.__lab installed' })
      .toBe(true);
    await expect
      .poll(async () => (await this.summary()).backend, { message: 'backend picked' })
      .not.toBeNull();
  }

  /** The workspace shown (its view loaded). */
  async workspace(): Promise<string> {
    return (await this.page.getByTestId('workspace').getAttribute('data-workspace')) ?? '';
  }

  /** Opens a workspace from the nav bar, as a visitor would, and waits until its view has loaded. */
  async openWorkspace(id: WorkspaceId): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Workspaces' }).getByTestId(`nav.${id}`).click();
    await this.waitForWorkspace(id);
  }

  /** Waits until workspace `id` is shown and its code has loaded. */
  async waitForWorkspace(id: WorkspaceId): Promise<void> {
    await expect(this.page.getByTestId('workspace')).toHaveAttribute('data-workspace', id);
    await expect(this.page.getByTestId('workspace.loading')).toHaveCount(0);
  }

  summary(): Promise<LabSummary> {
    return this.page.evaluate(() => window.__lab!.summary());
  }

  /** Applies an experiment through the hook (validated by the schema; defaults fill the rest). */
  async setExperiment(input: ExperimentInput): Promise<void> {
    const error = await this.page.evaluate((e) => window.__lab!.setExperiment(e), input);
    expect(error, 'experiment rejected by the schema').toBeNull();
  }

  async setAutoPause(n: number | null): Promise<void> {
    await this.page.evaluate((v) => window.__lab!.setAutoPauseAfter(v), n);
  }

  /** Polls the summary until `pick(summary)` satisfies `check`. */
  async waitFor<T>(
    pick: (s: LabSummary) => T,
    check: (v: T) => boolean,
    message: string,
    timeout = 60_000,
  ): Promise<T> {
    let last: T | undefined;
    await expect
      .poll(
        async () => {
          last = pick(await this.summary());
          return check(last);
        },
        { message, timeout },
      )
      .toBe(true);
    return last as T;
  }

  waitForSteps(min: number, timeout?: number): Promise<number> {
    return this.waitFor(
      (s) => s.stepsDone,
      (n) => n >= min,
      `at least ${min} steps done`,
      timeout,
    );
  }

  waitForPhase(phase: LabSummary['phase'], timeout?: number): Promise<LabSummary['phase']> {
    return this.waitFor(
      (s) => s.phase,
      (p) => p === phase,
      `run phase is ${phase}`,
      timeout,
    );
  }
}
