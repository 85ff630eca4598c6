/**
 * Frozen-weight store behind Quantizer.freeze (SCIENCE §2): keeps keep = 1 − mask and
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
  /** Frees the set. */
  clear(): void;
}

/** An empty frozen store. */
export function createFrozenStore(): FrozenStore {
  let vars: { keep: tf.Variable; codes: tf.Variable } | null = null;
  return {
    get current() {
      return vars;
    },
    set(mask, codes) {
      tf.tidy(() => {
        const m = tf.cast(mask, 'float32');
        const keep = tf.sub(1, m);
        const frozenCodes = tf.mul(m, tf.cast(codes, 'float32'));
        if (vars && vars.keep.shape.join() === keep.shape.join()) {
          vars.keep.assign(keep);
          vars.codes.assign(frozenCodes);
        } else {
          vars?.keep.dispose();
          vars?.codes.dispose();
          vars = { keep: tf.variable(keep, false), codes: tf.variable(frozenCodes, false) };
        }
      });
    },
    clear() {
      vars?.keep.dispose();
      vars?.codes.dispose();
      vars = null;
    },
  };
}
