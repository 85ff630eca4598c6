/**
 * The pruning units of a model (docs/prune.md §2): the output channels of every dense or conv
 * layer whose output feeds a dense or conv layer. One unit of layer l is its output channel c —
 * the slice [..., c] of its kernel (a dense kernel [in, out] and a conv kernel [kh, kw, in, out]
 * both keep the output channel last), its bias b[c], its BN γ[c] and β[c] — together with the
 * next layer's weights that read it: the next kernel's input channel c (a dense kernel behind a
 * flatten reads channel c at every spatial position, rows r with r mod C = c, NHWC order).
 *
 * The classifier's output channels (the classes) are never units, nor are depthwise layers or the
 * layers that feed one (a depthwise channel is tied to its input channel). Pure: no tfjs.
 */
import type { LayerSpec } from '../models/spec';

/** One prunable layer: which layer, how many channels, and who reads them. */
export interface PruneGroup {
  /** Index of the layer in the model's layer list. */
  layer: number;
  name: string;
  /** Output channels (the units). */
  channels: number;
  /** Weights of one unit in this layer's kernel (what HAP's trace is normalised by). */
  unitWeights: number;
}

const PRUNABLE_KINDS = new Set(['dense', 'conv']);

/** The prunable layers of a model, in forward order. */
export function pruneGroups(specs: readonly LayerSpec[]): PruneGroup[] {
  const groups: PruneGroup[] = [];
  specs.forEach((spec, i) => {
    const next = specs[i + 1];
    if (!next || !PRUNABLE_KINDS.has(spec.kind) || !PRUNABLE_KINDS.has(next.kind)) return;
    groups.push({
      layer: i,
      name: spec.name,
      channels: spec.outChannels,
      unitWeights: spec.weightCount / spec.outChannels,
    });
  });
  return groups;
}

/** Which units survive: one keep flag per channel of every group (true: kept). */
export type PruneMask = Map<string, boolean[]>;

/**
 * Keep flags (1 kept, 0 pruned) of a kernel of `shape` whose last axis is the output channel:
 * `out` masks its output channels, `input` the inputs that read a pruned unit of the layer before.
 * Flattened over all but the last axis, input index r reads channel r mod C (C = input.length): a
 * conv kernel's [kh, kw, C] and a dense kernel's rows behind an NHWC flatten [h, w, C] alike.
 */
export function kernelKeep(
  shape: readonly number[],
  out: readonly boolean[] | undefined,
  input: readonly boolean[] | undefined,
): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const outC = shape[shape.length - 1];
  const keep = new Float32Array(size).fill(1);
  for (let j = 0; j < size; j += 1) {
    if (out && !out[j % outC]) keep[j] = 0;
    if (input && !input[Math.floor(j / outC) % input.length]) keep[j] = 0;
  }
  return keep;
}

/** Units kept per group (at least one each, by construction of the selection). */
export function keptCounts(mask: PruneMask): Map<string, number> {
  return new Map([...mask].map(([name, keep]) => [name, keep.filter(Boolean).length]));
}
