/** Messages between the benchmark page and its worker (one worker per backend configuration). */
import type { BenchRecord } from '../../src/bench/measure';
import type { PtqBenchRecord } from '../../src/bench/ptq';
import type { HessianBenchRecord } from '../../src/bench/hessian';

export interface BenchConfig {
  backend: 'wasm' | 'webgl' | 'cpu';
  /** wasm only: false forces the non-SIMD binary. */
  simd: boolean;
  quick: boolean;
  /** wasm only: true runs XNNPACK on the thread pool the lab would use (app/worker/backend.ts). */
  threads?: boolean;
  /** What to time: training steps/s (default), the post-training passes or the Hessian of the CNN. */
  task?: 'training' | 'ptq' | 'hessian';
}

export type BenchEvent =
  | { type: 'record'; record: BenchRecord }
  | { type: 'ptq'; record: PtqBenchRecord }
  | { type: 'hessian'; record: HessianBenchRecord }
  | { type: 'skipped'; reason: string }
  | { type: 'done' };
