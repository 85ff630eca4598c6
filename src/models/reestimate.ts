/**
 * BN re-estimation (docs/science.md §2, after the Qualcomm oscillations code): run N training batches with
 * BN in train mode (batch statistics) and average the per-batch means and variances. Weight
 * oscillations shift the output statistics, so the EMA running statistics collected during
 * training lag behind the final weights; re-estimated statistics match them.
 *
 * Quantizers stay in evaluation mode here, so only the BN statistics differ from a plain
 * evaluation, and the model's running statistics are left untouched: the caller evaluates with
 * the returned statistics and disposes them (both numbers are reported side by side).
 */
import * as tf from '@tensorflow/tfjs';
import type { BnStats } from './batchnorm';
import type { QuantModel } from './build';
import { forward } from './forward';

/** Re-estimated statistics by BN layer name; each tensor is [C] and owned by the caller. */
export type BnStatsMap = Map<string, BnStats>;

/** True when the model has at least one BN layer (re-estimation is a no-op otherwise). */
export function hasBatchNorm(model: QuantModel): boolean {
  return model.layers.some((l) => l.bn);
}

/**
 * Averages BN batch statistics over `batches` batches. `getBatch(i)` returns images [N, 784] in
 * [0, 1]; it is called inside a tidy, so it may allocate freely.
 */
export function reestimateBatchNorm(
  model: QuantModel,
  batches: number,
  getBatch: (i: number) => tf.Tensor2D,
): BnStatsMap {
  const sums: BnStatsMap = new Map();
  if (!hasBatchNorm(model) || batches < 1) return sums;
  const accumulate = (name: string, stats: BnStats) => {
    const prev = sums.get(name);
    // keep(): the sums must outlive the tidy of the batch that produced them.
    sums.set(name, {
      mean: tf.keep(prev ? tf.add(prev.mean, stats.mean) : tf.clone(stats.mean)),
      variance: tf.keep(prev ? tf.add(prev.variance, stats.variance) : tf.clone(stats.variance)),
    });
    if (prev) disposeBnStats(new Map([[name, prev]]));
  };
  for (let i = 0; i < batches; i += 1) {
    tf.tidy(() => {
      forward(model, getBatch(i), { training: false, collectBnStats: accumulate });
    });
  }
  const averaged: BnStatsMap = new Map();
  for (const [name, sum] of sums) {
    averaged.set(
      name,
      tf.tidy(() => ({
        mean: tf.div(sum.mean, batches) as tf.Tensor1D,
        variance: tf.div(sum.variance, batches) as tf.Tensor1D,
      })),
    );
  }
  disposeBnStats(sums);
  return averaged;
}

/** Disposes every tensor of a statistics map. */
export function disposeBnStats(stats: BnStatsMap): void {
  for (const { mean, variance } of stats.values()) tf.dispose([mean, variance]);
}
