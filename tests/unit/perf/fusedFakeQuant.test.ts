/**
 * The fused per-tensor fake-quant kernel (src/quant/fusedFakeQuant.ts) against the op path on wasm:
 * per call, x̂, the range variables, the clip fraction and ∂L/∂x must be bit-identical (symmetric /
 * asymmetric grids, minmax / ema ranges, training and eval calls, frozen codes, an estimator that
 * uses v), and whole MLP / CNN trainings (W4A4, with oscillation freezing) must end with the same
 * weights and reports. Also: the kernel really ran (tf.profile), no leaks, and the op path stays in
 * charge where the kernel does not apply.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnistNode } from '../../../src/data/node';
import { resolveEstimator } from '../../../src/estimators/registry';
import {
  actQuantizerSchema,
  experimentSchema,
  weightQuantizerSchema,
  type EstimatorName,
  type ExperimentInput,
} from '../../../src/experiment/schema';
import { fakeQuant, type FakeQuantParams } from '../../../src/quant/fakeQuant';
import { FQ_FUSION, fusedCodeParams, fusedFakeQuant } from '../../../src/quant/fusedFakeQuant';
import { gridFor } from '../../../src/quant/quantizer';
import { createQuantizer } from '../../../src/quant/quantizer';
import { createScaleSource, type ScaleSource } from '../../../src/quant/scaleSource';
import type { QuantizerOptions } from '../../../src/quant/types';
import { filledVariable } from '../../../src/quant/variables';
import { initBackend } from '../../../src/tensor/backend';
import {
  FAKE_QUANT_KERNEL,
  QUANT_RANGE_KERNEL,
  fakeQuantKernelAvailable,
} from '../../../src/tensor/kernels/fakeQuant';
import { oscillationPlugin } from '../../../src/train/oscPlugin';
import { QuantTrainer } from '../../../src/train/trainer';
import { expectNoLeak } from '../../helpers/tf';
import { maxAbs, randn } from './helpers';

/** A quantizer's pieces as quantizer.ts assembles them for a per-tensor layout. */
function parts(opts: QuantizerOptions) {
  const grid = gridFor(opts);
  const source = createScaleSource({
    ...opts,
    doubleQuant: false,
    grid,
    layout: { axis: null, channels: 1, perChannelCount: opts.shape.reduce((a, b) => a * b, 1) },
  });
  const clip = filledVariable([], 0, false);
  return { grid, source, clip };
}

/** quantizer.ts apply() for a per-tensor layout, through the fused kernel or the op path. */
function applyOnce(
  fused: boolean,
  x: tf.Tensor,
  training: boolean,
  source: ScaleSource,
  symmetric: boolean,
  p: FakeQuantParams,
): tf.Tensor {
  FQ_FUSION.enabled = fused;
  try {
    return tf.tidy(() => {
      const y = fusedFakeQuant(x, training, source, symmetric, p);
      if (y) return y;
      const { s, z } = source.channelScale(x, training);
      return fakeQuant(x, s, { ...p, zeroPoint: z });
    });
  } finally {
    FQ_FUSION.enabled = true;
  }
}

/** The stored range [lo, hi] of a minmax / ema source (read without changing it). */
function storedRange(source: ScaleSource): number[] {
  const call = source.fusedRange(false)!;
  return [call.lo.dataSync()[0], call.hi.dataSync()[0]];
}

/** Values that differ, by Object.is (so −0 ≠ +0 and NaN = NaN): bit-identical up to NaN payloads. */
function mismatches(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) n++;
  return n;
}

interface CallCase {
  role: 'weight' | 'act';
  cfg: object;
  estimator: EstimatorName;
  frozen: boolean;
}

