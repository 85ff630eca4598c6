/**
 * The loss landscape along Hessian eigenvectors (cpu, real tfjs): the scan on a quadratic whose
 * value along a direction is known in closed form, exact restoration of the weights, the 2-D grid's
 * shape and centre on a real MLP, the quantized forward's extra curves, and the spectrum job's
 * eigenvalues against the model's Hessian.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { experimentSchema } from '../../../src/experiment/schema';
import { analyzeHessian, HESSIAN_DEFAULTS } from '../../../src/hessian/analyze';
import { createHvp, floatLoss, type HessianBatch } from '../../../src/hessian/hvp';
import { lossLandscape, linspace, scanDirections } from '../../../src/hessian/landscape';
import { dot, gaussian, normalize } from '../../../src/hessian/linalg';
import { analyzeSpectrum } from '../../../src/hessian/spectrumReport';
import { QuantModel } from '../../../src/models/build';
import { createQuantizer } from '../../../src/quant/quantizer';
import { initBackend } from '../../../src/tensor/backend';
import { createRng } from '../../../src/tensor/rng';
import { expectNoLeak } from '../../helpers/tf';

beforeAll(async () => {
  await initBackend('cpu');
});

/** n random images and labels (seeded). */
function randomBatch(n: number, seed: number): HessianBatch {
  const rng = createRng(seed, 'batch');
  const labels = Array.from({ length: n }, () => Math.floor(rng() * 10));
  return {
    x: tf.tensor2d(
      Float32Array.from({ length: n * 784 }, () => rng()),
      [n, 784],
    ),
    labels: tf.oneHot(labels, 10).toFloat() as tf.Tensor2D,
  };
}

function mlp(weightBits = 32): QuantModel {
  const exp = experimentSchema.parse({
    model: { arch: 'mlp', hidden: [16] },
    quant: { weight: { bits: weightBits }, act: { bits: weightBits } },
  });
  return QuantModel.build(exp, createQuantizer);
}

const snapshot = (vars: tf.Variable[]) => vars.map((v) => Array.from(v.dataSync()));

describe('scanDirections', () => {
  it('follows a quadratic along a direction: L(α) = ½ Σ h_i (w_i + α d_i − c_i)², exactly', () => {
    const w = tf.variable(tf.tensor1d([0.5, -1, 2]));
    const u = tf.variable(tf.tensor2d([[0.25, 0.75]]));
    const [h, c] = [
      [2, 1, 0.5, 4, 3],
      [1, 0, 1.5, -0.5, 1],
    ];
    const d = normalize(Float64Array.from([1, -2, 0.5, 3, -1]));
    const measure = () => {
      const flat = tf.concat([w, tf.reshape(u, [-1])]);
      const r = tf.sub(flat, tf.tensor1d(c));
      return tf.reshape(tf.mul(0.5, tf.sum(tf.mul(tf.tensor1d(h), tf.square(r)))), [1]) as tf.Tensor1D;
    };
    const alphas = linspace(-0.5, 0.5, 11);
    const before = snapshot([w, u]);
    const rows = scanDirections(
      [w, u],
      [d],
      alphas.map((a) => [a]),
      measure,
    );
    const w0 = [...before[0], ...before[1]];
    alphas.forEach((a, k) => {
      const analytic = 0.5 * h.reduce((s, hi, i) => s + hi * (w0[i] + a * d[i] - c[i]) ** 2, 0);
      expect(rows[k][0]).toBeCloseTo(analytic, 5);
    });
    // Its second difference is the curvature dᵀHd, the quantity the eigenvectors maximize.
    const step = alphas[1] - alphas[0];
    const curvature = (rows[0][0] - 2 * rows[1][0] + rows[2][0]) / step ** 2;
    expect(curvature).toBeCloseTo(
      h.reduce((s, hi, i) => s + hi * d[i] ** 2, 0),
      3,
    );
    expect(snapshot([w, u])).toEqual(before);
    tf.dispose([w, u]);
  });

  it('restores the variables bit for bit when a measurement throws, and leaks no tensor', async () => {
    const w = tf.variable(tf.tensor1d([0.1, 0.2, 0.3]));
    const before = snapshot([w]);
    const d = normalize(Float64Array.from([1, 1, 1]));
    let calls = 0;
    const failing = () => {
      calls += 1;
      if (calls === 3) throw new Error('boom');
      return tf.reshape(tf.sum(w), [1]) as tf.Tensor1D;
    };
    expect(() => scanDirections([w], [d], [[0.3], [0.1], [-0.2]], failing)).toThrow('boom');
    expect(snapshot([w])).toEqual(before);
    await expectNoLeak(() => scanDirections([w], [d], [[0.3], [-0.2]], () => tf.reshape(tf.sum(w), [1])));
    w.dispose();
  });

  it('keeps 0 exactly in the middle of an odd symmetric grid', () => {
    expect(linspace(-0.5, 0.5, 21)[10]).toBe(0);
    expect(linspace(-0.5, 0.5, 21)[0]).toBe(-0.5);
    expect(linspace(-0.5, 0.5, 21)[20]).toBe(0.5);
  });
});

