/**
 * Per-layer Hessian traces at two probe seeds (docs/mixed.md §6), to tell whether the layer ranking
 * by trace is resolved: the same batch, two independent sets of Rademacher probes. The ranking is
 * trusted when both seeds order the layers the same way and no two neighbours in that order have
 * overlapping intervals (trace ± one standard error). The sensitivities Ω_l(b) then use the pooled
 * estimate (the mean of the two, which is the estimate of all probes together).
 */
import type { MnistData } from '../data/mnist';
import type { Experiment } from '../experiment/schema';
import type { QuantModel } from '../models/build';
import {
  hessianTraces,
  layerSensitivities,
  type LayerSensitivityReport,
  type LayerTrace,
} from './sensitivity';

/** How the traces are estimated. */
export interface TraceSeedOptions {
  /** Rademacher probes per seed. */
  probes: number;
  /** Training images of the loss (one batch, drawn with the experiment's seed). */
  batchSize: number;
  /**
   * The probe seeds: two (the workspace's pair) or more (a lesson's). Agreement and Ω read the first
   * two; every seed's traces are in the report.
   */
  seeds: [number, number, ...number[]];
  /** Candidate bitwidths of Ω. */
  bits: number[];
}

/** One seed's traces and how long they took. */
export interface SeedTraces {
  seed: number;
  layers: LayerTrace[];
  ms: number;
}

/** Two layers whose order the traces do not settle. */
export interface UnresolvedPair {
  a: string;
  b: string;
}

export interface TraceAgreement {
  /** Both seeds rank the layers in the same order by trace. */
  sameOrder: boolean;
  /** Neighbours in the pooled ranking whose intervals (± one standard error) overlap, at either seed. */
  overlapping: UnresolvedPair[];
}

export interface TraceSeedsReport {
  /** Each probe seed's traces, in the order of the options' seeds. */
  seeds: [SeedTraces, SeedTraces, ...SeedTraces[]];
  agreement: TraceAgreement;
  /** Ω_l(b) from the pooled traces. */
  sensitivity: LayerSensitivityReport[];
}

/** Layer names by decreasing trace. */
export function rankByTrace(layers: readonly LayerTrace[]): string[] {
  return [...layers].sort((x, y) => y.trace - x.trace).map((l) => l.name);
}

const overlap = (x: LayerTrace, y: LayerTrace) =>
  Math.abs(x.trace - y.trace) <= (x.traceStdErr || 0) + (y.traceStdErr || 0);

/** Whether two seeds' traces (same layers) agree on the ranking, and which neighbours overlap. */
export function traceAgreement(a: readonly LayerTrace[], b: readonly LayerTrace[]): TraceAgreement {
  const order = rankByTrace(pooledTraces(a, b));
  const sameOrder = rankByTrace(a).join('\n') === rankByTrace(b).join('\n');
  const overlapping: UnresolvedPair[] = [];
  for (let i = 0; i + 1 < order.length; i += 1) {
    const [n, m] = [order[i]!, order[i + 1]!];
    const pair = (t: readonly LayerTrace[]) => [t.find((l) => l.name === n)!, t.find((l) => l.name === m)!];
    const [a1, a2] = pair(a);
    const [b1, b2] = pair(b);
    if (overlap(a1!, a2!) || overlap(b1!, b2!)) overlapping.push({ a: n, b: m });
  }
  return { sameOrder, overlapping };
}

/** The mean of two equal-size estimates, with its standard error √(s₁² + s₂²)/2. */
export function pooledTraces(a: readonly LayerTrace[], b: readonly LayerTrace[]): LayerTrace[] {
  return a.map((x) => {
    const y = b.find((l) => l.name === x.name);
    if (!y) throw new Error(`no trace for layer '${x.name}' at the second seed`);
    return {
      name: x.name,
      params: x.params,
      trace: (x.trace + y.trace) / 2,
      traceStdErr: Math.hypot(x.traceStdErr, y.traceStdErr) / 2,
    };
  });
}

/** Traces at every probe seed, the first two seeds' agreement, and Ω from their pooled traces. */
export async function traceSeeds(
  model: QuantModel,
  exp: Experiment,
  data: MnistData,
  options: TraceSeedOptions,
  between: () => Promise<void> = () => Promise.resolve(),
): Promise<TraceSeedsReport> {
  const one = async (seed: number): Promise<SeedTraces> => {
    const start = performance.now();
    const layers = await hessianTraces(model, data.train, {
      probes: options.probes,
      batchSize: options.batchSize,
      seed,
      batchSeed: exp.seed,
    });
    return { seed, layers, ms: performance.now() - start };
  };
  const first = await one(options.seeds[0]);
  await between();
  const second = await one(options.seeds[1]);
  const more: SeedTraces[] = [];
  for (const seed of options.seeds.slice(2)) {
    await between();
    more.push(await one(seed));
  }
  const pooled = pooledTraces(first.layers, second.layers);
  return {
    seeds: [first, second, ...more],
    agreement: traceAgreement(first.layers, second.layers),
    sensitivity: layerSensitivities(model, exp, pooled, options.bits),
  };
}
