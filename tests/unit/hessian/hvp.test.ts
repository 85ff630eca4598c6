/**
 * Hessian-vector products by double backprop (cpu, real tfjs): against a central finite
 * difference of the gradient on the three architectures (float32: ε chosen for the truncation and
 * rounding errors to balance; relative tolerance), and against the exact Hessian of a tiny MLP
 * computed in float64 by a JavaScript implementation of its loss.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { experimentSchema } from '../../../src/experiment/schema';
import { analyzeHessian, disposeBatch, HESSIAN_DEFAULTS } from '../../../src/hessian/analyze';
import { createHvp, floatLoss, type HessianBatch } from '../../../src/hessian/hvp';
import { dot, gaussian, norm } from '../../../src/hessian/linalg';
import { QuantModel } from '../../../src/models/build';
import type { LayerSpec } from '../../../src/models/spec';
import { createQuantizer } from '../../../src/quant/quantizer';
import { initBackend } from '../../../src/tensor/backend';
import { createRng } from '../../../src/tensor/rng';
import { expectNoLeak } from '../../helpers/tf';

beforeAll(async () => {
  await initBackend('cpu');
});

/** n random images and labels (seeded). */
function randomBatch(n: number, d: number, classes: number, seed: number): HessianBatch {
  const rng = createRng(seed, 'batch');
  const labels = Array.from({ length: n }, () => Math.floor(rng() * classes));
  return {
    x: tf.tensor2d(
      Float32Array.from({ length: n * d }, () => rng()),
      [n, d],
    ),
    labels: tf.oneHot(labels, classes).toFloat() as tf.Tensor2D,
  };
}

/** The flat gradient of the float loss over `vars` (float64 copy). */
function flatGrad(model: QuantModel, batch: HessianBatch, vars: tf.Variable[]): Float64Array {
  const g = tf.tidy(() =>
    tf.concat(
      tf
        .grads(() => floatLoss(model, batch))(vars)
        .map((t) => tf.reshape(t, [-1])),
    ),
  );
  const out = Float64Array.from(g.dataSync());
  g.dispose();
  return out;
}

/** Adds a·v (flat, over `vars`) to the variables. */
function shift(vars: tf.Variable[], v: Float64Array, a: number): void {
  let offset = 0;
  for (const variable of vars) {
    const step = Float32Array.from(v.subarray(offset, offset + variable.size), (x) => a * x);
    tf.tidy(() => variable.assign(tf.add(variable, tf.tensor(step, variable.shape))));
    offset += variable.size;
  }
}

/** (g(θ + εv) − g(θ − εv)) / 2ε. */
function finiteDifference(
  model: QuantModel,
  batch: HessianBatch,
  v: Float64Array,
  eps: number,
): Float64Array {
  const vars = model.parameters();
  const saved = vars.map((x) => x.clone());
  shift(vars, v, eps);
  const plus = flatGrad(model, batch, vars);
  vars.forEach((x, i) => x.assign(saved[i]));
  shift(vars, v, -eps);
  const minus = flatGrad(model, batch, vars);
  vars.forEach((x, i) => x.assign(saved[i]));
  tf.dispose(saved);
  return plus.map((p, i) => (p - minus[i]) / (2 * eps));
}

describe('Hessian-vector products', () => {
  it.each(['mlp', 'cnn', 'dscnn'] as const)('%s: Hv matches a central difference of the gradient', (arch) => {
    const exp = experimentSchema.parse({
      model: { arch, widthMultiplier: 0.25, hidden: [16] },
      quant: { weight: { bits: 32 }, act: { bits: 32 } },
    });
    const model = QuantModel.build(exp, createQuantizer);
    // One image: a finite difference is only valid while no ReLU and no max-pool window changes its
    // pattern between θ − εv and θ + εv; with more images such switches become likely, and each
    // adds an O(1) jump to the difference quotient (docs/hessian.md §4).
    const batch = randomBatch(1, 784, 10, 1);
    // Non-trivial BN statistics, so evaluation-mode BN is exercised.
    for (const l of model.layers)
      if (l.bn) {
        l.bn.runningMean.assign(tf.fill(l.bn.runningMean.shape, 0.1));
        l.bn.runningVariance.assign(tf.fill(l.bn.runningVariance.shape, 0.5));
      }
    const op = createHvp(model, batch);
    const rng = createRng(2, 'v');
    const v = gaussian(rng, op.dim).map((x) => x / Math.sqrt(op.dim));
    const hv = op.apply(v);
    // ε for a unit-norm direction: truncation (∝ ε²) and float32 rounding (∝ 1e-7/ε) both stay small.
    const fd = finiteDifference(model, batch, v, 1e-3);
    const error = norm(hv.map((x, i) => x - fd[i])) / norm(hv);
    if (process.env.DEBUG_HV) console.log(`${arch}: relative error ${error}`);
    expect(error, `${arch}: relative error ${error}`).toBeLessThan(5e-3);
    expect(dot(v, hv)).not.toBe(0);
    disposeBatch(batch);
    model.dispose();
  });
});

