/**
 * AdaRound (Nagel et al. 2020), one layer (docs/ptq.md; defaults as AIMET's implementation, the
 * iteration count scaled to MNIST-sized layers).
 *
 * Each weight rounds down or up: W̃ = s·(clamp(⌊W/s⌋ + h(V) + z, qmin, qmax) − z), with the
 * rectified sigmoid h(V) = clip(σ(V)·(ζ − γ) + γ, 0, 1), ζ = 1.1, γ = −0.1, and V initialized so that
 * h(V₀) is the fractional part of W/s. V minimizes the layer-output reconstruction error
 *
 *   mean over samples (and positions) of ‖Y(W̃) − Y(W)‖² over output channels
 *   + λ · Σ (1 − |2h(V) − 1|^β),
 *
 * λ = 0.01, the rounding term off for the first 20% of iterations, β annealed 20 → 2 by a cosine
 * after that; Adam at 10⁻³ on batches of 32. At the end each weight takes ⌊W/s⌋ + [V ≥ 0].
 */
import * as tf from '@tensorflow/tfjs';
import { permutation, type Rng } from '../tensor/rng';

const ZETA = 1.1;
const GAMMA = -0.1;

export interface AdaRoundOptions {
  /** Optimization steps for this layer (AIMET: 10,000). */
  iterations: number;
  /** Adam learning rate on V. */
  lr: number;
  /** λ, the weight of the rounding regularizer. */
  regWeight: number;
  /** β at the start and at the end of the annealing. */
  betaStart: number;
  betaEnd: number;
  /** Share of iterations before the regularizer switches on. */
  warmStart: number;
  batchSize: number;
}

export const ADAROUND_DEFAULTS: AdaRoundOptions = {
  iterations: 1000,
  lr: 1e-3,
  regWeight: 0.01,
  betaStart: 20,
  betaEnd: 2,
  warmStart: 0.2,
  batchSize: 32,
};

/** One layer's problem: its float weight, its grid, its op, and the data to reconstruct. */
export interface AdaRoundLayer {
  weight: tf.Tensor;
  /** Scale, broadcastable against `weight` (per-tensor [1] or per output channel). */
  scale: tf.Tensor;
  /** Zero point, same shape as scale (0 for a symmetric grid). */
  zeroPoint: tf.Tensor;
  qmin: number;
  qmax: number;
  /** The layer's linear output for inputs x and weight w (bias included), channels last. */
  linear: (x: tf.Tensor, w: tf.Tensor) => tf.Tensor;
  /** Inputs the quantized model feeds this layer, [N, ...]. */
  inputs: tf.Tensor;
  /** The float layer's outputs the rounding should reconstruct, [N, ..., C]. */
  targets: tf.Tensor;
}

export interface AdaRoundResult {
  /** The rounded, dequantized weight (new tensor, caller owns). */
  weight: tf.Tensor;
  /** Weights whose rounding differs from round-to-nearest. */
  flipped: number;
  /** Reconstruction error (first term) at the start and at the end, on the whole set. */
  reconstructionBefore: number;
  reconstructionAfter: number;
  /** Total loss at each tenth of the iterations (the curve the tests check falls). */
  losses: number[];
}

/** β at iteration `t` (cosine from betaStart to betaEnd after the warm start). */
export function annealedBeta(t: number, o: AdaRoundOptions): number {
  const warm = o.warmStart * o.iterations;
  const rel = (t - warm) / (o.iterations - warm);
  return o.betaEnd + 0.5 * (o.betaStart - o.betaEnd) * (1 + Math.cos(rel * Math.PI));
}

/** h(V), the rectified sigmoid. */
export function rectifiedSigmoid(v: tf.Tensor): tf.Tensor {
  return tf.clipByValue(
    tf
      .sigmoid(v)
      .mul(ZETA - GAMMA)
      .add(GAMMA),
    0,
    1,
  );
}

/** mean ‖a − b‖² over the last axis. */
function reconstruction(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  return tf.squaredDifference(a, b).sum(-1).mean();
}

