/// <reference lib="webworker" />
/** Benchmark worker: times the shared bench experiments on one backend configuration. */
import * as tf from '@tensorflow/tfjs-core';
import { pickBackend } from '../worker/backend';
import { loadMnist } from '../worker/mnist';
import { createTrainer } from '../../src/train/trainer';
import {
  BENCH_BATCH,
  BENCH_PRECISIONS,
  benchPlan,
  measureTraining,
  type BenchModel,
} from '../../src/bench/measure';
import { measurePtq } from '../../src/bench/ptq';
import { measureHessian } from '../../src/bench/hessian';
import type { BenchConfig, BenchEvent } from './protocol';

const post = (e: BenchEvent) => self.postMessage(e);

self.onmessage = async (msg: MessageEvent<BenchConfig>) => {
  const config = msg.data;
  try {
    if (config.backend === 'wasm' && !config.simd) tf.env().set('WASM_HAS_SIMD_SUPPORT', false);
    // wasm-simd is timed single-threaded, wasm-simd-threads with the pool the lab would use.
    const info = await pickBackend(config.backend, { allowThreads: config.threads === true });
    if (info.name !== config.backend) {
      post({
        type: 'skipped',
        reason: `${config.backend} unavailable: ${info.skipped.map((s) => s.reason).join('; ')}`,
      });
      return post({ type: 'done' });
    }
    const label =
      config.backend === 'wasm'
        ? `wasm${info.simd ? '-simd' : ''}${info.threads > 1 ? `-threads${info.threads}` : ''}`
        : config.backend;
    const data = await loadMnist();
    if (config.task === 'ptq') {
      const host = { env: 'browser' as const, backend: label, quick: config.quick };
      const records = await measurePtq(createTrainer, data, host, () => performance.now());
      records.forEach((record) => post({ type: 'ptq', record }));
      return post({ type: 'done' });
    }
    if (config.task === 'hessian') {
      const host = { env: 'browser' as const, backend: label, quick: config.quick };
      measureHessian(data, host, () => performance.now()).forEach((record) =>
        post({ type: 'hessian', record }),
      );
      return post({ type: 'done' });
    }
    for (const model of ['mlp', 'cnn'] as BenchModel[]) {
      // The cpu backend needs seconds per CNN step: skip as in the Node bench.
      if (config.backend === 'cpu' && model === 'cnn') continue;
      const plan = benchPlan(model, config.backend, config.quick);
      const measured = await measureTraining(createTrainer, data, model, BENCH_PRECISIONS, plan, () =>
        performance.now(),
      );
      for (const [precision, m] of measured) {
        post({
          type: 'record',
          record: {
            env: 'browser',
            backend: label,
            model,
            precision,
            batch: BENCH_BATCH[model],
            ...m,
            runs: plan.runs,
            stepsPerRun: plan.steps,
          },
        });
      }
    }
  } catch (err) {
    post({
      type: 'skipped',
      reason: `${config.backend}: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
  post({ type: 'done' });
};
