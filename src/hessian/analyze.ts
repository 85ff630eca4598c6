/**
 * The Hessian analysis of a trained model (docs/hessian.md): per layer, the block of its weights
 * (HAWQ's per-layer Hessian: Hv with v zero outside the layer), and the whole model over every
 * trainable parameter (PyHessian): top eigenvalues, Hutchinson traces with standard errors, and
 * optionally the SLQ eigenvalue density of the whole model.
 */
import * as tf from '@tensorflow/tfjs';
import { imageBatch, labelBatch } from '../data/batches';
import type { MnistSplit } from '../data/mnist';
import type { QuantModel } from '../models/build';
import { createRng, permutation } from '../tensor/rng';
import { createHvp, type HessianBatch } from './hvp';
import { lossLandscape, type Landscape, type LandscapeOptions } from './landscape';
import { dot, rademacher } from './linalg';
import {
  POWER_DEFAULTS,
  SLQ_DEFAULTS,
  slqDensity,
  topEigenvalues,
  traceFromSamples,
  type PowerOptions,
  type SlqDensity,
  type SlqOptions,
} from './spectrum';

/** What to compute, and the seed of every random vector. */
export interface HessianOptions {
  /** Top eigenvalues per layer block and of the model (0: none). */
  topK: number;
  /** Rademacher probes of the Hutchinson traces (0: none). */
  traceProbes: number;
  /** The model's SLQ density. */
  density: boolean;
  /** Seed of the probe, start and Lanczos vectors (not of the batch). */
  seed: number;
  power: PowerOptions;
  slq: SlqOptions;
  /**
   * The loss landscape along the model's top two eigenvectors (./landscape.ts); it needs them, so
   * the model's top eigenvalues are computed at least two when asked for.
   */
  landscape?: LandscapeOptions;
  /** Progress lines, e.g. for the runner's stderr. */
  log?: (line: string) => void;
}

export const HESSIAN_DEFAULTS: HessianOptions = {
  topK: 1,
  traceProbes: 50,
  density: false,
  seed: 1,
  power: POWER_DEFAULTS,
  slq: SLQ_DEFAULTS,
};

/** One layer's weight block. Field names are a public contract (the runner's JSON). */
export interface LayerHessian {
  name: string;
  /** Weights in the block. */
  params: number;
  trace: number;
  traceStdErr: number;
  topEigenvalues: number[];
}

/** The whole model's Hessian (every trainable parameter: weights, biases, BN γ and β). */
export interface ModelHessian {
  params: number;
  topEigenvalues: number[];
  trace: number;
  traceStdErr: number;
  /** SLQ nodes and weights per run, when asked for. */
  density?: SlqDensity;
  /** The loss along the top eigenvectors, when asked for. */
  landscape?: Landscape;
}

export interface HessianReport {
  layers: LayerHessian[];
  model: ModelHessian;
  /** Hessian-vector products computed. */
  hvpCalls: number;
}

/** `size` training images and labels drawn without replacement with `seed` (the caller disposes). */
export function sampleBatch(split: MnistSplit, size: number, seed: number): HessianBatch {
  const order = permutation(split.count, createRng(seed, 'hessian-batch'));
  const indices = order.subarray(0, Math.min(size, split.count));
  return { x: imageBatch(split, indices), labels: labelBatch(split, indices) };
}

/**
 * Runs the analysis of `model`'s float Hessian on `batch`. One Hutchinson probe over the whole
 * model gives every block's trace at once: E[v_l·(Hv)_l] = tr(H_ll) for independent Rademacher
 * entries, so the layer traces cost no extra products.
 */
export function analyzeHessian(
  model: QuantModel,
  batch: HessianBatch,
  options: HessianOptions = HESSIAN_DEFAULTS,
): HessianReport {
  const log = options.log ?? (() => {});
  const whole = createHvp(model, batch);
  const weightSlices = model.layers.map((l) => whole.slices.find((s) => s.variable === l.weight)!);
  const layerSamples = model.layers.map(() => [] as number[]);
  const modelSamples: number[] = [];
  const probeRng = createRng(options.seed, 'hessian-trace');
  for (let i = 0; i < options.traceProbes; i += 1) {
    const v = rademacher(probeRng, whole.dim);
    const hv = whole.apply(v);
    modelSamples.push(dot(v, hv));
    weightSlices.forEach((s, l) => {
      const end = s.offset + s.size;
      layerSamples[l].push(dot(v.subarray(s.offset, end), hv.subarray(s.offset, end)));
    });
    if ((i + 1) % 10 === 0 || i + 1 === options.traceProbes)
      log(`trace: ${i + 1}/${options.traceProbes} probes`);
  }
  let calls = whole.calls;
  const layers = model.layers.map((layer, l) => {
    const block = createHvp(model, batch, [layer.weight]);
    const eigen = topEigenvalues(
      (v) => block.apply(v),
      block.dim,
      options.topK,
      createRng(options.seed, `hessian-eigen/${layer.spec.name}`),
      options.power,
    );
    calls += block.calls;
    if (options.topK > 0) log(`${layer.spec.name}: top eigenvalues after ${block.calls} products`);
    const trace = layerSamples[l].length ? traceFromSamples(layerSamples[l]) : { trace: NaN, stdErr: NaN };
    return {
      name: layer.spec.name,
      params: block.dim,
      trace: trace.trace,
      traceStdErr: trace.stdErr,
      topEigenvalues: eigen.map((e) => e.value),
    };
  });
  const before = whole.calls;
  const modelK = options.landscape ? Math.max(options.topK, 2) : options.topK;
  const eigen = topEigenvalues(
    (v) => whole.apply(v),
    whole.dim,
    modelK,
    createRng(options.seed, 'hessian-eigen'),
    options.power,
  );
  if (modelK > 0) log(`model: top eigenvalues after ${whole.calls - before} products`);
  const density = options.density
    ? slqDensity((v) => whole.apply(v), whole.dim, createRng(options.seed, 'hessian-density'), options.slq)
    : undefined;
  if (density) log(`model: density after ${options.slq.steps * options.slq.runs} Lanczos steps`);
  const landscape = options.landscape
    ? lossLandscape(
        model,
        batch,
        eigen.slice(0, 2).map((e) => e.vector),
        options.landscape,
      )
    : undefined;
  if (landscape) log(`model: landscape on ${options.landscape!.points} points per axis`);
  const trace = modelSamples.length ? traceFromSamples(modelSamples) : { trace: NaN, stdErr: NaN };
  return {
    layers,
    model: {
      params: whole.dim,
      topEigenvalues: eigen.map((e) => e.value),
      trace: trace.trace,
      traceStdErr: trace.stdErr,
      ...(density && { density }),
      ...(landscape && { landscape }),
    },
    hvpCalls: calls + whole.calls - before,
  };
}

/** Frees a batch from {@link sampleBatch}. */
export function disposeBatch(batch: HessianBatch): void {
  tf.dispose([batch.x, batch.labels]);
}
