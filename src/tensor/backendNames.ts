/**
 * The tfjs backend names, in one place for the core, the runner and the app (no imports here, so the
 * page can use them without loading tfjs).
 */

/** The concrete backends, fastest first on a CPU-only machine (docs/performance.md §1); `auto` tries them in this order. */
export const CONCRETE_BACKENDS = ['wasm', 'webgl', 'cpu'] as const;
/** One of {@link CONCRETE_BACKENDS}. */
export type ConcreteBackend = (typeof CONCRETE_BACKENDS)[number];

/** Backends a run may ask for (`--backend`): a concrete one, or `auto` for the fastest available. */
export const BACKEND_NAMES = ['wasm', 'cpu', 'webgl', 'auto'] as const;
/** One of {@link BACKEND_NAMES}. */
export type BackendName = (typeof BACKEND_NAMES)[number];
