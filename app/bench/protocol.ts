/** Messages between the benchmark page and its worker (one worker per backend configuration). */
import type { BenchRecord } from '../../src/bench/measure';
import type { PtqBenchRecord } from '../../src/bench/ptq';

export interface BenchConfig {
  backend: 'wasm' | 'webgl' | 'cpu';
  /** wasm only: false forces the non-SIMD binary. */
  simd: boolean;
  quick: boolean;
  /** wasm only: true runs XNNPACK on the thread pool the lab would use (app/worker/backend.ts). */
  threads?: boolean;
  /** What to time: training steps/s (default) or the post-training passes on the CNN. */
  task?: 'training' | 'ptq';
}

export type BenchEvent =
  | { type: 'record'; record: BenchRecord }
  | { type: 'ptq'; record: PtqBenchRecord }
  | { type: 'skipped'; reason: string }
  | { type: 'done' };
