/**
 * The fused per-tensor fake-quant kernel (src/quant/fusedFakeQuant.ts) against the op path on wasm:
 * per call, x̂, the range variables, the clip fraction and ∂L/∂x must be bit-identical (symmetric /
 * asymmetric grids, minmax / ema ranges, training and eval calls, frozen codes, an estimator that
 * uses v), and whole MLP / CNN trainings (W4A4, with oscillation freezing) must end with the same
 * weights and reports. Also: the kernel really ran (tf.profile), no leaks, and the op path stays in
 * charge where the kernel does not apply.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
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
import { fusedCodeParams, fusedFakeQuant } from '../../../src/quant/fusedFakeQuant';
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
import { oscillationPlugin } from '../../../src/train/oscController';
import { QuantTrainer } from '../../../src/train/trainer';
import { expectNoLeak } from '../../helpers/tf';
import { maxAbs, randn, useWasmBackend } from './helpers';

/** A quantizer's pieces as quantizer.ts assembles them (its resolveLayout, restated). */
function parts(opts: QuantizerOptions) {
  const grid = gridFor(opts);
  const size = opts.shape.reduce((a, b) => a * b, 1);
  let layout = { axis: null as number | null, channels: 1, perChannelCount: size, broadcast: [1] };
  if (opts.config.perChannel) {
    const sampleAxis = opts.channelAxis ?? opts.shape.length - 1;
    const offset = opts.role === 'act' ? 1 : 0;
    const channels = opts.shape[sampleAxis];
    const broadcast = new Array<number>(opts.shape.length + offset).fill(1);
    broadcast[sampleAxis + offset] = channels;
    layout = { axis: sampleAxis + offset, channels, perChannelCount: size / channels, broadcast };
  }
  const source = createScaleSource({ ...opts, doubleQuant: false, grid, layout });
  const clip = filledVariable([], 0, false);
  return { grid, source, clip, layout };
}
type Parts = ReturnType<typeof parts>;

/** quantizer.ts apply(), through the fused kernel or the op path. */
function applyOnce(
  fused: boolean,
  x: tf.Tensor,
  training: boolean,
  q: Parts,
  symmetric: boolean,
  p: FakeQuantParams,
): tf.Tensor {
  return tf.tidy(() => {
    const y = fused ? fusedFakeQuant(x, training, q.source, q.layout, symmetric, p) : null;
    if (y) return y;
    const { s, z } = q.source.channelScale(x, training);
    const b = q.layout.broadcast;
    return fakeQuant(x, tf.reshape(s, b), { ...p, zeroPoint: z ? tf.reshape(z, b) : null });
  });
}

/** The stored range [lo…, hi…] of a minmax / ema source (read without changing it). */
function storedRange(source: ScaleSource): number[] {
  const call = source.fusedRange(false)!;
  return [...call.lo.dataSync(), ...call.hi.dataSync()];
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
  /** Runtime shape (activations: batch first) and the quantizer's channel axis in one sample. */
  shape?: number[];
  channelAxis?: number;
}

