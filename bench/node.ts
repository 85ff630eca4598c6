/** Node part of `npm run bench`: steps/s per backend × model × precision through the lab's Trainer. */
import { performance } from 'node:perf_hooks';
import { loadMnistNode } from '../src/data/node';
import { initBackend } from '../src/tensor/backend';
import { createTrainer } from '../src/train/trainer';
import {
  BENCH_BATCH,
  BENCH_PRECISIONS,
  benchPlan,
  NATIVE_INT_PRECISIONS,
  measureTraining,
  type BenchModel,
  type BenchPrecision,
  type BenchRecord,
} from '../src/bench/measure';
import { measurePtq, type PtqBenchRecord } from '../src/bench/ptq';
import { measureHessian, type HessianBenchRecord } from '../src/bench/hessian';

/** Runs the Node measurements, calling `emit` as each one finishes. */
export async function benchNode(
  opts: { quick: boolean; backends: string[]; precisions?: readonly BenchPrecision[] },
  emit: (r: BenchRecord) => void,
): Promise<void> {
  const data = loadMnistNode();
  for (const backend of opts.backends) {
    await initBackend(backend as 'wasm' | 'cpu');
    for (const model of ['mlp', 'cnn'] as BenchModel[]) {
      // The cpu backend's native conv backprop takes ~13 s per CNN step (docs/performance.md §1): skip it.
      if (backend === 'cpu' && model === 'cnn') continue;
      const plan = benchPlan(model, backend, opts.quick);
      const precisions = opts.precisions ?? BENCH_PRECISIONS;
      const measured = await measureTraining(createTrainer, data, model, precisions, plan, () =>
        performance.now(),
      );
      for (const [precision, m] of measured) {
        emit({
          env: 'node',
          backend,
          model,
          precision,
          batch: BENCH_BATCH[model],
          ...m,
          runs: plan.runs,
          stepsPerRun: plan.steps,
        });
      }
    }
  }
}

/** Fake-quant against native-int training (W8A8, W4A8) on wasm, interleaved in one run. */
export function benchNodeNativeInt(quick: boolean, emit: (r: BenchRecord) => void): Promise<void> {
  return benchNode({ quick, backends: ['wasm'], precisions: NATIVE_INT_PRECISIONS }, emit);
}

/** The post-training passes on the CNN in Node (wasm), for comparison with the browser worker's. */
export async function benchNodePtq(quick: boolean, emit: (r: PtqBenchRecord) => void): Promise<void> {
  await initBackend('wasm');
  const records = await measurePtq(
    createTrainer,
    loadMnistNode(),
    { env: 'node', backend: 'wasm', quick },
    () => performance.now(),
  );
  records.forEach(emit);
}

/** The CNN's Hessian-vector products and per-layer trace in Node (wasm). */
export async function benchNodeHessian(quick: boolean, emit: (r: HessianBenchRecord) => void): Promise<void> {
  await initBackend('wasm');
  measureHessian(loadMnistNode(), { env: 'node', backend: 'wasm', quick }, () => performance.now()).forEach(
    emit,
  );
}