describe('lossLandscape on an MLP', () => {
  it('has the 1-D and 2-D shapes, its centre is the base loss, and the weights are unchanged', () => {
    const model = mlp();
    const batch = randomBatch(16, 3);
    const vars = model.parameters();
    const dim = vars.reduce((s, v) => s + v.size, 0);
    const rng = createRng(4, 'dirs');
    const v1 = normalize(gaussian(rng, dim));
    const v2 = normalize(gaussian(rng, dim));
    const before = snapshot(vars);
    const base = tf.tidy(() => floatLoss(model, batch).dataSync()[0]);
    const land = lossLandscape(model, batch, [v1, v2], { points: 7, radius: 0.5 });
    expect(land.alphas).toHaveLength(7);
    expect(land.loss1d).toHaveLength(7);
    expect(land.accuracy1d.every((a) => a >= 0 && a <= 1)).toBe(true);
    expect(land.quantLoss1d).toBeUndefined();
    expect(land.loss1d[3]).toBeCloseTo(base, 6);
    const grid = land.grid2d!;
    expect(grid.loss).toHaveLength(7);
    expect(grid.loss.every((row) => row.length === 7)).toBe(true);
    expect(grid.loss[3][3]).toBeCloseTo(base, 6);
    // The grid's β = 0 column is the 1-D line.
    grid.loss.forEach((row, i) => expect(row[3]).toBeCloseTo(land.loss1d[i], 5));
    expect(snapshot(vars)).toEqual(before);
    model.dispose();
    tf.dispose([batch.x, batch.labels]);
  });

  it('adds the quantized forward along the line for a quantized model', () => {
    const model = mlp(4);
    const batch = randomBatch(8, 5);
    const dim = model.parameters().reduce((s, v) => s + v.size, 0);
    const v1 = normalize(gaussian(createRng(6, 'dir'), dim));
    const land = lossLandscape(model, batch, [v1], { points: 5, radius: 0.5 });
    expect(land.grid2d).toBeUndefined();
    expect(land.quantLoss1d).toHaveLength(5);
    expect(land.quantAccuracy1d).toHaveLength(5);
    expect(land.quantLoss1d!.every(Number.isFinite)).toBe(true);
    model.dispose();
    tf.dispose([batch.x, batch.labels]);
  });
});

describe('analyzeSpectrum', () => {
  it("finds the model's top eigenpairs, an SLQ density and the landscape along them", async () => {
    const model = mlp();
    const batch = randomBatch(16, 7);
    const before = snapshot(model.parameters());
    const phases = new Set<string>();
    const report = await analyzeSpectrum(
      model,
      batch,
      { topK: 2, lanczosSteps: 12, slqRuns: 1, points: 5, seed: 1 },
      (phase) => phases.add(phase),
    );
    expect([...phases]).toEqual(['eigenvalues', 'density', 'landscape']);
    expect(report.topEigenvalues).toHaveLength(2);
    expect(Math.abs(report.topEigenvalues[0])).toBeGreaterThanOrEqual(
      Math.abs(report.topEigenvalues[1]) * 0.99,
    );
    // The largest Ritz value of SLQ approaches the top eigenvalue from below.
    expect(Math.max(...report.density.nodes[0])).toBeLessThanOrEqual(report.topEigenvalues[0] * 1.01);
    expect(report.density.weights[0].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 8);
    expect(report.landscape.grid2d?.loss).toHaveLength(5);
    // λ₁ = v₁ᵀHv₁, checked against a fresh product.
    const hvp = createHvp(model, batch);
    const dim = hvp.dim;
    const rng = createRng(2, 'probe');
    const v = normalize(gaussian(rng, dim));
    expect(Math.abs(dot(v, hvp.apply(v)))).toBeLessThanOrEqual(Math.abs(report.topEigenvalues[0]) * 1.01);
    expect(snapshot(model.parameters())).toEqual(before);
    model.dispose();
    tf.dispose([batch.x, batch.labels]);
  });
});

describe("the runner's analysis with a landscape", () => {
  it('computes the top two eigenvectors for it even at top-k 1, and leaves no tensor behind', async () => {
    const model = mlp();
    const batch = randomBatch(8, 11);
    const options = { ...HESSIAN_DEFAULTS, topK: 1, traceProbes: 0, landscape: { points: 5, radius: 0.5 } };
    const report = analyzeHessian(model, batch, options);
    expect(report.model.topEigenvalues).toHaveLength(2);
    expect(report.layers[0].topEigenvalues).toHaveLength(1);
    const land = report.model.landscape!;
    expect(land.loss1d).toHaveLength(5);
    expect(land.grid2d!.loss.map((r) => r.length)).toEqual([5, 5, 5, 5, 5]);
    expect(land.loss1d[2]).toBeCloseTo(
      tf.tidy(() => floatLoss(model, batch).dataSync()[0]),
      6,
    );
    await expectNoLeak(() => analyzeHessian(model, batch, options), { warmup: 0, repeats: 1 });
    model.dispose();
    tf.dispose([batch.x, batch.labels]);
  });
});
