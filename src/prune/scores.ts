/**
 * How much each unit matters (docs/prune.md §1): HAP's second-order score and the magnitude
 * baseline, one number per output channel of every prunable layer (./groups.ts).
 *
 *   HAP:        s_c = (tr(H_cc) / n_c) · ‖w_c‖² / 2
 *   magnitude:  s_c = ‖w_c‖²            (HAP's score with the Hessian replaced by the identity)
 *
 * w_c are the n_c kernel weights of channel c, H_cc the block of the float loss's Hessian over
 * them. As HAP's reference, the Hessian is taken over every dense and conv kernel (no biases, no
 * BN), with BN in evaluation mode on one fixed batch, and tr(H_cc) by Hutchinson: one Rademacher
 * vector v over all kernels per probe, and tr(H_cc) ≈ mean over probes of v_c · (Hv)_c.
 */
import type { HessianBatch } from '../hessian/hvp';
import { createHvp } from '../hessian/hvp';
import { rademacher } from '../hessian/linalg';
import { traceFromSamples, type TraceEstimate } from '../hessian/spectrum';
import type { QuantModel } from '../models/build';
import { createRng } from '../tensor/rng';
import { pruneGroups } from './groups';

/** The scoring criteria; their names are the runner's `--method` values and the JSON's. */
export const PRUNE_METHODS = ['hap', 'magnitude'] as const;
export type PruneMethod = (typeof PRUNE_METHODS)[number];

/** Per prunable layer (by name), one score per output channel. */
export type ChannelScores = Map<string, number[]>;

/** Squared L2 norm of each output channel of a kernel whose last axis is the output channel. */
export function channelSquaredNorms(values: ArrayLike<number>, channels: number): number[] {
  const out = new Array<number>(channels).fill(0);
  for (let j = 0; j < values.length; j += 1) out[j % channels] += values[j] * values[j];
  return out;
}

/** Each prunable layer's kernel values, read back once. */
function kernels(model: QuantModel): Map<string, Float32Array> {
  return new Map(
    pruneGroups(model.specs).map((g) => [g.name, model.layers[g.layer].weight.dataSync() as Float32Array]),
  );
}

/** The magnitude baseline: ‖w_c‖² per channel. */
export function magnitudeScores(model: QuantModel): ChannelScores {
  const w = kernels(model);
  return new Map(
    pruneGroups(model.specs).map((g) => [g.name, channelSquaredNorms(w.get(g.name)!, g.channels)]),
  );
}

/**
 * Hutchinson estimates of tr(H_cc) for every output channel of every prunable layer, with their
 * standard errors, from `probes` Rademacher vectors over all kernels drawn with `seed`.
 */
export function channelTraces(
  model: QuantModel,
  batch: HessianBatch,
  probes: number,
  seed: number,
): Map<string, TraceEstimate[]> {
  const hvp = createHvp(model, batch, model.kernels());
  const groups = pruneGroups(model.specs);
  const samples = groups.map((g) => Array.from({ length: g.channels }, () => [] as number[]));
  const rng = createRng(seed, 'prune-trace');
  for (let p = 0; p < probes; p += 1) {
    const v = rademacher(rng, hvp.dim);
    const hv = hvp.apply(v);
    groups.forEach((g, k) => {
      const slice = hvp.slices[g.layer];
      const sums = new Array<number>(g.channels).fill(0);
      for (let j = 0; j < slice.size; j += 1) {
        const i = slice.offset + j;
        sums[j % g.channels] += v[i] * hv[i];
      }
      sums.forEach((s, c) => samples[k][c].push(s));
    });
  }
  return new Map(groups.map((g, k) => [g.name, samples[k].map((s) => traceFromSamples(s))]));
}

/** HAP's score per channel from traces: (tr(H_cc) / n_c) · ‖w_c‖² / 2. */
export function hapScores(model: QuantModel, traces: Map<string, TraceEstimate[]>): ChannelScores {
  const w = kernels(model);
  return new Map(
    pruneGroups(model.specs).map((g) => {
      const norms = channelSquaredNorms(w.get(g.name)!, g.channels);
      const t = traces.get(g.name)!;
      return [g.name, norms.map((n, c) => ((t[c].trace / g.unitWeights) * n) / 2)];
    }),
  );
}
