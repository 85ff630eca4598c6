/**
 * Which quantizer scheme a layer's weights get in post-training quantization (docs/ptq.md §8).
 *
 * By default every layer uses the experiment's weight quantizer. With `heterogeneous` (PikeLPN's
 * distribution-heterogeneous quantization, whose per-type assignment is not public), separable
 * convolutions get the lab's own defaults: depthwise weights per channel with min-max ranges (nine
 * weights per channel, ranges that differ by orders of magnitude across channels), pointwise
 * weights per channel with the MSE range (many weights per channel, long-tailed). Other layers keep
 * the experiment's scheme.
 */
import type { Experiment, QuantizerConfig } from '../experiment/schema';
import type { LayerSpec } from '../models/spec';

/** A short label such as `per-channel minmax`. */
export type PtqScheme = string;

export function quantizerScheme(
  exp: Experiment,
  spec: LayerSpec,
  heterogeneous: boolean,
): { config: QuantizerConfig; label: PtqScheme } {
  let config: QuantizerConfig = { ...exp.quant.weight, bits: spec.weightBits };
  if (heterogeneous && spec.kind === 'depthwise') config = { ...config, perChannel: true, range: 'minmax' };
  else if (heterogeneous && spec.kind === 'conv' && spec.kernel === 1)
    config = { ...config, perChannel: true, range: 'mse' };
  return { config, label: `${config.perChannel ? 'per-channel' : 'per-tensor'} ${config.range}` };
}
