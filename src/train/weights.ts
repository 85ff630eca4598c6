/**
 * Export of a model's quantized weights (`--save-weights`, histograms): integer codes and scales
 * per layer, such that w_q = scale[c]·(code − zeroPoint[c]) along the layer's channel axis.
 */
import * as tf from '@tensorflow/tfjs';
import { FLOAT_BITS } from '../experiment/schema';
import type { QuantModel } from '../models/build';
import type { RunResult } from './types';

/** The `weights` field of a run result. */
export type WeightExport = NonNullable<RunResult['weights']>;

/**
 * Reads every layer's weight codes, scales and zero points. A float (32-bit) layer exports its
 * latent float values as `codes` with scale 1 and zero point 0, so the formula above still holds.
 */
export async function exportWeights(model: QuantModel): Promise<WeightExport> {
  const out: WeightExport = {};
  for (const layer of model.layers) {
    const q = layer.quantizers.weight;
    const bits = layer.spec.weightBits;
    const [codes, scale, zeroPoint] = tf.tidy(() =>
      bits >= FLOAT_BITS
        ? [tf.clone(layer.weight), tf.ones([1]), tf.zeros([1])]
        : [q.toInt(layer.weight), q.scale(), q.zeroPoint()],
    );
    const [c, s, z] = await Promise.all([codes.data(), scale.data(), zeroPoint.data()]);
    tf.dispose([codes, scale, zeroPoint]);
    out[layer.spec.name] = {
      shape: [...layer.spec.weightShape],
      codes: Array.from(c),
      scale: Array.from(s),
      zeroPoint: Array.from(z),
      bits,
    };
  }
  return out;
}
