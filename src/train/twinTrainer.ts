/**
 * Twin runs for the estimator-equivalence claim (docs/science.md §1): two trainers of one experiment
 * from the same seed, so the same initialization and batch order, differing only in the gradient
 * estimator. The main trainer (`experiment.estimator`, normally the STE) is the "STE side"; the
 * twin uses `experiment.twin.estimator`. Every `compareEvery` steps both stand at the same step and
 * twin.ts compares them (one readback); the point rides on the main report of that step.
 *
 * With `twin.map` (for SGD) the STE side gets lr·α and starts from M(w0), α and M from
 * src/estimators/mapping.ts for the twin's estimator. M needs the grid of w0: both twins' weight
 * quantizers are primed with one identical training-mode call on w0 first (this sets the range of
 * stateful range estimators on both sides alike, so the twins stay comparable).
 */
import * as tf from '@tensorflow/tfjs-core';
import { FLOAT_BITS, type Experiment } from '../experiment/schema';
import { computeMapping } from '../estimators/mapping';
import type { ModelLayer, QuantModel } from '../models/build';
import { weightChannelAxis } from '../models/quantizers';
import type { TrainerPluginFactory } from './plugins';
import type { QuantTrainer } from './trainer';
import {
  mapLatent,
  tensorCodeMap,
  twinMetricsTensor,
  twinPointFromArray,
  type CodeUnitMap,
  type TwinSide,
} from './twin';
import type { HistoryPoint, RunResult, RunStatus, StepReport, Trainer, TwinPoint } from './types';

/** Builds one side's trainer with the given plugins (injected by trainer.ts: no import cycle). */
export type MakeTrainer = (exp: Experiment, plugins: TrainerPluginFactory[]) => QuantTrainer;

/** The twin's experiment: the same one with the twin's estimator and no twin of its own. */
export function twinExperiment(exp: Experiment): Experiment {
  if (!exp.twin) throw new Error('twinExperiment: the experiment has no twin');
  const { twin, ...rest } = exp;
  return { ...rest, estimator: twin.estimator };
}

/** Quantized layers: the only ones with integer codes to compare (and a grid to map through). */
function quantizedLayers(model: QuantModel): ModelLayer[] {
  return model.layers.filter((l) => l.spec.weightBits !== FLOAT_BITS);
}

/** One identical training-mode call of every weight quantizer on its weights (calibrates s). */
function primeWeightQuantizers(model: QuantModel): void {
  tf.tidy(() => {
    for (const l of quantizedLayers(model)) l.quantizers.weight.apply(l.weight, true);
  });
}

/** w ← s·M_u(w/s) for every quantized layer (the STE side's initialization). */
function mapWeights(model: QuantModel, map: CodeUnitMap): void {
  tf.tidy(() => {
    for (const l of quantizedLayers(model)) {
      l.weight.assign(mapLatent(l.weight, l.quantizers.weight.scale(), weightChannelAxis(l.spec), map));
    }
  });
}

/** Label of an estimator spec for the result (`tanh`, `cosine(0.5)`). */
function estimatorLabel(spec: Experiment['estimator']): string {
  return spec.param === undefined ? spec.name : `${spec.name}(${spec.param})`;
}

/**
 * Creates the pair. `basePlugins` go to both sides; with `twin.map` the STE side also gets the
 * learning-rate factor α and its weights are mapped through M before the first step.
 * @throws Error when mapping is asked for an estimator without a mapping (EWGS, Q̂' reaching 0)
 */
export function createTwinTrainer(
  exp: Experiment,
  make: MakeTrainer,
  basePlugins: TrainerPluginFactory[],
): Trainer {
  const spec = exp.twin!;
  const mapping = spec.map ? computeMapping(spec.estimator) : null;
  const alpha = mapping?.alpha;
  const lrPlugin: TrainerPluginFactory = () => ({ name: 'twin-map', learningRateScale: () => alpha ?? 1 });
  const main = make(exp, mapping ? [...basePlugins, lrPlugin] : basePlugins);
  let twin: QuantTrainer | null = null;
  let codeMap: (CodeUnitMap & { dispose(): void }) | null = null;
  try {
    twin = make(twinExperiment(exp), basePlugins);
    if (mapping) {
      codeMap = tensorCodeMap(mapping);
      primeWeightQuantizers(main.model);
      primeWeightQuantizers(twin.model);
      mapWeights(main.model, codeMap);
    }
  } catch (error) {
    // Half-built pairs would leak their variables.
    main.dispose();
    twin?.dispose();
    codeMap?.dispose();
    throw error;
  }
  return new TwinTrainer(main, twin, estimatorLabel(spec.estimator), alpha, codeMap);
}

const now = () => performance.now();

