/**
 * The Sensitivity workspace's core: cheap per-layer sensitivity (SQNR, one-layer accuracy drops) on
 * a small trained MLP, the two-seed traces and their agreement, the budget slider's allocation and
 * shadow price, and the options' query form.
 */
import { describe, expect, it } from 'vitest';
import { experimentSchema } from '../../../src/experiment/schema';
import { allocateAtFraction, budgetShadowPrice } from '../../../src/mixed/budget';
import { buildProblem, layerCandidates } from '../../../src/mixed/allocate';
import { loadSolver, lpText } from '../../../src/mixed/ilp';
import { cheapSensitivity, sqnrDb } from '../../../src/mixed/layerSensitivity';
import {
  decodeSensitivityQuery,
  encodeSensitivityQuery,
  SENSITIVITY_DEFAULTS,
} from '../../../src/mixed/sensitivityQuery';
import { pooledTraces, rankByTrace, traceAgreement, traceSeeds } from '../../../src/mixed/traceSeeds';
import { createRng, uniformArray } from '../../../src/tensor/rng';
import { useTrainedFloatMlp } from '../../helpers/trained';
import { expectNoLeak } from '../../helpers/tf';

/** Nearest rounding of x on a uniform grid of 2^bits levels over [−1, 1]. */
function roundUniform(x: Float32Array, bits: number): Float32Array {
  const s = 2 / (2 ** bits - 1);
  return x.map((v) => Math.round((v + 1) / s) * s - 1);
}

describe('sqnrDb', () => {
  it('grows about 6 dB per bit on a uniform tensor', () => {
    const x = uniformArray(createRng(3, 'sqnr'), 20_000, -1, 1);
    const db = [2, 3, 4, 5, 6, 7, 8].map((b) => sqnrDb(x, roundUniform(x, b)));
    // Uniform noise of step s = 2/(2^b − 1): SQNR grows by 20·log10 of the step ratio, → 6.02 dB.
    const stepRatioDb = (b: number) => 20 * Math.log10((2 ** b - 1) / (2 ** (b - 1) - 1));
    for (let i = 1; i < db.length; i += 1)
      expect(Math.abs(db[i]! - db[i - 1]! - stepRatioDb(i + 2))).toBeLessThan(0.3);
    expect(Math.abs(db[6]! - db[5]! - 6.02)).toBeLessThan(0.3);
    expect(sqnrDb([1, 2], [1, 2])).toBe(Infinity);
  });
});

describe('on a trained MLP', () => {
  const { exp, data, trainer } = useTrainedFloatMlp({
    hidden: [32],
    trainSize: 2000,
    testSize: 500,
    steps: 150,
  });

  it('quantizing one layer at 2 bits costs more accuracy and SQNR than at 8', async () => {
    const opts = { testCount: 500, calibSize: 64, seed: 1 };
    const at2 = await cheapSensitivity(trainer().model, exp, data, { ...opts, bits: 2 });
    const at8 = await cheapSensitivity(trainer().model, exp, data, { ...opts, bits: 8 });
    expect(at2.layers.map((l) => l.name)).toEqual(['fc1', 'fc2']);
    expect(at2.floatAccuracy).toBeGreaterThan(0.8);
    expect(at8.floatAccuracy).toBe(at2.floatAccuracy);
    for (const [i, l] of at8.layers.entries()) {
      const low = at2.layers[i]!;
      expect(Math.abs(l.weightDrop), l.name).toBeLessThan(0.02);
      expect(Math.abs(l.actDrop), l.name).toBeLessThan(0.02);
      expect(low.sqnrDb, l.name).toBeLessThan(l.sqnrDb - 20);
      expect(low.weightDrop + low.actDrop, l.name).toBeGreaterThan(l.weightDrop + l.actDrop);
    }
    // At 2 bits, weights alone and activations alone each cost accuracy somewhere.
    expect(Math.max(...at2.layers.map((l) => l.weightDrop))).toBeGreaterThan(0.02);
    expect(Math.max(...at2.layers.map((l) => l.actDrop))).toBeGreaterThan(0.01);
    await expectNoLeak(
      () => cheapSensitivity(trainer().model, exp, data, { ...opts, bits: 4, testCount: 100 }),
      {
        repeats: 1,
      },
    );
  }, 60_000);

  it('two probe seeds: traces, their agreement, Ω, then an allocation that moves with the budget', async () => {
    const report = await traceSeeds(trainer().model, exp, data, {
      probes: 8,
      batchSize: 32,
      seeds: [1, 2],
      bits: [2, 4, 8],
    });
    const [a, b] = report.seeds;
    expect(a.layers.map((l) => l.name)).toEqual(['fc1', 'fc2']);
    expect(a.layers[0]!.trace).not.toBe(b.layers[0]!.trace);
    for (const l of [...a.layers, ...b.layers]) expect(l.traceStdErr).toBeGreaterThan(0);
    expect(report.agreement).toEqual(traceAgreement(a.layers, b.layers));
    for (const s of report.sensitivity) expect(s.omega[2]).toBeGreaterThan(s.omega[8]!);

    const highs = await loadSolver();
    const ask = { bits: [2, 4, 8], actBits: 'tied' as const, axis: 'bops' as const };
    const low = allocateAtFraction(highs, exp, report.sensitivity, { ...ask, fraction: 0 });
    const high = allocateAtFraction(highs, exp, report.sensitivity, { ...ask, fraction: 1 });
    expect(low.result.layers.map((l) => l.weightBits)).toEqual([2, 2]);
    expect(high.result.layers.map((l) => l.weightBits)).toEqual([8, 8]);
    expect(low.result.cost.bops).toBeCloseTo(low.range.min, 0);
    expect(high.budget).toBeGreaterThanOrEqual(high.range.max);
    expect(high.result.uniform?.bits).toBe(8);
    expect(low.result.objective).toBeGreaterThan(high.result.objective);
  }, 120_000);

  it('more probe seeds (a lesson’s): every seed’s traces; agreement and Ω from the first two', async () => {
    const options = { probes: 4, batchSize: 16, bits: [2, 8] };
    const pair = await traceSeeds(trainer().model, exp, data, { ...options, seeds: [1, 2] });
    const three = await traceSeeds(trainer().model, exp, data, { ...options, seeds: [1, 2, 3] });
    expect(three.seeds.map((x) => x.seed)).toEqual([1, 2, 3]);
    expect(three.seeds[0].layers).toEqual(pair.seeds[0].layers);
    expect(three.seeds[2]!.layers[0]!.trace).not.toBe(three.seeds[0].layers[0]!.trace);
    expect(three.agreement).toEqual(pair.agreement);
    expect(three.sensitivity).toEqual(pair.sensitivity);
  }, 120_000);
});

