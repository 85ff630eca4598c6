/**
 * Seeded randomness, always passed explicitly (docs/style.md rule 8: never patch Math.random). One
 * experiment seed is split into named, independent streams (init, data order, BN re-estimation)
 * so that adding a consumer of one stream never shifts the numbers of another.
 */
import seedrandom from 'seedrandom';

/** A seeded uniform generator: each call returns a float in [0, 1). */
export type Rng = () => number;

/**
 * Creates a generator for `seed` and an optional stream name. Same arguments ⇒ same sequence, on
 * every platform (seedrandom's Alea is pure JS arithmetic).
 */
export function createRng(seed: number | string, stream = ''): Rng {
  const prng = seedrandom.alea(`${seed}/${stream}`);
  return () => prng.double();
}

/** A uniform integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** Shuffles `items` in place (Fisher–Yates) and returns it. */
export function shuffleInPlace<A extends { length: number; [i: number]: number }>(items: A, rng: Rng): A {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = randomInt(rng, i + 1);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}

/** A random permutation of 0..n−1. */
export function permutation(n: number, rng: Rng): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i += 1) out[i] = i;
  return shuffleInPlace(out, rng);
}

/** `count` uniform samples in [low, high). */
export function uniformArray(rng: Rng, count: number, low: number, high: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 1) out[i] = low + (high - low) * rng();
  return out;
}

/** `count` standard-normal samples (Box–Muller; 1 − u keeps log() away from 0). */
export function normalArray(rng: Rng, count: number, std = 1): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rng()));
    const theta = 2 * Math.PI * rng();
    out[i] = std * r * Math.cos(theta);
    if (i + 1 < count) out[i + 1] = std * r * Math.sin(theta);
  }
  return out;
}
