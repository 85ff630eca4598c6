/**
 * Frozen weights the optimizer may pin itself. A weight freezer (freezing.ts) registers a weight's
 * `keep` mask and `pinned` values here; the fused Adam (fusedAdam.ts) then writes
 * w ← w'·keep + pinned in the same kernel pass as its update and marks the pin applied, and the
 * freezer's restore skips its own two full-size ops for that step. Any optimizer that does not
 * (SGD, momentum, stock Adam off wasm) leaves the mark unset, and restore runs as before: same
 * float32 ops, same result (tests/unit/perf/fusedAdam.test.ts).
 */
import type * as tf from '@tensorflow/tfjs-core';

/** One registered pin: the freezer's variables (read at each update) and the applied mark. */
export interface WeightPin {
  keep: tf.Variable;
  pinned: tf.Variable;
  /** Set by an optimizer that pinned the weight in its last update; cleared by the restore. */
  applied: boolean;
}

const pins = new WeakMap<tf.Variable, WeightPin>();

/** Registers (or refreshes) the pin of `weight`. */
export function setPin(weight: tf.Variable, keep: tf.Variable, pinned: tf.Variable): void {
  const current = pins.get(weight);
  if (current?.keep === keep && current.pinned === pinned) return;
  pins.set(weight, { keep, pinned, applied: false });
}

/** Drops the pin of `weight` (its freezer is gone). */
export function clearPin(weight: tf.Variable): void {
  pins.delete(weight);
}

/** The pin of `weight`, if a freezer registered one. */
export function pinOf(weight: tf.Variable): WeightPin | undefined {
  return pins.get(weight);
}