/** dense 5 → 4 (ReLU) → 3: 39 parameters. */
function tinySpecs(): LayerSpec[] {
  const dense = (name: string, inD: number, outD: number, relu: boolean): LayerSpec => ({
    name,
    kind: 'dense',
    kernel: 1,
    outChannels: outD,
    bias: true,
    batchNorm: false,
    activation: relu ? 'relu' : 'none',
    pool: 'none',
    flatten: false,
    inShape: [inD],
    outShape: [outD],
    weightShape: [inD, outD],
    weightBits: 32,
    actBits: 32,
    macs: inD * outD,
    weightCount: inD * outD,
  });
  return [dense('fc1', 5, 4, true), dense('fc2', 4, 3, false)];
}

/** The tiny MLP's mean cross-entropy in float64; θ = [W1 (5×4), b1, W2 (4×3), b2]. */
function tinyLoss(theta: Float64Array, x: number[][], labels: number[]): number {
  const w1 = (i: number, j: number) => theta[i * 4 + j];
  const b1 = (j: number) => theta[20 + j];
  const w2 = (i: number, j: number) => theta[24 + i * 3 + j];
  const b2 = (j: number) => theta[36 + j];
  let total = 0;
  x.forEach((row, n) => {
    const h = [0, 1, 2, 3].map((j) =>
      Math.max(
        0,
        row.reduce((s, xi, i) => s + xi * w1(i, j), b1(j)),
      ),
    );
    const z = [0, 1, 2].map((j) => h.reduce((s, hi, i) => s + hi * w2(i, j), b2(j)));
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((s, zj) => s + Math.exp(zj - m), 0));
    total += lse - z[labels[n]];
  });
  return total / x.length;
}

describe('the exact Hessian of a tiny MLP', () => {
  it('every column H e_i matches the float64 second differences of the loss', () => {
    const exp = experimentSchema.parse({ quant: { weight: { bits: 32 }, act: { bits: 32 } } });
    const model = QuantModel.fromSpecs(exp, tinySpecs(), createQuantizer);
    const batch = randomBatch(6, 5, 3, 3);
    const op = createHvp(model, batch);
    expect(op.dim).toBe(39);
    const theta = new Float64Array(39);
    for (const s of op.slices) theta.set(s.variable.dataSync(), s.offset);
    // Biases away from zero so the ReLUs are not at their kinks.
    theta.set([0.3, -0.2, 0.25, 0.1], 20);
    model.layers[0].bias!.assign(tf.tensor1d([0.3, -0.2, 0.25, 0.1]));
    const x = batch.x.arraySync();
    const labels = (batch.labels.argMax(1).arraySync() as number[]).slice();
    const h = 1e-4;
    const at = (i: number, a: number, j: number, b: number) => {
      const t = Float64Array.from(theta);
      t[i] += a;
      t[j] += b;
      return tinyLoss(t, x, labels);
    };
    let maxError = 0;
    let maxEntry = 0;
    for (let i = 0; i < 39; i += 1) {
      const col = op.apply(Float64Array.from({ length: 39 }, (_, k) => (k === i ? 1 : 0)));
      for (let j = 0; j < 39; j += 1) {
        const exact = (at(i, h, j, h) - at(i, h, j, -h) - at(i, -h, j, h) + at(i, -h, j, -h)) / (4 * h * h);
        maxError = Math.max(maxError, Math.abs(col[j] - exact));
        maxEntry = Math.max(maxEntry, Math.abs(exact));
      }
    }
    if (process.env.DEBUG_HV) console.log(`tiny MLP: max |H − H_exact| / max |H| = ${maxError / maxEntry}`);
    expect(maxEntry).toBeGreaterThan(0.01);
    expect(maxError / maxEntry, `max |H − H_exact| / max |H| = ${maxError / maxEntry}`).toBeLessThan(1e-4);
    disposeBatch(batch);
    model.dispose();
  });

  it('the analysis leaves no tensor behind', async () => {
    const exp = experimentSchema.parse({ quant: { weight: { bits: 32 }, act: { bits: 32 } } });
    const model = QuantModel.fromSpecs(exp, tinySpecs(), createQuantizer);
    const batch = randomBatch(6, 5, 3, 3);
    await expectNoLeak(() =>
      analyzeHessian(model, batch, { ...HESSIAN_DEFAULTS, topK: 2, traceProbes: 3, density: true }),
    );
    const report = analyzeHessian(model, batch, {
      ...HESSIAN_DEFAULTS,
      topK: 2,
      traceProbes: 3,
      density: true,
    });
    expect(report.layers.map((l) => l.params)).toEqual([20, 12]);
    expect(report.model.params).toBe(39);
    expect(report.model.density!.weights[0].reduce((s, w) => s + w, 0)).toBeCloseTo(1, 6);
    disposeBatch(batch);
    model.dispose();
  });
});
