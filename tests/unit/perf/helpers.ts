/**
 * Shared helpers of the performance-op tests: seeded random tensors and the max |difference| of an
 * op's value and gradients against a straightforward reference, under Σ(op·r) with random r.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll } from 'vitest';
import { initBackend } from '../../../src/tensor/backend';
import { createRng, normalArray } from '../../../src/tensor/rng';

const rng = createRng(11, 'perf-ops-test');

/** Standard-normal tensor of `shape` (seeded, deterministic across runs). */
export function randn(shape: number[]): tf.Tensor {
  return tf.tensor(
    normalArray(
      rng,
      shape.reduce((a, b) => a * b, 1),
    ),
    shape,
  );
}

/** Max |a − b| (reads back; for tests). */
export function maxAbs(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/**
 * Max |difference| of the values and of every input's gradient of Σ(f(inputs)·r) between
 * `custom` and `reference`, evaluated on the same `inputs`; `gradScale` is each reference
 * gradient's max |entry| (float32 sums over 10⁴ terms differ by ulps of that size).
 */
export function compareWithGrads(
  custom: (...xs: tf.Tensor[]) => tf.Tensor,
  reference: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: tf.Tensor[],
): { value: number; grads: number[]; gradScale: number[] } {
  return tf.tidy(() => {
    const r = randn(reference(...inputs).shape);
    const loss =
      (f: typeof custom) =>
      (...xs: tf.Tensor[]) =>
        tf.sum(tf.mul(f(...xs), r)) as tf.Scalar;
    const gc = tf.grads(loss(custom))(inputs);
    const gr = tf.grads(loss(reference))(inputs);
    return {
      value: maxAbs(custom(...inputs), reference(...inputs)),
      grads: gc.map((g, i) => maxAbs(g, gr[i])),
      gradScale: gr.map((g) => tf.max(tf.abs(g)).dataSync()[0]),
    };
  });
}

/** The backends every perf-op test runs on: cpu (every stock kernel) and wasm (the lab's default). */
export const BACKENDS = ['cpu', 'wasm'] as const;

/** Runs the enclosing describe block on wasm and restores the previous backend afterwards. */
export function useWasmBackend(): void {
  let before = '';
  beforeAll(async () => {
    before = tf.getBackend();
    await initBackend('wasm');
  });
  afterAll(async () => {
    if (before) await tf.setBackend(before);
  });
}