/**
 * Rows `rows` of a [N, ...] tensor whose values are `values`, as a new tensor. Copied on the JS side:
 * tfjs-wasm's GatherV2 took half of an AdaRound iteration on the CNN's second conv (Node, measured).
 */
function takeRows(values: Float32Array, shape: readonly number[], rows: Int32Array): tf.Tensor {
  const size = values.length / shape[0]!;
  const out = new Float32Array(rows.length * size);
  rows.forEach((r, i) => out.set(values.subarray(r * size, (r + 1) * size), i * size));
  return tf.tensor(out, [rows.length, ...shape.slice(1)]);
}

/** Learns the rounding of one layer; see the file header. Disposes nothing it was given. */
export function adaroundLayer(
  layer: AdaRoundLayer,
  rng: Rng,
  options: Partial<AdaRoundOptions> = {},
): AdaRoundResult {
  const o = { ...ADAROUND_DEFAULTS, ...options };
  const { scale, zeroPoint, qmin, qmax } = layer;
  const floorW = tf.tidy(() => tf.floor(layer.weight.div(scale)));
  const v = tf.variable(
    tf.tidy(() => {
      const rest = layer.weight.div(scale).sub(floorW);
      // h(V₀) = rest ⇔ σ(V₀) = (rest − γ)/(ζ − γ).
      return tf.neg(
        tf.log(
          tf
            .scalar(ZETA - GAMMA)
            .div(rest.sub(GAMMA))
            .sub(1),
        ),
      );
    }),
    true,
  );
  const dequant = (h: tf.Tensor) =>
    tf.clipByValue(floorW.add(h).add(zeroPoint), qmin, qmax).sub(zeroPoint).mul(scale);
  const hard = () => tf.tidy(() => dequant(v.greaterEqual(0).cast('float32')));
  const fullError = (w: tf.Tensor) =>
    tf.tidy(() => reconstruction(layer.linear(layer.inputs, w), layer.targets).dataSync()[0]!);
  const optimizer = tf.train.adam(o.lr);
  const n = layer.inputs.shape[0]!;
  const inputValues = layer.inputs.dataSync() as Float32Array;
  const targetValues = layer.targets.dataSync() as Float32Array;
  const losses: number[] = [];
  let order = permutation(n, rng);
  let cursor = 0;
  // Round-to-nearest as an offset from the floor (0 or 1; tf.round breaks ties to even).
  const nearest = tf.tidy(() => tf.round(layer.weight.div(scale)).sub(floorW));
  const nearestWeight = tf.tidy(() => dequant(nearest));
  const reconstructionBefore = fullError(nearestWeight);
  nearestWeight.dispose();
  try {
    for (let t = 0; t < o.iterations; t += 1) {
      if (cursor + o.batchSize > n) {
        order = permutation(n, rng);
        cursor = 0;
      }
      const rows = order.subarray(cursor, cursor + Math.min(o.batchSize, n));
      const x = takeRows(inputValues, layer.inputs.shape, rows);
      const y = takeRows(targetValues, layer.targets.shape, rows);
      cursor += o.batchSize;
      const regOn = t >= o.warmStart * o.iterations;
      const beta = regOn ? annealedBeta(t, o) : 0;
      const loss = optimizer.minimize(
        () => {
          const h = rectifiedSigmoid(v);
          const recon = reconstruction(layer.linear(x, dequant(h)), y);
          if (!regOn) return recon;
          const reg = tf.sub(1, tf.pow(tf.abs(h.mul(2).sub(1)), beta)).sum();
          return recon.add(reg.mul(o.regWeight)) as tf.Scalar;
        },
        true,
        [v],
      );
      tf.dispose([x, y]);
      if (t % Math.max(1, Math.floor(o.iterations / 10)) === 0 || t === o.iterations - 1)
        losses.push(loss!.dataSync()[0]!);
      loss?.dispose();
    }
    const weight = hard();
    const flipped = tf.tidy(
      () => tf.notEqual(nearest, v.greaterEqual(0).cast('float32')).sum().dataSync()[0]!,
    );
    return { weight, flipped, reconstructionBefore, reconstructionAfter: fullError(weight), losses };
  } finally {
    optimizer.dispose();
    tf.dispose([v, floorW, nearest]);
  }
}