describe('ranking agreement', () => {
  const t = (name: string, trace: number, traceStdErr: number) => ({ name, params: 10, trace, traceStdErr });
  it('same order with separated intervals is resolved; a swap or an overlap is not', () => {
    const a = [t('x', 10, 1), t('y', 3, 0.5), t('z', 1, 0.2)];
    expect(rankByTrace(a)).toEqual(['x', 'y', 'z']);
    expect(traceAgreement(a, a)).toEqual({ sameOrder: true, overlapping: [] });
    const swapped = [t('x', 10, 1), t('y', 0.9, 0.5), t('z', 1, 0.2)];
    expect(traceAgreement(a, swapped).sameOrder).toBe(false);
    expect(traceAgreement(a, swapped).overlapping).toEqual([{ a: 'y', b: 'z' }]);
    const wide = [t('x', 10, 4), t('y', 3, 4), t('z', 1, 0.2)];
    expect(traceAgreement(a, wide)).toMatchObject({
      sameOrder: true,
      overlapping: [
        { a: 'x', b: 'y' },
        { a: 'y', b: 'z' },
      ],
    });
    expect(pooledTraces([t('x', 2, 3)], [t('x', 4, 4)])[0]).toMatchObject({ trace: 3, traceStdErr: 2.5 });
  });
});

describe('the budget shadow price', () => {
  it('is the LP relaxation’s slope of ΣΩ in the budget', async () => {
    const highs = await loadSolver();
    const exp = experimentSchema.parse({ model: { hidden: [64, 32] } });
    const sens = ['fc1', 'fc2', 'fc3'].map((name, l) => ({
      name,
      omega: { 2: 9 * (l + 1), 4: 3 * (l + 1), 8: 0.1 * (l + 1) },
    }));
    const options = {
      bits: [2, 4, 8],
      actBits: 'tied' as const,
      axis: 'bops' as const,
      randomCount: 0,
      seed: 1,
    };
    const candidates = layerCandidates(exp, { ...options, budget: 1 });
    const lp = (budget: number) => buildProblem(exp, candidates, sens, { ...options, budget });
    const mid = allocateAtFraction(highs, exp, sens, { ...options, fraction: 0.4 });
    const price = budgetShadowPrice(highs, lp(mid.budget))!;
    expect(price).toBeGreaterThan(0);
    expect(mid.shadowPrice).toBeCloseTo(price, 12);
    // Against a finite difference of the relaxation's optimum.
    const relaxed = (budget: number) => {
      const p = lp(budget);
      const scale = Math.max(...p.objective.flat());
      const r = highs.solve(lpText(p).replace(/\nBinary\n[^\n]*/, ''), { output_flag: false });
      return r.ObjectiveValue * scale;
    };
    const h = mid.budget * 1e-4;
    const slope = (relaxed(mid.budget - h) - relaxed(mid.budget + h)) / (2 * h);
    expect(price).toBeCloseTo(slope, 6);
  });
});

describe('the options in a query', () => {
  it('writes only what differs from the defaults and reads it back', () => {
    expect(encodeSensitivityQuery(SENSITIVITY_DEFAULTS)).toBe('');
    const o = { ...SENSITIVITY_DEFAULTS, bits: [2, 4, 8], axis: 'size' as const, budget: 30, probes: 40 };
    const q = encodeSensitivityQuery(o);
    expect(q).toBe('bits.2-4-8_axis.size_budget.30_probes.40');
    expect(decodeSensitivityQuery(q)).toEqual({ options: o, warnings: [] });
  });

  it('drops what it cannot read and clamps what is out of bounds, with warnings', () => {
    const { options, warnings } = decodeSensitivityQuery('axis.latency_budget.300_nope_probes.1');
    expect(options).toEqual({ ...SENSITIVITY_DEFAULTS, budget: 100, probes: 2 });
    expect(warnings).toHaveLength(4);
  });
});