const CALL_CASES: [string, CallCase][] = [
  ['weight: symmetric minmax, STE', { role: 'weight', cfg: {}, estimator: 'ste', frozen: false }],
  ['weight: symmetric minmax, frozen codes', { role: 'weight', cfg: {}, estimator: 'ste', frozen: true }],
  ['weight: asymmetric minmax 3-bit, tanh', { role: 'weight', cfg: { bits: 3, symmetric: false }, estimator: 'tanh', frozen: false }],
  ['weight: symmetric ema, frozen codes, clipped STE', { role: 'weight', cfg: { range: 'ema' }, estimator: 'clipped-ste', frozen: true }],
  ['act: asymmetric ema, STE', { role: 'act', cfg: {}, estimator: 'ste', frozen: false }],
  ['act: asymmetric ema m = 0.3, frozen, tanh', { role: 'act', cfg: { rangeMomentum: 0.3 }, estimator: 'tanh', frozen: true }],
  ['act: symmetric unsigned ema 8-bit', { role: 'act', cfg: { symmetric: true, bits: 8 }, estimator: 'ste', frozen: false }],
  ['act: asymmetric minmax 2-bit', { role: 'act', cfg: { range: 'minmax', bits: 2 }, estimator: 'ste', frozen: false }],
];

/** Inputs of successive calls: signed data, post-ReLU data (min exactly 0), a shifted batch. */
function callInputs(shape: number[]): tf.Tensor[] {
  return tf.tidy(() => [
    randn(shape),
    tf.relu(randn(shape)),
    tf.add(tf.mul(randn(shape), 0.3), 0.5),
    tf.mul(randn(shape), 2),
    tf.relu(randn(shape)),
    randn(shape),
  ]);
}
/** Which calls train (the first is an eval call before any training: the uncalibrated fallback). */
const TRAINING = [false, true, true, false, true, true];

