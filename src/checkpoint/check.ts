/**
 * Comparing a checkpoint's tensors with what a model or a trainer expects, and the one error type
 * the loading paths throw where a constructor cannot return a result (the trainer).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { NamedTensors } from '../quant/types';

/** A checkpoint that does not fit (message names what is wrong); thrown by `createTrainer` only. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

/** `[a,b]` for messages. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * The first tensor of `expected` that `found` lacks or holds with another shape or dtype, as a
 * message (names prefixed with `prefix`), or null when every one is there. Extra tensors in
 * `found` are not looked at.
 */
export function firstMismatch(expected: NamedTensors, found: NamedTensors, prefix = ''): string | null {
  for (const [name, want] of Object.entries(expected)) {
    const got: tf.Tensor | undefined = found[name];
    if (!got) return `missing tensor ${prefix}${name}`;
    if (got.shape.join() !== want.shape.join())
      return `tensor ${prefix}${name} has shape ${shapeText(got.shape)}, expected ${shapeText(want.shape)}`;
    if (got.dtype !== want.dtype) return `tensor ${prefix}${name} is ${got.dtype}, expected ${want.dtype}`;
  }
  return null;
}

/** The entries of `named` under `prefix`, with the prefix removed. */
export function underPrefix(named: NamedTensors, prefix: string): NamedTensors {
  const out: NamedTensors = {};
  for (const [name, t] of Object.entries(named))
    if (name.startsWith(prefix)) out[name.slice(prefix.length)] = t;
  return out;
}

/** `named` with every name prefixed by `prefix`. */
export function withPrefix(named: NamedTensors, prefix: string): NamedTensors {
  return Object.fromEntries(Object.entries(named).map(([name, t]) => [`${prefix}${name}`, t]));
}
