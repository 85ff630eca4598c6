/**
 * Per-layer quantizer statistics for a step report, gathered into one tensor so a report costs a
 * single readback (docs/performance.md: readback only at the reporting interval).
 */
import * as tf from '@tensorflow/tfjs';
import type { QuantModel } from '../models/build';
import type { LayerReport } from './types';

/** Numbers per layer in {@link layerStatsTensor}, in this order. */
export const LAYER_STATS = ['weightScale', 'weightZeroPoint', 'actScale', 'actClipFraction'] as const;

/**
 * [L·4] float tensor: per layer, the mean weight scale and zero point (over channels when
 * per-channel), the mean input-activation scale and the activation clip fraction of the last
 * training batch. Caller owns it.
 */
export function layerStatsTensor(model: QuantModel): tf.Tensor1D {
  return tf.tidy(() => {
    const parts = model.layers.flatMap(({ quantizers }) => [
      tf.mean(quantizers.weight.scale()),
      tf.mean(quantizers.weight.zeroPoint()),
      tf.mean(quantizers.act.scale()),
      tf.reshape(quantizers.act.clipFraction(), []),
    ]);
    return tf.stack(parts) as tf.Tensor1D;
  });
}

/** Turns the read-back values of {@link layerStatsTensor} into layer reports. */
export function toLayerReports(model: QuantModel, values: ArrayLike<number>): LayerReport[] {
  const n = LAYER_STATS.length;
  return model.layers.map((layer, i) => ({
    name: layer.spec.name,
    weightScale: values[i * n],
    weightZeroPoint: values[i * n + 1],
    actScale: values[i * n + 2],
    actClipFraction: values[i * n + 3],
  }));
}
