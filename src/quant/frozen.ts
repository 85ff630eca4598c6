/**
 * Frozen-weight store behind Quantizer.freeze (docs/science.md §2): keeps keep = 1 − mask and
 * codes = mask·codes in two variables so the forward pass costs one mul and one add.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { FrozenCodes } from './fakeQuant';

/** Owner of the frozen set of one quantizer. */
export interface FrozenStore {
  /** The current set, or null when nothing is frozen. */
  readonly current: FrozenCodes | null;
  /** Replaces the set (copies the inputs; the caller keeps ownership). */
  set(mask: tf.Tensor, codes: tf.Tensor): void;
  /**
   * Uses the caller's `keep` and `codes` by reference (no copy): the caller owns them and updates
   * them with `assign`, which the next apply sees. `clear` then forgets them without disposing.
   */
  share(state: FrozenCodes): void;
  /** Frees the set (or forgets a shared one). */
  clear(): void;
}

/** An empty frozen store. */
export function createFrozenStore(): FrozenStore {
  let vars: { keep: tf.Variable; codes: tf.Variable } | null = null;
  let shared: FrozenCodes | null = null;
  const disposeOwn = () => {
    vars?.keep.dispose();
    vars?.codes.dispose();
    vars = null;
  };
  return {
    get current() {
      return shared ?? vars;
    },
    share(state) {
      disposeOwn();
      shared = state;
    },
    set(mask, codes) {
      shared = null;
      tf.tidy(() => {
        const m = tf.cast(mask, 'float32');
        const keep = tf.sub(1, m);
        const frozenCodes = tf.mul(m, tf.cast(codes, 'float32'));
        if (vars && vars.keep.shape.join() === keep.shape.join()) {
          vars.keep.assign(keep);
          vars.codes.assign(frozenCodes);
        } else {
          disposeOwn();
          vars = { keep: tf.variable(keep, false), codes: tf.variable(frozenCodes, false) };
        }
      });
    },
    clear() {
      disposeOwn();
      shared = null;
    },
  };
}
