/**
 * HAWQ's per-layer sensitivity (docs/mixed.md §1): Ω_l(b) = (Tr(H_l)/n_l)·‖Q_b(W_l) − W_l‖², the
 * mean curvature of layer l's weight block times the squared error its weights take at b bits.
 * Q_b is the experiment's own weight quantizer (grid, range estimator, granularity) at b bits.
 *
 * The traces come through {@link LayerTraceFn}, the Hessian analysis's per-layer Hutchinson
 * traces, or from the JSON that `quant-lab hessian` writes ({@link parseLayerTraces}).
 */
import * as tf from '@tensorflow/tfjs';
import { analyzeHessian, disposeBatch, HESSIAN_DEFAULTS, sampleBatch } from '../hessian/analyze';
import type { MnistSplit } from '../data/mnist';
import type { Experiment } from '../experiment/schema';
import type { QuantModel } from '../models/build';
import { weightQuantizerOptions } from '../models/quantizers';
import { createQuantizer } from '../quant/quantizer';
import type { LayerSensitivity } from './allocate';

/** One layer's Hessian trace. Field names match `quant-lab hessian`'s JSON. */
export interface LayerTrace {
  name: string;
  /** Weights in the layer's block (n_l). */
  params: number;
  trace: number;
  traceStdErr: number;
}

/** How the traces are estimated. */
export interface TraceOptions {
  /** Rademacher probes of the Hutchinson estimate. */
  probes: number;
  /** Training images of the loss. */
  batchSize: number;
  /** Seed of the probe vectors. */
  seed: number;
  /** Seed of the batch (default `seed`); the runner passes the checkpoint's, as `quant-lab hessian` does. */
  batchSeed?: number;
}

/** Per-layer Hessian traces of a model's float loss on `data`, in the model's layer order. */
export type LayerTraceFn = (
  model: QuantModel,
  data: MnistSplit,
  options: TraceOptions,
) => Promise<LayerTrace[]>;

/** The Hessian analysis's per-layer Hutchinson traces (docs/hessian.md), as a {@link LayerTraceFn}. */
export const hessianTraces: LayerTraceFn = (model, data, o) => {
  const batch = sampleBatch(data, o.batchSize, o.batchSeed ?? o.seed);
  try {
    const report = analyzeHessian(model, batch, {
      ...HESSIAN_DEFAULTS,
      topK: 0,
      traceProbes: o.probes,
      seed: o.seed,
    });
    return Promise.resolve(
      report.layers.map(({ name, params, trace, traceStdErr }) => ({ name, params, trace, traceStdErr })),
    );
  } finally {
    disposeBatch(batch);
  }
};

/** A layer's sensitivity with what it was computed from. */
export interface LayerSensitivityReport extends LayerSensitivity, LayerTrace {
  /** ‖Q_b(W) − W‖² by bitwidth. */
  weightError: Record<number, number>;
}

/** The `layers` of a `quant-lab hessian` JSON (or any object with such an array). */
export function parseLayerTraces(
  value: unknown,
): { ok: true; value: LayerTrace[] } | { ok: false; error: string } {
  const layers = (value as { layers?: unknown } | null)?.layers;
  if (!Array.isArray(layers)) return { ok: false, error: 'expected an object with a "layers" array' };
  const out: LayerTrace[] = [];
  for (const [i, l] of layers.entries()) {
    const { name, params, trace, traceStdErr } = (l ?? {}) as Partial<LayerTrace>;
    if (typeof name !== 'string' || typeof params !== 'number' || !(params > 0))
      return { ok: false, error: `layers[${i}]: needs a name and params > 0` };
    if (typeof trace !== 'number' || !Number.isFinite(trace))
      return { ok: false, error: `layers[${i}] (${name}): trace must be a finite number` };
    out.push({ name, params, trace, traceStdErr: typeof traceStdErr === 'number' ? traceStdErr : NaN });
  }
  return { ok: true, value: out };
}

/** ‖Q_b(W) − W‖² of one layer's weights with the experiment's weight quantizer at `bits`. */
function weightError(model: QuantModel, exp: Experiment, layer: number, bits: number): number {
  const { spec, weight } = model.layers[layer];
  const options = weightQuantizerOptions(exp, spec);
  const q = createQuantizer({ ...options, config: { ...options.config, bits } });
  try {
    const error = tf.tidy(() => {
      q.apply(weight, true);
      return tf.sum(tf.square(tf.sub(q.apply(weight, false), weight)));
    });
    const value = error.dataSync()[0];
    error.dispose();
    return value;
  } finally {
    q.dispose();
  }
}

/**
 * Ω_l(b) for every layer of `model` and every candidate bitwidth. The traces must name the
 * model's layers; a negative trace estimate (possible with few probes on a flat block) counts as 0.
 */
export function layerSensitivities(
  model: QuantModel,
  exp: Experiment,
  traces: readonly LayerTrace[],
  bits: readonly number[],
): LayerSensitivityReport[] {
  return model.layers.map((layer, l) => {
    const t = traces.find((x) => x.name === layer.spec.name);
    if (!t) throw new Error(`no Hessian trace for layer '${layer.spec.name}'`);
    const errors = Object.fromEntries(bits.map((b) => [b, weightError(model, exp, l, b)]));
    const curvature = Math.max(t.trace, 0) / t.params;
    const omega = Object.fromEntries(bits.map((b) => [b, curvature * errors[b]]));
    return { ...t, omega, weightError: errors };
  });
}
