/**
 * Hessian timings shared by the Node bench and the in-browser bench worker (docs/hessian.md §2):
 * on the CNN, one Hessian-vector product (and, paired and alternating in the same process, one of
 * the tap-sum reference op set, for the speedup) and a per-layer Hutchinson trace through
 * src/hessian `analyzeHessian`, as `quant-lab hessian` and `quant-lab mixed` run it.
 *
 * The CNN is randomly initialized (seed 1), not trained: an Hv runs the same kernels on tensors of
 * the same shapes whatever the weights (max pooling's ties aside), so training would only add time.
 */
import type { MnistData } from '../data/mnist';
import { experimentSchema } from '../experiment/schema';
import { analyzeHessian, disposeBatch, HESSIAN_DEFAULTS, sampleBatch } from '../hessian/analyze';
import { createHvp } from '../hessian/hvp';
import { rademacher } from '../hessian/linalg';
import { TAP_SECOND_ORDER_OPS } from '../hessian/secondOrderOps';
import { QuantModel } from '../models/build';
import { createQuantizer } from '../quant/quantizer';
import { createRng } from '../tensor/rng';
import { median } from './stats';

/** The lab's target for a 100-probe per-layer trace of the CNN in the browser worker (seconds). */
export const HESSIAN_TRACE_TARGET_SEC = 30;

/** One line of `npm run bench -- --json` for the Hessian of the CNN at one batch size. */
export type HessianBenchRecord = {
  kind: 'hessian';
  env: 'node' | 'browser';
  backend: string;
  model: 'cnn';
  init: 'random';
  /** Images in the Hessian's batch (`--batch-size`; 128 is the default). */
  batch: number;
  /** One Hv, median over `hvRuns` and half the range. */
  hvMedianSec: number;
  hvSpread: number;
  hvRuns: number;
  /** The tap-sum reference's Hv (median), and the median of the paired ratios reference / fast. */
  tapHvMedianSec: number;
  speedup: number;
  /** Probes of the timed trace, its time, and that time scaled to 100 probes. */
  traceProbes: number;
  traceSec: number;
  trace100Sec: number;
  targetSec: number;
};

/** Batch sizes and counts: quick times fewer products and a 20-probe trace. */
export function hessianBenchPlan(quick: boolean): { batches: number[]; pairs: number; traceProbes: number } {
  return quick
    ? { batches: [128, 32], pairs: 2, traceProbes: 20 }
    : { batches: [128, 32], pairs: 5, traceProbes: 100 };
}

/**
 * Times the CNN's Hessian at each batch size of the plan. Hv timings alternate fast and reference
 * products (after one unmeasured product of each) so a shared machine's drift falls on both alike.
 * `now` is injected (performance.now).
 */
export function measureHessian(
  data: MnistData,
  host: { env: HessianBenchRecord['env']; backend: string; quick: boolean },
  now: () => number,
): HessianBenchRecord[] {
  const plan = hessianBenchPlan(host.quick);
  const exp = experimentSchema.parse({
    seed: 1,
    model: { arch: 'cnn' },
    quant: { weight: { bits: 32 }, act: { bits: 32 } },
  });
  const model = QuantModel.build(exp, createQuantizer);
  try {
    return plan.batches.map((size) => {
      const batch = sampleBatch(data.train, size, 1);
      try {
        const fast = createHvp(model, batch);
        const taps = createHvp(model, batch, undefined, TAP_SECOND_ORDER_OPS);
        const v = rademacher(createRng(1, 'hessian-bench'), fast.dim);
        const time = (apply: (v: Float64Array) => Float64Array) => {
          const t0 = now();
          apply(v);
          return (now() - t0) / 1000;
        };
        time(fast.apply);
        time(taps.apply);
        const fastSec: number[] = [];
        const tapSec: number[] = [];
        for (let i = 0; i < plan.pairs; i++) {
          fastSec.push(time(fast.apply));
          tapSec.push(time(taps.apply));
        }
        const t0 = now();
        analyzeHessian(model, batch, { ...HESSIAN_DEFAULTS, topK: 0, traceProbes: plan.traceProbes });
        const traceSec = (now() - t0) / 1000;
        return {
          kind: 'hessian',
          env: host.env,
          backend: host.backend,
          model: 'cnn',
          init: 'random',
          batch: size,
          hvMedianSec: round(median(fastSec), 3),
          hvSpread: round((Math.max(...fastSec) - Math.min(...fastSec)) / 2, 3),
          hvRuns: plan.pairs,
          tapHvMedianSec: round(median(tapSec), 3),
          speedup: round(median(fastSec.map((f, i) => tapSec[i] / f)), 2),
          traceProbes: plan.traceProbes,
          traceSec: round(traceSec, 2),
          trace100Sec: round((traceSec * 100) / plan.traceProbes, 1),
          targetSec: HESSIAN_TRACE_TARGET_SEC,
        };
      } finally {
        disposeBatch(batch);
      }
    });
  } finally {
    model.dispose();
  }
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));
