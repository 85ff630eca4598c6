/**
 * Sweeps (docs/science.md §4): grids, the Pareto frontier, a concurrency pool and sweep files. Pure and
 * browser-safe; the Node child-process runner is in ./nodePool (import it directly, Node only).
 */
export * from './grid';
export * from './pareto';
export * from './pool';
export * from './types';
export * from './file';
export * from './aggregate';
