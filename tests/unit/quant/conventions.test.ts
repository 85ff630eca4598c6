/**
 * The quantizer conventions (docs/conventions.md §1, §5): the signed grid's scale (`signedGrid`),
 * the shortcuts that assume a min-max range clips nothing, the 2-D MSE search; and that every
 * convention field travels through links and runner flags.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/cli/flags';
import { experimentFromArgs } from '../../../src/cli/run';
import { DEFAULT_EXPERIMENT, experimentSchema, weightQuantizerSchema } from '../../../src/experiment/schema';
import { decodeLink, encodeLink } from '../../../src/experiment/url';
import { makeGrid, rangeToScale } from '../../../src/quant/grid';
import { createQuantizer, rangeHoldsTensor } from '../../../src/quant/quantizer';
import { mseRange } from '../../../src/quant/range/mse';
import type { Grid } from '../../../src/quant/types';
import { createRng, normalArray } from '../../../src/tensor/rng';
import { dampeningTargets } from '../../../src/train/dampening';
import { expectClose, expectNoLeak, useCpuBackend } from '../../helpers/tf';

beforeAll(useCpuBackend);

/** Codes and x̂ of x through a fresh weight quantizer with these config fields. */
function quantize(xs: number[], cfg: object) {
  const q = createQuantizer({
    config: weightQuantizerSchema.parse(cfg),
    estimator: { name: 'ste' },
    role: 'weight',
    shape: [xs.length],
  });
  const x = tf.tensor1d(xs);
  const out = { codes: Array.from(q.toInt(x).dataSync()), xHat: q.apply(x, true), q, x };
  return out;
}

const distinct = (a: number[]) => new Set(a).size;

describe('signedGrid (docs/conventions.md §1)', () => {
  it('grids and scales: 2 bits, max|x| = 1.5', () => {
    const lab = makeGrid(2, { symmetric: true, signed: true });
    const full = makeGrid(2, { symmetric: true, signed: true, fullRange: true });
    const narrow = makeGrid(2, { symmetric: true, signed: true, narrowRange: true });
    expect(full).toEqual({ bits: 2, qmin: -2, qmax: 1, rangeCode: 1.5 });
    expect(narrow).toEqual({ bits: 2, qmin: -1, qmax: 1 });
    expect(rangeToScale(-1.5, 1.2, lab, true).scale).toBe(1.5);
    expect(rangeToScale(-1.5, 1.2, full, true).scale).toBe(1);
    // 8 bits: s = max|x|/127.5, PyTorch's max|x|/((127 − (−128))/2).
    const full8 = makeGrid(8, { symmetric: true, signed: true, fullRange: true });
    expect(rangeToScale(-2, 2.55, full8, true).scale).toBeCloseTo(2.55 / 127.5, 12);
    // Unsigned and asymmetric grids already use all 2^b codes: fullRange changes nothing.
    expect(makeGrid(2, { symmetric: true, signed: false, fullRange: true })).toEqual({
      bits: 2,
      qmin: 0,
      qmax: 3,
    });
  });

  it('min-max, 2 bits: qmax uses 3 levels, full uses all 4 (the top of the range clips)', () => {
    const xs = Array.from({ length: 31 }, (_, i) => -1.5 + i * 0.1);
    const lab = quantize(xs, { bits: 2 });
    expect(distinct(lab.codes)).toBe(3);
    expect(Math.min(...lab.codes)).toBe(-1);
    const full = quantize(xs, { bits: 2, signedGrid: 'full' });
    expect(distinct(full.codes)).toBe(4);
    expect([Math.min(...full.codes), Math.max(...full.codes)]).toEqual([-2, 1]);
    // s = 1: x = 1.5 → v = 1.5 → round 2 → clamp 1 → x̂ = 1; x = −1.5 → −2 → x̂ = −2.
    const xh = full.xHat.dataSync();
    expect([xh[0], xh[30]]).toEqual([-2, 1]);
    expect(full.q.clipFraction().dataSync()[0]).toBeGreaterThan(0);
    expect(lab.q.clipFraction().dataSync()[0]).toBe(0);
    for (const r of [lab, full]) r.q.dispose();
  });

  it('narrow drops −2^(b−1) even where the range clips (percentile)', () => {
    const xs = Array.from({ length: 40 }, (_, i) => -2 + i * 0.1);
    const cfg = { bits: 2, range: 'percentile', percentile: 60 };
    const lab = quantize(xs, cfg);
    const narrow = quantize(xs, { ...cfg, signedGrid: 'narrow' });
    expect(Math.min(...lab.codes)).toBe(-2);
    expect(Math.min(...narrow.codes)).toBe(-1);
    for (const r of [lab, narrow]) r.q.dispose();
  });

  it('the min-max "nothing clips" shortcuts are off with the full grid (clip fraction, dampening)', () => {
    const cfg = (o: object) => weightQuantizerSchema.parse({ bits: 3, ...o });
    expect(rangeHoldsTensor(cfg({}))).toBe(true);
    expect(rangeHoldsTensor(cfg({ signedGrid: 'narrow' }))).toBe(true);
    expect(rangeHoldsTensor(cfg({ signedGrid: 'full' }))).toBe(false);
    expect(rangeHoldsTensor(cfg({ range: 'ema' }))).toBe(false);
    // With the full grid, the largest weight lies past s·qmax: the dampening clip mask is needed.
    const xs = [-0.7, -0.2, 0.1, 0.5, 0.9];
    const full = quantize(xs, { bits: 3, signedGrid: 'full' });
    const { target, inside } = dampeningTargets({
      latent: full.x,
      codes: full.q.toInt(full.x),
      scale: full.q.scale(),
      qmin: full.q.grid.qmin,
      qmax: full.q.grid.qmax,
      channelAxis: 0,
      allInside: rangeHoldsTensor(cfg({ signedGrid: 'full' })),
    });
    // s = 0.9/3.5; s·qmax = 0.9·3/3.5 = 0.771 < 0.9.
    expectClose(inside!, [1, 1, 1, 1, 0]);
    tf.dispose([target, inside!]);
    full.q.dispose();
  });
});

