/**
 * Twin-run comparison (docs/science.md §1): two copies of one experiment from the same seed and batch
 * order that differ only in the gradient estimator. The "STE side" is the main run (under SGD it
 * may get lr·α and init M(w0)); the "GE side" uses `experiment.twin.estimator`.
 *
 * ```
 * agreement      = mean over all weights of [Q(w_STE) == Q(w_GE)]   (integer codes)
 * alignmentError = ‖M(w_GE) − w_STE‖ / ‖w_STE‖   (mapped, SGD)  |  ‖w_GE − w_STE‖ / ‖w_STE‖
 * signAgreement  = mean of [sign(w_STE) == sign(w_GE)]             (latent weights)
 * ```
 * Norms and means run over all compared layers together (one number per twin pair).
 *
 * M acts in units of the grid step: u = w/s, M(w) = s·M_u(u). Zero points are integers, so the bin
 * lattice in u is the same for every z and M_u needs no z.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EstimatorMapping } from '../estimators/mapping';
import type { TwinPoint } from './types';
import { broadcastChannels } from './dampening';

/** One twin's tensors to compare, layer by layer in the same order on both sides. */
export interface TwinSide {
  /** Latent weights per layer. */
  latents: tf.Tensor[];
  /** Integer codes per layer (what the forward pass uses). */
  codes: tf.Tensor[];
}

/** Order of the entries of {@link twinMetricsTensor}. */
export const TWIN_FIELDS = ['agreement', 'alignmentError', 'signAgreement'] as const;

/** A map in code units u = w/s (M_u of docs/science.md §1), elementwise on a tensor. */
export type CodeUnitMap = (u: tf.Tensor) => tf.Tensor;

/**
 * M_u as a tensor op, from the integral table of src/estimators/mapping.ts (`computeMapping`): the
 * same piecewise-linear lookup as its `mapValue`, so α and M have one source. The returned map
 * owns one small tensor (the table): call `dispose` when done.
 */
export function tensorCodeMap(mapping: EstimatorMapping): CodeUnitMap & { dispose(): void } {
  const n = mapping.cumulative.length - 1;
  const table = tf.tensor1d(Float32Array.from(mapping.cumulative));
  const map = (u: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      // ub = the rounding threshold below u; t = position in the bin in table intervals.
      const ub = tf.add(tf.floor(tf.sub(u, 0.5)), 0.5);
      const t = tf.mul(tf.sub(u, ub), n);
      // Clip, not just min: in float32, u − ½ can round onto the integer above (u = −1.5000001
      // gives −2), putting u a hair below ub and t below 0; M(u) ≈ ub is then right to ~1e-7.
      const i = tf.clipByValue(tf.floor(t), 0, n - 1);
      const lo = tf.gather(table, tf.cast(i, 'int32'));
      const hi = tf.gather(table, tf.cast(tf.add(i, 1), 'int32'));
      const f = tf.add(lo, tf.mul(tf.sub(t, i), tf.sub(hi, lo)));
      return tf.minimum(tf.add(ub, tf.mul(f, mapping.alpha)), tf.add(ub, 1));
    });
  return Object.assign(map, { dispose: () => table.dispose() });
}

/**
 * Applies M to latent weights with scale `scale` ([1] or [C] along `channelAxis`):
 * M(w) = s·M_u(w/s). Returns a new tensor (call inside a tidy).
 */
export function mapLatent(w: tf.Tensor, scale: tf.Tensor, channelAxis: number, mapU: CodeUnitMap): tf.Tensor {
  const s = broadcastChannels(scale, w.shape, channelAxis);
  return tf.mul(mapU(tf.div(w, s)), s);
}

/**
 * The three comparison metrics as one float32 tensor [3] in {@link TWIN_FIELDS} order, for one
 * readback. `mappedGe` (optional) are the GE latents already passed through M; the alignment error
 * then compares M(w_GE) with w_STE. The caller owns the result.
 */
export function twinMetricsTensor(ste: TwinSide, ge: TwinSide, mappedGe?: tf.Tensor[]): tf.Tensor1D {
  if (ste.latents.length !== ge.latents.length || ste.codes.length !== ge.codes.length) {
    throw new Error('twin sides must compare the same layers');
  }
  return tf.tidy(() => {
    const flat = (ts: tf.Tensor[]) => tf.concat(ts.map((t) => tf.reshape(tf.cast(t, 'float32'), [-1])));
    const wSte = flat(ste.latents);
    const wGe = flat(mappedGe ?? ge.latents);
    const agreement = tf.mean(tf.cast(tf.equal(flat(ste.codes), flat(ge.codes)), 'float32'));
    const diff = tf.norm(tf.sub(wGe, wSte));
    // Guard the all-zero STE side (only possible at a degenerate init) against 0/0.
    const alignment = tf.div(diff, tf.maximum(tf.norm(wSte), 1e-12));
    const sign = tf.mean(tf.cast(tf.equal(tf.sign(wSte), tf.sign(flat(ge.latents))), 'float32'));
    return tf.stack([agreement, alignment, sign]) as tf.Tensor1D;
  });
}

/** Decodes a read-back {@link twinMetricsTensor} into a {@link TwinPoint}. */
export function twinPointFromArray(
  step: number,
  values: ArrayLike<number>,
  offset = 0,
  accuracyGap?: number,
): TwinPoint {
  const point: TwinPoint = {
    step,
    agreement: values[offset],
    alignmentError: values[offset + 1],
    signAgreement: values[offset + 2],
  };
  if (accuracyGap !== undefined) point.accuracyGap = accuracyGap;
  return point;
}

/** Computes and reads the metrics back (one readback; report steps only). */
export async function compareTwins(
  step: number,
  ste: TwinSide,
  ge: TwinSide,
  mappedGe?: tf.Tensor[],
): Promise<TwinPoint> {
  const t = twinMetricsTensor(ste, ge, mappedGe);
  const values = await t.data();
  t.dispose();
  return twinPointFromArray(step, values);
}