/** Two trainers in lockstep behind the one-trainer contract; results are the main side's plus `twin`. */
class TwinTrainer implements Trainer {
  private readonly history: TwinPoint[] = [];
  /** Test accuracy of the twin by step, from its evaluation reports (for the accuracy gap). */
  private readonly twinAccuracy = new Map<number, number>();
  private wallMs = 0;

  constructor(
    private readonly main: QuantTrainer,
    private readonly twin: QuantTrainer,
    private readonly label: string,
    private readonly alpha: number | undefined,
    private readonly codeMap: (CodeUnitMap & { dispose(): void }) | null,
  ) {}

  get experiment(): Experiment {
    return this.main.experiment;
  }
  get stepsDone(): number {
    return this.main.stepsDone;
  }
  get done(): boolean {
    return this.main.done;
  }
  get status(): RunStatus | 'running' {
    return this.main.status;
  }

  private get compareEvery(): number {
    return this.main.experiment.twin?.compareEvery ?? 1;
  }

  async run(n: number): Promise<StepReport[]> {
    const start = now();
    const reports: StepReport[] = [];
    try {
      let left = n;
      while (left > 0 && !this.main.done) {
        // Advance both sides to the next comparison step (or by what is left of n).
        const k = Math.min(left, this.compareEvery - (this.main.stepsDone % this.compareEvery));
        const before = this.main.stepsDone;
        const mainReports = await this.main.run(k);
        if (!this.twin.done) this.recordTwin(await this.twin.run(this.main.stepsDone - this.twin.stepsDone));
        left -= Math.max(1, this.main.stepsDone - before);
        if (this.main.stepsDone % this.compareEvery === 0 || this.main.done) await this.compare(mainReports);
        reports.push(...mainReports);
      }
    } finally {
      this.wallMs += now() - start;
    }
    return reports;
  }

  private recordTwin(reports: StepReport[]): void {
    for (const r of reports)
      if (r.point.testAccuracy !== undefined) this.twinAccuracy.set(r.point.step, r.point.testAccuracy);
  }

  /** Compares the twins now (both at the same step) and attaches the point to that step's report. */
  private async compare(mainReports: StepReport[]): Promise<void> {
    if (this.twin.stepsDone !== this.main.stepsDone) return;
    const step = this.main.stepsDone;
    const t = tf.tidy(() => {
      const side = (m: QuantModel): TwinSide => {
        const layers = quantizedLayers(m);
        return {
          latents: layers.map((l) => l.weight),
          codes: layers.map((l) => l.quantizers.weight.toInt(l.weight)),
        };
      };
      const map = this.codeMap;
      const mapped = map
        ? quantizedLayers(this.twin.model).map((l) =>
            mapLatent(l.weight, l.quantizers.weight.scale(), weightChannelAxis(l.spec), map),
          )
        : undefined;
      return twinMetricsTensor(side(this.main.model), side(this.twin.model), mapped);
    });
    const values = await t.data();
    t.dispose();
    const report = mainReports.find((r) => r.point.step === step);
    const mainAcc = report?.point.testAccuracy;
    const twinAcc = this.twinAccuracy.get(step);
    const gap = mainAcc !== undefined && twinAcc !== undefined ? mainAcc - twinAcc : undefined;
    const point = twinPointFromArray(step, values, 0, gap);
    this.history.push(point);
    if (report) report.twin = point;
  }

  update(next: Experiment): boolean {
    if (!this.main.update(next)) return false;
    this.twin.update(twinExperiment(next));
    return true;
  }

  async evaluate(): Promise<HistoryPoint> {
    // One after the other: the two sides share one backend and the order stays deterministic.
    const point = await this.main.evaluate();
    const twinPoint = await this.twin.evaluate();
    if (twinPoint.testAccuracy !== undefined) this.twinAccuracy.set(twinPoint.step, twinPoint.testAccuracy);
    return point;
  }

  result(): RunResult {
    const result = this.main.result();
    const twinResult = this.twin.result();
    const last = this.history[this.history.length - 1];
    result.twin = {
      estimator: this.label,
      agreement: last?.agreement ?? 1,
      ...(this.alpha !== undefined ? { alpha: this.alpha } : {}),
      history: [...this.history],
      testAccuracy: twinResult.testAccuracy,
    };
    // Throughput of the pair, as the user waits for it.
    result.wallTimeMs = Math.round(this.wallMs);
    result.stepsPerSec = this.wallMs > 0 ? this.main.stepsDone / (this.wallMs / 1000) : 0;
    return result;
  }

  weights(): Promise<NonNullable<RunResult['weights']>> {
    return this.main.weights();
  }

  dispose(): void {
    this.main.dispose();
    this.twin.dispose();
    this.codeMap?.dispose();
  }
}