describe('fused fake quant (wasm)', () => {
  let before = '';
  beforeAll(async () => {
    before = tf.getBackend();
    await initBackend('wasm');
  });
  afterAll(async () => {
    if (before) await tf.setBackend(before);
  });

  it('is available on wasm for sizes that are multiples of 4', () => {
    expect(fakeQuantKernelAvailable(784 * 256)).toBe(true);
    expect(fakeQuantKernelAvailable(30)).toBe(false);
    expect(fakeQuantKernelAvailable(0)).toBe(false);
  });

  it.each(CALL_CASES)('%s: every call bit-identical to the op path', async (_name, c) => {
    const shape = c.role === 'act' ? [16, 12, 4] : [24, 20];
    const sample = c.role === 'act' ? shape.slice(1) : shape;
    const schema = c.role === 'act' ? actQuantizerSchema : weightQuantizerSchema;
    const opts: QuantizerOptions = {
      config: schema.parse(c.cfg),
      estimator: { name: c.estimator },
      role: c.role,
      shape: sample,
    };
    const symmetric = opts.config.symmetric;
    const estimator = resolveEstimator(opts.estimator);
    const startTensors = tf.memory().numTensors;
    const op = parts(opts);
    const fu = parts(opts);
    const grid = op.grid;
    const frozen = c.frozen
      ? tf.tidy(() => {
          const mask = tf.cast(tf.less(tf.randomUniform(shape, 0, 1, 'float32', 3), 0.25), 'float32');
          const codes = tf.floor(tf.randomUniform(shape, grid.qmin, grid.qmax + 1, 'float32', 4));
          return { keep: tf.keep(tf.sub(1, mask)), codes: tf.keep(tf.mul(mask, codes)) };
        })
      : null;
    const inputs = callInputs(shape);
    const r = randn(shape);
    const run = (fused: boolean, q: ReturnType<typeof parts>, x: tf.Tensor, training: boolean) => {
      const p: FakeQuantParams = { grid, estimator, zeroPoint: null, frozen, clipSink: q.clip };
      let y: tf.Tensor | null = null;
      const { value, grad } = tf.valueAndGrad((xi: tf.Tensor) => {
        y = tf.keep(applyOnce(fused, xi, training, q.source, symmetric, p));
        return tf.sum(tf.mul(y, r)) as tf.Scalar;
      })(x);
      value.dispose();
      return { y: y! as tf.Tensor, grad };
    };
    let worst = 0;
    let clipped = 0;
    for (const [k, x] of inputs.entries()) {
      const training = TRAINING[k];
      const a = run(false, op, x, training);
      let b = a;
      const info = await tf.profile(() => {
        b = run(true, fu, x, training);
      });
      expect(info.kernels.filter((e) => e.name === FAKE_QUANT_KERNEL).length, `call ${k}`).toBe(1);
      const [ya, yb, ga, gb] = [a.y, b.y, a.grad, b.grad].map((t) => t.dataSync());
      expect(mismatches(ya, yb), `x̂ of call ${k}`).toBe(0);
      expect(mismatches(ga, gb), `∂L/∂x of call ${k}`).toBe(0);
      expect(storedRange(fu.source), `range after call ${k}`).toEqual(storedRange(op.source));
      expect(fu.clip.dataSync()[0], `clip fraction of call ${k}`).toBe(op.clip.dataSync()[0]);
      worst = Math.max(worst, maxAbs(a.y, b.y), maxAbs(a.grad, b.grad));
      clipped = Math.max(clipped, op.clip.dataSync()[0]);
      tf.dispose([a.y, a.grad, b.y, b.grad]);
      // Quantizer.codeParams (an eval call) after every other call: the range-only kernel.
      if (k % 2 === 1) {
        const sa = tf.tidy(() => {
          const { s, z } = op.source.channelScale(x, false);
          return [s, z ?? tf.zeros([1])];
        });
        let sb: { scale: tf.Tensor; zeroPoint: tf.Tensor } | null = null;
        const rinfo = await tf.profile(() => {
          sb = fusedCodeParams(x, fu.source, symmetric, grid);
        });
        expect(rinfo.kernels.map((e) => e.name)).toEqual([QUANT_RANGE_KERNEL]);
        const got = [sb!.scale, sb!.zeroPoint].map((t) => t.dataSync()[0]);
        expect(got, `codeParams after call ${k}`).toEqual(sa.map((t) => t.dataSync()[0]));
        expect(storedRange(fu.source), `range after codeParams ${k}`).toEqual(storedRange(op.source));
        tf.dispose([...sa, sb!.scale, sb!.zeroPoint]);
      }
    }
    expect(worst).toBe(0);
    // The calls did change the state; EMA ranges lag the batch, so some entries were clipped.
    expect(storedRange(op.source)[1]).toBeGreaterThan(0);
    if (opts.config.range === 'ema') expect(clipped).toBeGreaterThan(0);
    tf.dispose([...inputs, r]);
    if (frozen) tf.dispose([frozen.keep, frozen.codes]);
    op.source.dispose();
    fu.source.dispose();
    tf.dispose([op.clip, fu.clip]);
    expect(tf.memory().numTensors).toBe(startTensors);
  });

  it('a NaN in x gives the same NaN range and x̂ on both paths (a diverging run stays visible)', () => {
    const opts: QuantizerOptions = {
      config: actQuantizerSchema.parse({}),
      estimator: { name: 'ste' },
      role: 'act',
      shape: [64],
    };
    const estimator = resolveEstimator(opts.estimator);
    const [op, fu] = [parts(opts), parts(opts)];
    const clean = randn([4, 64]);
    const buf = clean.dataSync().slice();
    buf[77] = NaN;
    const dirty = tf.tensor(buf, [4, 64]);
    for (const [x, training] of [[clean, true], [dirty, true], [clean, true], [clean, false]] as const) {
      const ys = [op, fu].map((q, i) =>
        applyOnce(i === 1, x, training, q.source, false, {
          grid: q.grid,
          estimator,
          zeroPoint: null,
          frozen: null,
          clipSink: q.clip,
        }),
      );
      expect(mismatches(ys[0].dataSync(), ys[1].dataSync())).toBe(0);
      expect(storedRange(fu.source)).toEqual(storedRange(op.source));
      expect(fu.clip.dataSync()[0]).toBe(op.clip.dataSync()[0]);
      tf.dispose(ys);
    }
    expect(storedRange(fu.source).every(Number.isNaN)).toBe(true);
    tf.dispose([clean, dirty, op.clip, fu.clip]);
    op.source.dispose();
    fu.source.dispose();
  });

  it('quantizer.apply leaks nothing (training with gradients, eval, frozen)', async () => {
    const q = createQuantizer({
      config: actQuantizerSchema.parse({}),
      estimator: { name: 'tanh' },
      role: 'act',
      shape: [8, 8],
    });
    const x = randn([4, 8, 8]);
    const mask = tf.tidy(() => tf.cast(tf.greater(randn([4, 8, 8]), 1), 'float32'));
    q.freeze!(mask, tf.zerosLike(mask));
    await expectNoLeak(() => {
      tf.tidy(() => {
        tf.grad((xi: tf.Tensor) => tf.sum(q.apply(xi, true)))(x);
      });
      tf.tidy(() => {
        q.apply(x, false);
      });
    });
    const info = await tf.profile(() => tf.tidy(() => q.apply(x, true)));
    expect(info.kernels.some((k) => k.name === FAKE_QUANT_KERNEL)).toBe(true);
    q.dispose();
    tf.dispose([x, mask]);
  });

  it('leaves per-channel, LSQ, other range estimators and odd sizes to the op path', async () => {
    const configs: [object, number[]][] = [
      [{ perChannel: true }, [8, 8]],
      [{ range: 'lsq' }, [8, 8]],
      [{ range: 'percentile' }, [8, 8]],
      [{ range: 'mse' }, [8, 8]],
      [{}, [5, 3]],
    ];
    for (const [cfg, shape] of configs) {
      const q = createQuantizer({ config: weightQuantizerSchema.parse(cfg), estimator: { name: 'ste' }, role: 'weight', shape });
      const x = randn(shape);
      const info = await tf.profile(() => tf.tidy(() => q.apply(x, true)));
      expect(info.kernels.some((k) => k.name === FAKE_QUANT_KERNEL), JSON.stringify(cfg)).toBe(false);
      q.dispose();
      x.dispose();
    }
  });

  it('is not available off wasm', async () => {
    await tf.setBackend('cpu');
    try {
      expect(fakeQuantKernelAvailable(1024)).toBe(false);
    } finally {
      await initBackend('wasm');
    }
  });

  function experiment(arch: 'mlp' | 'cnn', osc: boolean, steps: number) {
    return experimentSchema.parse({
      seed: 7,
      data: { trainSize: 512, testSize: 64 },
      model: arch === 'mlp' ? { arch, hidden: [32] } : { arch },
      quant: { weight: { bits: 4 }, act: { bits: 4 } },
      train: { optimizer: 'adam', lr: 3e-3, steps, batchSize: arch === 'mlp' ? 32 : 8, reportEvery: 5, evalEvery: steps },
      oscillation: osc
        ? { track: true, trackAll: true, momentum: 0.1, reportThreshold: 0.02, freezeThreshold: 0.03, sampleWeights: 8 }
        : { track: false, freezeThreshold: 0, dampening: 0 },
    } satisfies ExperimentInput);
  }

  async function train(exp: ReturnType<typeof experiment>, fused: boolean) {
    FQ_FUSION.enabled = fused;
    try {
      const trainer = new QuantTrainer(exp, loadMnistNode(), { plugins: [oscillationPlugin] });
      let reports: Awaited<ReturnType<QuantTrainer['run']>> = [];
      const profile = await tf.profile(async () => {
        reports = await trainer.run(exp.train.steps);
      });
      const kernelCalls = profile.kernels.filter((k) => k.name === FAKE_QUANT_KERNEL).length;
      const weights = await Promise.all(trainer.model.parameters().map(async (w) => Array.from(await w.data())));
      const oscillation = trainer.result().oscillation;
      trainer.dispose();
      return { reports, weights, oscillation, kernelCalls };
    } finally {
      FQ_FUSION.enabled = true;
    }
  }

  const runs: [string, 'mlp' | 'cnn', boolean, number][] = [
    ['MLP W4A4', 'mlp', false, 40],
    ['MLP W4A4 with oscillation freezing', 'mlp', true, 60],
    ['CNN W4A4', 'cnn', false, 6],
  ];
  it.each(runs)(
    '%s: training is bit-identical to the op path',
    async (_name, arch, osc, steps) => {
      const exp = experiment(arch, osc, steps);
      const tensorsBefore = tf.memory().numTensors;
      const ops = await train(exp, false);
      const fused = await train(exp, true);
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      expect(ops.kernelCalls).toBe(0);
      // Every quantizer of every training step (2 per layer), plus the eval calls.
      const layers = exp.model.arch === 'mlp' ? 2 : 3;
      expect(fused.kernelCalls).toBeGreaterThanOrEqual(2 * layers * steps);
      if (osc) expect(ops.oscillation!.frozenFraction).toBeGreaterThan(0);
      expect(fused.reports).toEqual(ops.reports);
      expect(fused.oscillation).toEqual(ops.oscillation);
      expect(fused.weights).toEqual(ops.weights);
    },
    120_000,
  );
});
