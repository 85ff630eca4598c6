/**
 * Pruning by masking (docs/prune.md §3): a pruned unit's weights, bias, BN γ and β and the next
 * layer's weights that read it are held at zero — set once, then again after every optimizer step
 * of the fine-tuning (a trainer plugin), so neither Adam's moments nor weight decay revive them.
 * A unit with zero kernel, bias, γ and β outputs exactly 0 after BN and ReLU whatever its running
 * statistics, so the masked model computes what the physically narrower one would.
 */
import * as tf from '@tensorflow/tfjs';
import type { QuantModel } from '../models/build';
import type { TrainerPlugin, TrainerPluginFactory } from '../train/plugins';
import { kernelKeep, pruneGroups, type PruneMask } from './groups';

/** One variable and its 0/1 mask (same shape). */
export interface MaskedVariable {
  variable: tf.Variable;
  mask: tf.Tensor;
}

/** The masks `mask` puts on `model`'s variables (new tensors: dispose with {@link disposeMasks}). */
export function maskTensors(model: QuantModel, mask: PruneMask): MaskedVariable[] {
  const out: MaskedVariable[] = [];
  const specs = model.specs;
  const byLayer = new Map(pruneGroups(specs).map((g) => [g.layer, mask.get(g.name)]));
  model.layers.forEach((layer, i) => {
    const own = byLayer.get(i);
    const input = byLayer.get(i - 1);
    if (!own && !input) return;
    const shape = layer.weight.shape;
    out.push({ variable: layer.weight, mask: tf.tensor(kernelKeep(shape, own, input), shape) });
    if (!own) return;
    const channel = tf.tensor1d(own.map((k) => (k ? 1 : 0)));
    if (layer.bias) out.push({ variable: layer.bias, mask: channel.clone() });
    if (layer.bn) {
      out.push({ variable: layer.bn.gamma, mask: channel.clone() });
      out.push({ variable: layer.bn.beta, mask: channel.clone() });
    }
    channel.dispose();
  });
  return out;
}

/** Multiplies every masked variable by its mask. */
export function applyMasks(masks: readonly MaskedVariable[]): void {
  tf.tidy(() => masks.forEach(({ variable, mask }) => variable.assign(tf.mul(variable, mask))));
}

export function disposeMasks(masks: readonly MaskedVariable[]): void {
  tf.dispose(masks.map((m) => m.mask));
}

/**
 * A trainer plugin that prunes the trainer's model by `mask` when it is made (before the first
 * step) and re-applies the masks after every optimizer step.
 */
export function pruneMaskPlugin(mask: PruneMask): TrainerPluginFactory {
  return (ctx) => {
    const masks = maskTensors(ctx.model, mask);
    applyMasks(masks);
    const plugin: TrainerPlugin = {
      name: 'prune-mask',
      afterStep: () => applyMasks(masks),
      dispose: () => disposeMasks(masks),
    };
    return plugin;
  };
}
