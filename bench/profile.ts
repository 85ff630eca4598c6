/**
 * `npx tsx bench/profile.ts [mlp|cnn] [float|w4a4|w4a4-osc] [steps]` (QUANT_LAB_BACKEND=cpu for the
 * cpu backend): where a training step's time goes in Node on wasm. Runs the bench experiment under tf.profile and prints the kernels by total
 * time, and how much of the wall time no kernel accounts for (JS glue: tape, tidy, allocation).
 */
import * as tf from '@tensorflow/tfjs';
import { performance } from 'node:perf_hooks';
import { loadMnistNode } from '../src/data/node';
import { initBackend } from '../src/tensor/backend';
import { createTrainer } from '../src/train/trainer';
import { benchExperiment, type BenchModel, type BenchPrecision } from '../src/bench/measure';

async function main(): Promise<void> {
  const model = (process.argv[2] ?? 'mlp') as BenchModel;
  const precision = (process.argv[3] ?? 'w4a4-osc') as BenchPrecision;
  const steps = Number(process.argv[4] ?? (model === 'mlp' ? 50 : 10));
  await initBackend((process.env.QUANT_LAB_BACKEND as 'wasm' | 'cpu' | undefined) ?? 'wasm');
  const trainer = await createTrainer(benchExperiment(model, precision, 10 + 2 * steps + 1), loadMnistNode());
  await trainer.run(10);
  const t0 = performance.now();
  const info = await tf.profile(async () => {
    await trainer.run(steps);
  });
  const wall = performance.now() - t0;
  // A second, unprofiled chunk: profiling itself adds overhead per kernel.
  const t1 = performance.now();
  await trainer.run(steps);
  const plain = performance.now() - t1;
  trainer.dispose();
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += Number(k.kernelTimeMs);
    e.calls += 1;
    byName.set(k.name, e);
  }
  const rows = [...byName].sort((a, b) => b[1].ms - a[1].ms);
  const kernelMs = rows.reduce((s, [, e]) => s + e.ms, 0);
  console.log(
    `${model} ${precision} on ${tf.getBackend()}: ${(plain / steps).toFixed(2)} ms/step unprofiled, ` +
      `${(wall / steps).toFixed(2)} ms/step profiled, kernels ${(kernelMs / steps).toFixed(2)} ms/step, ` +
      `${(info.kernels.length / steps).toFixed(0)} kernels/step`,
  );
  console.log('kernel                      ms/step  calls/step');
  for (const [name, e] of rows.slice(0, 25)) {
    console.log(
      `${name.padEnd(26)} ${(e.ms / steps).toFixed(3).padStart(8)} ${(e.calls / steps).toFixed(1).padStart(10)}`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