/** Σ (x − q(x))² of x (one channel) with the asymmetric range [lo, hi], as the quantizer computes it. */
function sse(xs: Float32Array, lo: number, hi: number, grid: Grid): number {
  const { scale, zeroPoint } = rangeToScale(lo, hi, grid, false);
  let e = 0;
  for (const x of xs) {
    const q = Math.min(Math.max(Math.round(x / scale) + zeroPoint, grid.qmin), grid.qmax);
    e += (x - scale * (q - zeroPoint)) ** 2;
  }
  return e;
}

describe('mseSearch (docs/conventions.md §5)', () => {
  const rng = createRng(5, 'mse-2d-test');
  const gauss = (n: number, mu: number, sd: number) => Array.from(normalArray(rng, n), (v) => mu + sd * v);
  const cases: [string, number[]][] = [
    ['N(0, 1)', gauss(2000, 0, 1)],
    ['N(1, 1)', gauss(2000, 1, 1)],
    ['ReLU(N(0, 1))', gauss(2000, 0, 1).map((v) => Math.max(v, 0))],
    ['N(3, 0.5)', gauss(2000, 3, 0.5)],
  ];

  it('2-D error ≤ 1-D error on every case and bitwidth, and lower somewhere', () => {
    let lower = 0;
    for (const [name, xs] of cases)
      for (const bits of [2, 3, 4, 8]) {
        const grid = makeGrid(bits, { symmetric: false, signed: false });
        const x = tf.tensor1d(xs);
        const [r1, r2] = (['1d', '2d'] as const).map((s) => {
          const r = mseRange(x, null, grid, false, 100, s);
          return [r.min.dataSync()[0], r.max.dataSync()[0]];
        });
        const data = x.dataSync() as Float32Array;
        const e1 = sse(data, r1[0], r1[1], grid);
        const e2 = sse(data, r2[0], r2[1], grid);
        expect(e2, `${name}, ${bits} bits`).toBeLessThanOrEqual(e1 * (1 + 1e-6));
        if (e2 < e1 * 0.99) lower++;
        x.dispose();
      }
    expect(lower).toBeGreaterThan(0);
  });

  it('per-channel, symmetric (1-D either way), no leaks', async () => {
    const grid = makeGrid(4, { symmetric: true, signed: true });
    const x = tf.tensor2d(gauss(64, 0, 1), [16, 4]);
    const a = mseRange(x, 1, grid, true, 100, '1d');
    const b = mseRange(x, 1, grid, true, 100, '2d');
    expectClose(b.max, a.max.dataSync() as Float32Array, 0);
    await expectNoLeak(() => {
      const r = mseRange(x, 1, makeGrid(3, { symmetric: false, signed: false }), false, 100, '2d');
      tf.dispose([r.min, r.max]);
    });
    tf.dispose([x, a.min, a.max, b.min, b.max]);
  });
});

describe('convention fields in links and runner flags', () => {
  const conventions = {
    quant: {
      weight: { signedGrid: 'full', mseSearch: '2d' },
      act: { signedGrid: 'narrow', mseSearch: '2d' },
    },
    estimator: { name: 'ewgs', param: 3, deltaUnits: 'normalized', clipMask: true, maskOn: 'rounded' },
  } as const;

  it('a link keeps them; a link without them loads with the lab defaults', () => {
    const exp = experimentSchema.parse(conventions);
    const back = decodeLink(encodeLink(exp));
    expect(back.ok && back.experiment).toEqual(exp);
    const old = decodeLink(encodeLink(DEFAULT_EXPERIMENT));
    expect(old.ok && old.experiment.quant.weight.signedGrid).toBe('qmax');
    expect(old.ok && old.experiment.estimator).toEqual({
      name: 'ste',
      deltaUnits: 'code',
      clipMask: false,
      maskOn: 'unrounded',
    });
  });

  it('the runner flags set them', () => {
    const argv = [
      ...['--weight-grid', 'full', '--act-grid', 'narrow', '--weight-mse', '2d', '--act-mse', '2d'],
      ...['--estimator', 'ewgs', '--estimator-param', '3', '--delta-units', 'normalized'],
      ...['--clip-mask', '--mask-on', 'rounded'],
    ];
    const args = parseArgs(argv);
    expect(args.ok).toBe(true);
    const exp = args.ok ? experimentFromArgs(args.value) : null;
    expect(exp?.ok && exp.value).toEqual(experimentSchema.parse(conventions));
  });
});
