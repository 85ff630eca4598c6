/**
 * The loss landscape along the Hessian's top eigenvectors (docs/hessian.md §7), as PyHessian's
 * example draws it: the loss of the model with its parameters moved to θ + α·v₁ (1-D) and to
 * θ + α·v₁ + β·v₂ (2-D), for α, β on an even grid of [−radius, radius], with v₁, v₂ the unit-norm
 * eigenvectors over every trainable parameter (the model's Hessian: weights, biases, BN γ and β).
 * Each point starts from the original parameters (no drift), and they are restored bit for bit
 * afterwards, also when a measurement throws.
 *
 * What moves and what is measured: the latent float parameters move; the loss is the float model's
 * (quantizers off, BN with its running statistics, the same batch as the Hessian's), so the 1-D
 * curve's curvature at α = 0 is the top eigenvalue. For a quantized model the 1-D scan also reports
 * the quantized forward's loss and accuracy (quantizers in evaluation mode) at the same points.
 */
import * as tf from '@tensorflow/tfjs';
import type { QuantModel } from '../models/build';
import { forward } from '../models/forward';
import { crossEntropySecondOrder, floatLogits, paramSlices, type HessianBatch } from './hvp';

/** The scan's grid (PyHessian's example: 21 points on [−0.5, 0.5]). */
export interface LandscapeOptions {
  /** Points per axis, odd so that the grid holds 0 (the 2-D grid is points × points). */
  points: number;
  /** The grid spans [−radius, radius] along each unit-norm direction. */
  radius: number;
}

export const LANDSCAPE_DEFAULTS: LandscapeOptions = { points: 21, radius: 0.5 };

/** The 2-D scan: loss[i][j] at θ + alphas[i]·v₁ + betas[j]·v₂. */
export interface LandscapeGrid {
  alphas: number[];
  betas: number[];
  loss: number[][];
}

/** Field names are a public contract (the runner's JSON `model.landscape`). */
export interface Landscape {
  alphas: number[];
  /** Float model's loss at θ + α·v₁. */
  loss1d: number[];
  /** Float model's accuracy on the batch at θ + α·v₁ (0–1). */
  accuracy1d: number[];
  /** Quantized model only: the quantized forward's loss and accuracy at the same points. */
  quantLoss1d?: number[];
  quantAccuracy1d?: number[];
  /** Present when two directions were given. */
  grid2d?: LandscapeGrid;
}

/** n evenly spaced values from lo to hi (n ≥ 2), the middle one exactly 0 when lo = −hi and n is odd. */
export function linspace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    if (2 * i + 1 === n && lo === -hi) return 0;
    return lo + ((hi - lo) * i) / (n - 1);
  });
}

/**
 * Measures `measure()` (a new 1-D tensor of m values, read back once per point) with `variables`
 * set to base + Σ_k coords[k]·directions[k] for each row of `coords`; returns one row of m values
 * per point. `directions` are flat over the variables in order (float64, cast to float32). The
 * variables are restored exactly afterwards. `onPoint(done, total)` reports progress.
 */
export function scanDirections(
  variables: readonly tf.Variable[],
  directions: readonly Float64Array[],
  coords: readonly number[][],
  measure: () => tf.Tensor1D,
  onPoint?: (done: number, total: number) => void,
): number[][] {
  const slices = paramSlices(variables);
  const dim = slices.reduce((s, p) => s + p.size, 0);
  for (const d of directions)
    if (d.length !== dim) throw new Error(`landscape: a direction of ${d.length}, expected ${dim}`);
  const base = variables.map((v) => v.clone());
  const dirs = directions.map((d) =>
    slices.map((s) =>
      tf.tensor(Float32Array.from(d.subarray(s.offset, s.offset + s.size)), s.variable.shape),
    ),
  );
  const rows: number[][] = [];
  try {
    coords.forEach((c, n) => {
      if (c.length !== dirs.length) throw new Error('landscape: one coordinate per direction');
      tf.tidy(() => {
        variables.forEach((v, i) => {
          let w: tf.Tensor = base[i];
          c.forEach((a, k) => {
            if (a !== 0) w = tf.add(w, tf.mul(dirs[k][i], a));
          });
          v.assign(w);
        });
      });
      const out = tf.tidy(measure);
      rows.push(Array.from(out.dataSync()));
      out.dispose();
      onPoint?.(n + 1, coords.length);
    });
  } finally {
    variables.forEach((v, i) => v.assign(base[i]));
    tf.dispose(base);
    dirs.forEach((d) => tf.dispose(d));
  }
  return rows;
}

/** Mean cross-entropy and accuracy of logits [N, K] against one-hot labels [N, K], as [loss, acc]. */
function lossAndAccuracy(logits: tf.Tensor2D, labels: tf.Tensor2D): tf.Tensor1D {
  const loss = crossEntropySecondOrder(labels, logits);
  const hits = tf.equal(tf.argMax(logits, 1), tf.argMax(labels, 1));
  return tf.stack([loss, tf.mean(tf.cast(hits, 'float32'))]) as tf.Tensor1D;
}

/** Whether any layer quantizes its weights or its input. */
export const isQuantizedModel = (model: QuantModel): boolean =>
  model.layers.some((l) => l.spec.weightBits < 32 || l.spec.actBits < 32);

/**
 * The model's loss landscape on `batch` (the caller's, e.g. the Hessian's) along `directions`: one
 * or two unit-norm vectors over `model.parameters()` in order (the top eigenvectors). The 1-D scan
 * follows the first; with a second, the points × points 2-D grid follows both.
 */
export function lossLandscape(
  model: QuantModel,
  batch: HessianBatch,
  directions: readonly Float64Array[],
  options: LandscapeOptions = LANDSCAPE_DEFAULTS,
  onPoint?: (done: number, total: number) => void,
): Landscape {
  if (directions.length < 1 || directions.length > 2) throw new Error('landscape: one or two directions');
  if (options.points < 2) throw new Error('landscape: at least two points per axis');
  const alphas = linspace(-options.radius, options.radius, options.points);
  const quantized = isQuantizedModel(model);
  const variables = model.parameters();
  const total = alphas.length + (directions.length === 2 ? alphas.length ** 2 : 0);
  const floatAt = () => lossAndAccuracy(floatLogits(model, batch.x), batch.labels);
  const line = scanDirections(
    variables,
    directions.slice(0, 1),
    alphas.map((a) => [a]),
    () => {
      const f = floatAt();
      if (!quantized) return f;
      const q = lossAndAccuracy(
        forward(model, batch.x, { training: false, recordClip: false }),
        batch.labels,
      );
      return tf.concat([f, q]) as tf.Tensor1D;
    },
    onPoint,
  );
  const result: Landscape = {
    alphas,
    loss1d: line.map((r) => r[0]),
    accuracy1d: line.map((r) => r[1]),
    ...(quantized && { quantLoss1d: line.map((r) => r[2]), quantAccuracy1d: line.map((r) => r[3]) }),
  };
  if (directions.length === 2) {
    const coords = alphas.flatMap((a) => alphas.map((b) => [a, b]));
    const grid = scanDirections(
      variables,
      directions,
      coords,
      () => floatAt().slice(0, 1),
      (n) => onPoint?.(alphas.length + n, total),
    );
    result.grid2d = {
      alphas,
      betas: [...alphas],
      loss: alphas.map((_, i) => alphas.map((__, j) => grid[i * alphas.length + j][0])),
    };
  }
  return result;
}
