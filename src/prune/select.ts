/**
 * Which units to prune (docs/prune.md §1): one global ranking across layers, as HAP's reference
 * (`_do_prune`: a single threshold over every layer's scores), the lowest ⌊S·N⌋ of the N units
 * pruned, with a per-layer cap: at most {@link LAYER_PRUNE_LIMIT} of a layer's units and never its
 * last one. Where the cap stops a layer, the next-lowest unit of another layer is pruned instead,
 * so the model loses exactly ⌊S·N⌋ units whenever the caps allow it. Pure.
 */
import type { PruneGroup, PruneMask } from './groups';
import type { ChannelScores } from './scores';

/** HAP's `prune_ratio_limit`: the largest share of one layer's units pruned. */
export const LAYER_PRUNE_LIMIT = 0.95;

/** Units to prune for `sparsity` of `total` prunable units. */
export function pruneCount(sparsity: number, total: number): number {
  return Math.floor(sparsity * total + 1e-9);
}

/**
 * The keep flags of every group: the lowest-scoring units pruned globally (ties: the earlier
 * layer, then the lower channel index) until ⌊S·N⌋ are gone or every layer is at its cap.
 */
export function selectUnits(
  groups: readonly PruneGroup[],
  scores: ChannelScores,
  sparsity: number,
): PruneMask {
  if (!(sparsity > 0 && sparsity < 1)) throw new Error(`sparsity must be in (0, 1), got ${sparsity}`);
  const units = groups.flatMap((g, k) => {
    const s = scores.get(g.name);
    if (!s || s.length !== g.channels) throw new Error(`no score for every channel of ${g.name}`);
    return s.map((score, c) => ({ k, c, score }));
  });
  units.sort((a, b) => a.score - b.score || a.k - b.k || a.c - b.c);
  const caps = groups.map((g) => Math.min(Math.floor(LAYER_PRUNE_LIMIT * g.channels), g.channels - 1));
  const pruned = groups.map(() => 0);
  const keep = groups.map((g) => new Array<boolean>(g.channels).fill(true));
  let left = pruneCount(sparsity, units.length);
  for (const u of units) {
    if (left === 0) break;
    if (pruned[u.k] >= caps[u.k]) continue;
    keep[u.k][u.c] = false;
    pruned[u.k] += 1;
    left -= 1;
  }
  return new Map(groups.map((g, k) => [g.name, keep[k]]));
}

/** The pruned channel indices of each group, ascending. */
export function prunedIndices(keep: readonly boolean[]): number[] {
  return keep.flatMap((k, c) => (k ? [] : [c]));
}
