/**
 * Test helpers shared by every suite that touches tensors (real tfjs, cpu backend, no mocks).
 *
 * - `useCpuBackend()` in a `beforeAll`: selects the pure-JS backend (deterministic, always present).
 * - `expectNoLeak(fn)`: tf.memory().numTensors is the same before and after `fn` (tfjs-core's own
 *   leak-test pattern). `warmup` runs first, unmeasured, for lazily created state (variables).
 * - `expectClose(actual, expected, tol)`: elementwise |a − e| ≤ tol for tensors, arrays or numbers.
 */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

/** Selects the cpu backend; call in beforeAll. */
export async function useCpuBackend(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/** Options of {@link expectNoLeak}. */
export interface NoLeakOptions {
  /** Unmeasured calls of fn before measuring (lazy init). Default 1. */
  warmup?: number;
  /** Measured calls of fn. Default 3. */
  repeats?: number;
  /** Tensors each measured call may leave behind on purpose (e.g. a returned tensor). Default 0. */
  allowedPerCall?: number;
}

/**
 * Asserts that `fn` leaves tf.memory().numTensors unchanged (beyond `allowedPerCall` per call).
 * Works for sync and async fn.
 */
export async function expectNoLeak(fn: () => unknown, opts: NoLeakOptions = {}): Promise<void> {
  const { warmup = 1, repeats = 3, allowedPerCall = 0 } = opts;
  for (let i = 0; i < warmup; i++) await fn();
  const before = tf.memory().numTensors;
  for (let i = 0; i < repeats; i++) await fn();
  expect(tf.memory().numTensors - before, 'tensors leaked').toBe(allowedPerCall * repeats);
}

type Numeric = tf.Tensor | ArrayLike<number> | number;

function toArray(x: Numeric): number[] {
  if (typeof x === 'number') return [x];
  if (x instanceof tf.Tensor) return Array.from(x.dataSync());
  return Array.from(x);
}

/**
 * Elementwise closeness: |actual − expected| ≤ tol everywhere, same length. A number `expected`
 * is broadcast against every element of `actual`. Reads tensors synchronously (tests only).
 */
export function expectClose(actual: Numeric, expected: Numeric, tol = 1e-5): void {
  const a = toArray(actual);
  const e = typeof expected === 'number' && a.length > 1 ? a.map(() => expected) : toArray(expected);
  expect(a.length, 'length').toBe(e.length);
  const bad = a.findIndex((v, i) => !(Math.abs(v - e[i]) <= tol));
  if (bad >= 0) {
    expect.fail(
      `element ${bad}: ${a[bad]} vs ${e[bad]} (tol ${tol})\nactual:   [${a.join(', ')}]\nexpected: [${e.join(', ')}]`,
    );
  }
}
