/**
 * Oscillation tracking, dampening and iterative freezing (docs/science.md §2) as a trainer plugin
 * (plugins.ts): the trainer calls these hooks at fixed places of each step and knows nothing else.
 *
 *   beforeStep → dampening targets, outside the tape (they are constants)
 *   lossTerm  → λ(t)·L_damp inside the tape (null while λ = 0)
 *   afterStep → pin frozen weights, track codes, freeze (ops only, no readback)
 *   report    → layer oscillation stats, weight samples and the f histogram (one readback)
 *   finish    → RunResult.oscillation
 *
 * The plugin is always present (it costs nothing when tracking, dampening and freezing are off) so
 * that a live change can switch any of them on.
 */
import type { Experiment } from '../experiment/schema';
import { OscillationHooks } from './oscHooks';
import type { TrainerContext, TrainerPlugin, TrainerPluginFactory } from './plugins';
import type { RunResult, StepReport } from './types';

class OscillationPlugin implements TrainerPlugin {
  readonly name = 'oscillation';
  private hooks: OscillationHooks;
  /**
   * Steps completed, counted here: afterStep runs inside the trainer's step, so counting the calls
   * keeps the schedules exact whatever `ctx.stepsDone` shows at that moment.
   */
  private steps: number;

  constructor(ctx: TrainerContext) {
    this.hooks = new OscillationHooks(ctx.experiment, ctx.model);
    this.steps = ctx.stepsDone;
  }

  beforeStep(ctx: TrainerContext) {
    this.hooks.beforeStep(ctx.stepsDone);
  }

  lossTerm() {
    return this.hooks.lossTerm();
  }

  afterStep() {
    this.steps += 1;
    this.hooks.afterStep(this.steps);
  }

  async report(report: StepReport) {
    const osc = await this.hooks.report(report.point.step);
    for (const layer of report.layers) Object.assign(layer, osc.layers.get(layer.name));
    report.samples.push(...osc.samples);
    if (osc.frequencyHistogram) report.frequencyHistogram = osc.frequencyHistogram;
  }

  updated(ctx: TrainerContext, quantizersRebuilt: boolean) {
    if (!this.hooks.update(ctx.experiment)) this.rebuild(ctx.experiment, ctx);
    else if (quantizersRebuilt) this.hooks.reattachFreeze();
  }

  /** Fresh hooks after a change of the tracked layout (bits, tracked layers): histories restart. */
  private rebuild(exp: Experiment, ctx: TrainerContext) {
    this.hooks.dispose();
    this.hooks = new OscillationHooks(exp, ctx.model);
  }

  finish(result: RunResult) {
    const summary = this.hooks.summary();
    if (summary) result.oscillation = summary;
  }

  dispose() {
    this.hooks.dispose();
  }
}

/** Factory for {@link DEFAULT_PLUGINS}: every trainer gets the oscillation plugin. */
export const oscillationPlugin: TrainerPluginFactory = (ctx) => new OscillationPlugin(ctx);
