/** The filled-in formulas of the explain tooltips: exact strings for known values. */
import { describe, expect, it } from 'vitest';
import {
  describeGrid,
  explainLayerCost,
  explainMetric,
  explainOscillation,
  explainWeight,
  gradientOf,
  gridOf,
  macsLine,
  num,
  weightQuantInfo,
} from '../../../app/components/explain/formulas';
import { costOfExperiment } from '../../../src/cost/report';
import { parseExperiment, type ExperimentInput } from '../../../src/experiment/schema';
import { describeModel } from '../../../src/models/spec';
import { gridFor } from '../../../src/quant/quantizer';

const exp = (input: ExperimentInput) => {
  const r = parseExperiment(input);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const filled = (e: { lines: { label: string; filled: string }[] }, label: string) =>
  e.lines.find((l) => l.label === label)?.filled;

describe('num', () => {
  it('prints integers as is, others to 4 significant digits, with a true minus', () => {
    expect(num(3)).toBe('3');
    expect(num(0.2)).toBe('0.2');
    expect(num(0.1 * 2)).toBe('0.2');
    expect(num(0.030000000000000027)).toBe('0.03');
    expect(num(-4)).toBe('−4');
    expect(num(0.123456)).toBe('0.1235');
  });
});

describe('gridOf', () => {
  it('matches the quantizer’s own grid for every bitwidth, role and symmetry', () => {
    for (const bits of [2, 3, 4, 8])
      for (const symmetric of [true, false])
        for (const role of ['weight', 'act'] as const) {
          const config = exp({ quant: { weight: { bits, symmetric } } }).quant.weight;
          const want = gridFor({ config, estimator: { name: 'ste' }, role, shape: [4] });
          expect(gridOf(bits, symmetric, role)).toEqual(want);
        }
  });

  it('names the grid: full signed range for symmetric weights, [0, 2^b−1] otherwise', () => {
    expect(describeGrid(gridOf(3, true, 'weight'), true)).toBe(
      '3-bit signed symmetric grid [−4, 3] (8 levels)',
    );
    expect(describeGrid(gridOf(2, true, 'weight'), true)).toBe(
      '2-bit signed symmetric grid [−2, 1] (4 levels)',
    );
    expect(describeGrid(gridOf(4, true, 'act'), true)).toBe(
      '4-bit unsigned symmetric grid [0, 15] (16 levels)',
    );
    expect(describeGrid(gridOf(3, false, 'weight'), false)).toBe('3-bit asymmetric grid [0, 7] (8 levels)');
  });
});

describe('explainWeight', () => {
  const grid = gridOf(3, true, 'weight');
  const base = { s: 0.1, z: 0, grid, symmetric: true, estimator: { name: 'ste' as const } };

  it('x = 0.23, s = 0.1, z = 0, 3 bits symmetric: q = 2, x̂ = 0.2, the gradient passes', () => {
    const e = explainWeight({ ...base, x: 0.23 });
    expect(e.q).toBe(2);
    expect(e.xHat).toBeCloseTo(0.2, 12);
    expect(e.gradient.passes).toBe(true);
    expect(filled(e, 'integer code')).toBe('q = clamp(round(2.3) + 0, −4, 3) = 2');
    expect(filled(e, 'quantized weight')).toBe('x̂ = 0.1·(2 − 0) = 0.2');
    expect(filled(e, 'gradient ∂x̂/∂x')).toBe('v = 2.3 → passes (×1)');
    expect(filled(e, 'grid')).toBe('3-bit signed symmetric grid [−4, 3] (8 levels)');
    expect(e.notes).toEqual([]);
  });

  it('clamps at the grid ends; the clipped STE masks there and the STE does not', () => {
    const ste = explainWeight({ ...base, x: 0.52 });
    expect(ste.q).toBe(3);
    expect(filled(ste, 'integer code')).toBe('q = clamp(round(5.2) + 0, −4, 3) = 3');
    expect(ste.gradient.passes).toBe(true);
    const clipped = explainWeight({ ...base, x: 0.52, estimator: { name: 'clipped-ste' } });
    expect(clipped.gradient.passes).toBe(false);
    expect(filled(clipped, 'gradient ∂x̂/∂x')).toBe('v = 5.2 outside [−4, 3] → masked (×0)');
    const inside = explainWeight({ ...base, x: -0.23, estimator: { name: 'clipped-ste' } });
    expect(filled(inside, 'gradient ∂x̂/∂x')).toBe('v = −2.3 ∈ [−4, 3] → passes (×1)');
  });

  it('asymmetric: the zero point shifts the code and comes back out of x̂', () => {
    const e = explainWeight({
      x: 0.23,
      s: 0.1,
      z: 3,
      grid: gridOf(3, false, 'weight'),
      symmetric: false,
      estimator: { name: 'ste' },
    });
    expect(e.q).toBe(5);
    expect(filled(e, 'quantized weight')).toBe('x̂ = 0.1·(5 − 3) = 0.2');
  });

  it('rounds half to even, as tf.round does', () => {
    expect(explainWeight({ ...base, s: 0.5, x: 1.25 }).q).toBe(2);
    expect(explainWeight({ ...base, s: 0.5, x: 0.75 }).q).toBe(2);
  });

  it('EWGS scales by 1 ± δ·(v − round(v)) with δ in code units', () => {
    const g = gradientOf(2.3, grid, { name: 'ewgs', param: 0.2 });
    expect(g.factor).toBeCloseTo(1.06, 12);
    expect(g.line.filled).toBe('δ = 0.2, v − round(v) = 0.3 → passes, ×1.06 if g > 0, ×0.94 if g < 0');
  });

  it('soft estimators scale by Q̂′(v); a frozen weight gets no gradient', () => {
    expect(gradientOf(0, grid, { name: 'cosine', param: 0.5 }).line.filled).toBe(
      'Q̂′(0) = 1.5 → passes (×1.5)',
    );
    const frozen = explainWeight({ ...base, x: 0.23, frozen: true });
    expect(frozen.gradient.passes).toBe(false);
    expect(filled(frozen, 'gradient ∂x̂/∂x')).toBe('no gradient (×0)');
  });

  it('notes a reported code that differs from the formula’s', () => {
    const e = explainWeight({ ...base, x: 0.23, reportedCode: 3 });
    expect(e.notes.join(' ')).toContain('reported code 3');
  });
});

describe('weightQuantInfo', () => {
  it('reads the layer’s grid and estimator; per-channel says the scale is a mean', () => {
    const e = exp({ model: { arch: 'mlp', hidden: [32] }, quant: { weight: { bits: 3, perChannel: true } } });
    const info = weightQuantInfo(e, 'fc1')!;
    expect(info.grid).toEqual({ bits: 3, qmin: -4, qmax: 3 });
    expect(info.gaps[0]).toContain('not reported');
    expect(weightQuantInfo(exp({ quant: { weight: { bits: 32 } } }), 'fc1')).toBeNull();
  });
});

describe('explainMetric', () => {
  it('says a training value is one batch and a test value the test split', () => {
    const train = explainMetric({
      metric: 'accuracy',
      split: 'train',
      value: 27 / 32,
      step: 120,
      batchSize: 32,
      testSize: 256,
    });
    expect(train.lines[0].filled).toBe('27 / 32 = 84.4% (the 32 images of the training batch of step 120)');
    const test = explainMetric({
      metric: 'loss',
      split: 'test',
      value: 0.4123,
      step: 100,
      batchSize: 32,
      testSize: 256,
    });
    expect(test.lines[0].formula).toBe('L = −(1/N)·Σᵢ log p(yᵢ | xᵢ)');
    expect(test.lines[0].filled).toBe('N = 256 (all 256 images of the test split, at step 100): L = 0.4123');
  });
});

describe('explainOscillation', () => {
  it('fills the EMA with its momentum and threshold', () => {
    const e = explainOscillation({
      momentum: 0.05,
      reportThreshold: 0.02,
      freezeThreshold: 0,
      layer: 'fc1',
      oscillatingFraction: 0.125,
      step: 40,
    });
    expect(filled(e, 'frequency (EMA)')).toBe('f ← 0.05·osc + 0.95·f');
    expect(filled(e, 'oscillating fraction')).toBe('threshold = 0.02; fc1 at step 40: 12.5%');
    expect(e.lines.some((l) => l.label === 'frozen fraction')).toBe(false);
  });
});

describe('explainLayerCost', () => {
  it('fills MACs, BOPs, ACE and size for a dense layer', () => {
    const e = exp({ model: { arch: 'mlp', hidden: [32] }, quant: { weight: { bits: 3 }, act: { bits: 8 } } });
    const report = costOfExperiment(e);
    const spec = describeModel(e)[0];
    const x = explainLayerCost(report.layers[0], spec, report.options.floatBits);
    expect(filled(x, 'MACs per image')).toBe('784·32 = 25088');
    expect(filled(x, 'BOPs')).toBe('25088·3·8 = 602112 (602k)');
    expect(filled(x, 'ACE')).toBe('25088·3·8 = 602112 (602k)');
    const size = report.layers[0].sizeBreakdown;
    expect(filled(x, 'size')).toBe(
      `25088·3 + ${size.bias} + ${size.bn} + ${size.scales} = ${report.layers[0].sizeBits} bits = ${num(report.layers[0].sizeBits / 8)} B`,
    );
  });

  it('conv MACs spell out H·W·k·k·C_in·C_out', () => {
    const spec = describeModel(exp({ model: { arch: 'cnn' } }))[0];
    expect(macsLine(spec).formula).toBe('H·W·k·k·C_in·C_out');
    expect(macsLine(spec).filled).toBe(
      `28·28·${spec.kernel}·${spec.kernel}·1·${spec.outChannels} = ${spec.macs}`,
    );
  });
});