const CALL_CASES: [string, CallCase][] = [
  ['weight: symmetric minmax, STE', { role: 'weight', cfg: {}, estimator: 'ste', frozen: false }],
  ['weight: symmetric minmax, frozen codes', { role: 'weight', cfg: {}, estimator: 'ste', frozen: true }],
  [
    'weight: asymmetric minmax 3-bit, tanh',
    { role: 'weight', cfg: { bits: 3, symmetric: false }, estimator: 'tanh', frozen: false },
  ],
  [
    'weight: symmetric ema, frozen codes, clipped STE',
    { role: 'weight', cfg: { range: 'ema' }, estimator: 'clipped-ste', frozen: true },
  ],
  ['act: asymmetric ema, STE', { role: 'act', cfg: {}, estimator: 'ste', frozen: false }],
  [
    'act: asymmetric ema m = 0.3, frozen, tanh',
    { role: 'act', cfg: { rangeMomentum: 0.3 }, estimator: 'tanh', frozen: true },
  ],
  [
    'act: symmetric unsigned ema 8-bit',
    { role: 'act', cfg: { symmetric: true, bits: 8 }, estimator: 'ste', frozen: false },
  ],
  [
    'act: asymmetric minmax 2-bit',
    { role: 'act', cfg: { range: 'minmax', bits: 2 }, estimator: 'ste', frozen: false },
  ],
  [
    'weight: per-channel symmetric minmax',
    { role: 'weight', cfg: { perChannel: true }, estimator: 'ste', frozen: false },
  ],
  [
    'weight: per-channel asymmetric ema, frozen, tanh',
    {
      role: 'weight',
      cfg: { perChannel: true, symmetric: false, range: 'ema' },
      estimator: 'tanh',
      frozen: true,
    },
  ],
  [
    'weight: per-channel depthwise [3, 3, 8, 1], channel axis 2',
    {
      role: 'weight',
      cfg: { perChannel: true },
      estimator: 'ste',
      frozen: true,
      shape: [3, 3, 8, 1],
      channelAxis: 2,
    },
  ],
  [
    'act: per-channel asymmetric ema',
    { role: 'act', cfg: { perChannel: true }, estimator: 'ste', frozen: false },
  ],
  [
    'act: per-channel symmetric unsigned ema, frozen, clipped STE',
    {
      role: 'act',
      cfg: { perChannel: true, symmetric: true },
      estimator: 'clipped-ste',
      frozen: true,
      shape: [8, 6, 6, 8],
    },
  ],
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
  useWasmBackend();

  it('is available on wasm for sizes that are multiples of 4', () => {
    expect(fakeQuantKernelAvailable(784 * 256)).toBe(true);
    expect(fakeQuantKernelAvailable(30)).toBe(false);
    expect(fakeQuantKernelAvailable(0)).toBe(false);
  });

  it.each(CALL_CASES)('%s: every call bit-identical to the op path', async (_name, c) => {
    const shape = c.shape ?? (c.role === 'act' ? [16, 12, 4] : [24, 20]);
    const sample = c.role === 'act' ? shape.slice(1) : shape;
    const schema = c.role === 'act' ? actQuantizerSchema : weightQuantizerSchema;
    const opts: QuantizerOptions = {
      config: schema.parse(c.cfg),
      estimator: { name: c.estimator },
      role: c.role,
      shape: sample,
      channelAxis: c.channelAxis,
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
    const run = (fused: boolean, q: Parts, x: tf.Tensor, training: boolean) => {
      const p: FakeQuantParams = { grid, estimator, zeroPoint: null, frozen, clipSink: q.clip };
      let y: tf.Tensor | null = null;
      const { value, grad } = tf.valueAndGrad((xi: tf.Tensor) => {
        y = tf.keep(applyOnce(fused, xi, training, q, symmetric, p));
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
          return [s, z ?? tf.zerosLike(s)];
        });
        let sb: { scale: tf.Tensor; zeroPoint: tf.Tensor } | null = null;
        const rinfo = await tf.profile(() => {
          sb = fusedCodeParams(x, fu.source, fu.layout, symmetric, grid);
        });
        expect(rinfo.kernels.map((e) => e.name)).toEqual([QUANT_RANGE_KERNEL]);
        const got = [sb!.scale, sb!.zeroPoint].map((t) => Array.from(t.dataSync()));
        expect(got, `codeParams after call ${k}`).toEqual(sa.map((t) => Array.from(t.dataSync())));
        expect(storedRange(fu.source), `range after codeParams ${k}`).toEqual(storedRange(op.source));
        tf.dispose([...sa, sb!.scale, sb!.zeroPoint]);
      }
    }
    expect(worst).toBe(0);
    // The calls did change the state; EMA ranges lag the batch, so some entries were clipped.
    const range = storedRange(op.source);
    expect(Math.max(...range.slice(range.length / 2))).toBeGreaterThan(0);
    if (opts.config.range === 'ema') expect(clipped).toBeGreaterThan(0);
    tf.dispose([...inputs, r]);
    if (frozen) tf.dispose([frozen.keep, frozen.codes]);
    op.source.dispose();
    fu.source.dispose();
    tf.dispose([op.clip, fu.clip]);
    expect(tf.memory().numTensors).toBe(startTensors);
  });

  it.each([false, true])(
    'a NaN in x gives the same NaN range and x̂ on both paths (per-channel: %s)',
    (perChannel) => {
      const opts: QuantizerOptions = {
        config: actQuantizerSchema.parse({ perChannel }),
        estimator: { name: 'ste' },
        role: 'act',
        shape: [16, 4],
      };
      const estimator = resolveEstimator(opts.estimator);
      const [op, fu] = [parts(opts), parts(opts)];
      const clean = randn([4, 16, 4]);
      const buf = clean.dataSync().slice();
      buf[77] = NaN; // channel 1
      const dirty = tf.tensor(buf, clean.shape);
      for (const [x, training] of [
        [clean, true],
        [dirty, true],
        [clean, true],
        [clean, false],
      ] as const) {
        const ys = [op, fu].map((q, i) =>
          applyOnce(i === 1, x, training, q, false, {
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
      // Per-tensor: the whole range is NaN; per-channel: channel 1's only.
      const nan = storedRange(fu.source).map(Number.isNaN);
      expect(nan).toEqual(perChannel ? [false, true, false, false, false, true, false, false] : [true, true]);
      tf.dispose([clean, dirty, op.clip, fu.clip]);
      op.source.dispose();
      fu.source.dispose();
    },
  );

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

  it('quantizer.presetOutput: used for exactly that tensor and frozen set, with apply’s gradient', async () => {
    const make = (config: object, estimator: EstimatorName = 'ste') =>
      createQuantizer({
        config: weightQuantizerSchema.parse({ bits: 4, ...config }),
        estimator: { name: estimator },
        role: 'weight',
        shape: [8, 8],
      });
    const base = tf.memory().numTensors;
    const q = make({});
    const w = randn([8, 8]);
    const other = randn([8, 8]);
    const keep = tf.tidy(() => tf.cast(tf.less(randn([8, 8]), 1), 'float32'));
    const state = { keep, codes: tf.zerosLike(keep) };
    const otherState = { keep: tf.onesLike(keep), codes: tf.zerosLike(keep) };
    q.shareFrozen!(state);
    // Only min-max ranges, estimators that do not read x/s, sizes the kernel covers.
    expect(q.acceptsPreset!(w)).toBe(true);
    const declined = [make({ range: 'ema' }), make({}, 'ewgs'), make({ range: 'lsq' })];
    expect(declined.map((d) => d.acceptsPreset!(w))).toEqual([false, false, false]);
    // A stand-in x̂ shows whether the preset was used.
    const marker = tf.fill([8, 8], 42);
    const values = (x: tf.Tensor) => tf.tidy(() => q.apply(x, true).arraySync());
    const before = tf.memory().numTensors;
    q.presetOutput!(w, marker.clone(), state);
    expect(values(w)).toEqual(marker.arraySync());
    expect(values(w)).toEqual(marker.arraySync());
    // The gradient is apply's: STE masked by keep.
    const g = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => tf.sum(q.apply(x, true)))(w)
        .arraySync(),
    );
    expect(g).toEqual(keep.arraySync());
    // Another frozen set: not used (and kept, the tensor still matches).
    q.shareFrozen!(otherState);
    expect(values(w)).not.toEqual(marker.arraySync());
    q.shareFrozen!(state);
    expect(values(w)).toEqual(marker.arraySync());
    // Another tensor: not used, and the stale preset is freed.
    expect(values(other)).not.toEqual(marker.arraySync());
    expect(tf.memory().numTensors).toBe(before);
    // dispose() frees a pending preset too.
    q.presetOutput!(w, marker.clone(), state);
    q.dispose();
    for (const d of declined) d.dispose();
    tf.dispose([w, other, keep, state.codes, otherState.keep, otherState.codes, marker]);
    expect(tf.memory().numTensors).toBe(base);
  });

  it('leaves other channel layouts, LSQ, other range estimators and odd sizes to the op path', async () => {
    const configs: [object, number[], number?][] = [
      [{ perChannel: true }, [8, 8], 0],
      [{ perChannel: true }, [8, 10]],
      [{ range: 'lsq' }, [8, 8]],
      [{ range: 'percentile' }, [8, 8]],
      [{ range: 'mse' }, [8, 8]],
      [{}, [5, 3]],
    ];
    for (const [cfg, shape, channelAxis] of configs) {
      const q = createQuantizer({
        config: weightQuantizerSchema.parse(cfg),
        estimator: { name: 'ste' },
        role: 'weight',
        shape,
        channelAxis,
      });
      const x = randn(shape);
      const info = await tf.profile(() => tf.tidy(() => q.apply(x, true)));
      expect(
        info.kernels.some((k) => k.name === FAKE_QUANT_KERNEL),
        JSON.stringify(cfg),
      ).toBe(false);
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

  function experiment(arch: 'mlp' | 'cnn', osc: boolean, steps: number, perChannel = false) {
    return experimentSchema.parse({
      seed: 7,
      data: { trainSize: 512, testSize: 64 },
      model: arch === 'mlp' ? { arch, hidden: [32] } : { arch },
      quant: { weight: { bits: 4, perChannel }, act: { bits: 4, perChannel } },
      train: {
        optimizer: 'adam',
        lr: 3e-3,
        steps,
        batchSize: arch === 'mlp' ? 32 : 8,
        reportEvery: 5,
        evalEvery: steps,
      },
      oscillation: osc
        ? {
            track: true,
            trackAll: true,
            momentum: 0.1,
            reportThreshold: 0.02,
            freezeThreshold: 0.03,
            sampleWeights: 8,
          }
        : { track: false, freezeThreshold: 0, dampening: 0 },
    } satisfies ExperimentInput);
  }

  async function train(exp: ReturnType<typeof experiment>, fused: boolean) {
    {
      const trainer = new QuantTrainer(exp, loadMnistNode(), {
        plugins: [oscillationPlugin],
        kernels: { fakeQuant: fused },
      });
      let reports: Awaited<ReturnType<QuantTrainer['run']>> = [];
      const profile = await tf.profile(async () => {
        reports = await trainer.run(exp.train.steps);
      });
      const kernelCalls = profile.kernels.filter((k) => k.name === FAKE_QUANT_KERNEL).length;
      const weights = await Promise.all(
        trainer.model.parameters().map(async (w) => Array.from(await w.data())),
      );
      const oscillation = trainer.result().oscillation;
      trainer.dispose();
      return { reports, weights, oscillation, kernelCalls };
    }
  }

  const runs: [string, 'mlp' | 'cnn', boolean, number, boolean][] = [
    ['MLP W4A4', 'mlp', false, 40, false],
    ['MLP W4A4 with oscillation freezing', 'mlp', true, 60, false],
    ['MLP W4A4 per-channel with oscillation freezing', 'mlp', true, 60, true],
    ['CNN W4A4', 'cnn', false, 6, false],
  ];
  it.each(runs)(
    '%s: training is bit-identical to the op path',
    async (_name, arch, osc, steps, perChannel) => {
      const exp = experiment(arch, osc, steps, perChannel);
      const tensorsBefore = tf.memory().numTensors;
      const ops = await train(exp, false);
      const fused = await train(exp, true);
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      expect(ops.kernelCalls).toBe(0);
      // Every quantizer of every training step (2 per layer; per-channel: not fc2's 10-channel
      // weight), plus the eval calls. With freezing on, a weight's call is skipped on steps where
      // the fused oscillation step handed over its x̂ (oscFused.test.ts): the 2 activations remain.
      const quantizers = exp.model.arch === 'mlp' ? (perChannel ? 3 : 4) : 6;
      expect(fused.kernelCalls).toBeGreaterThanOrEqual((osc ? 2 : quantizers) * steps);
      if (osc) expect(ops.oscillation!.frozenFraction).toBeGreaterThan(0);
      expect(fused.reports).toEqual(ops.reports);
      expect(fused.oscillation).toEqual(ops.oscillation);
      expect(fused.weights).toEqual(ops.weights);
    },
    120_000,
  );
});
