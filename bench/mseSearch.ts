/**
 * How much lower the 2-D MSE range search's error is than the 1-D shrink's (src/quant/range/mse.ts,
 * docs/conventions.md §5): asymmetric per-tensor quantizers, a few seeded distributions, 2/3/4/8
 * bits. Prints a markdown table of the mean reduction of Σ(x − q(x))² over seeds (min–max in
 * brackets). Run: `npx tsx bench/mseSearch.ts` (wasm backend, ~1 min).
 */
import * as tf from '@tensorflow/tfjs-core';
import { makeGrid, rangeToScale } from '../src/quant/grid';
import type { Grid } from '../src/quant/types';
import { mseRange } from '../src/quant/range/mse';
import { initBackend } from '../src/tensor/backend';
import { createRng, normalArray, uniformArray } from '../src/tensor/rng';

const N = 4096;
const SEEDS = [1, 2, 3];
const BITS = [2, 3, 4, 8];

type Sampler = (seed: number) => number[];
const normal = (seed: number, tag: string) => Array.from(normalArray(createRng(seed, tag), N));
/** Uniforms in (0, 1), for inverse-CDF sampling. */
const uniform = (seed: number, tag: string) =>
  Array.from(uniformArray(createRng(seed, tag), N, 1e-7, 1 - 1e-7));
const DISTRIBUTIONS: [string, Sampler][] = [
  ['Gaussian N(0, 1)', (s) => normal(s, 'n01')],
  ['offset Gaussian N(1, 1)', (s) => normal(s, 'n11').map((v) => 1 + v)],
  ['Laplace(0, 1)', (s) => uniform(s, 'lap').map((u) => (u < 0.5 ? Math.log(2 * u) : -Math.log(2 - 2 * u)))],
  ['skewed: Exp(1) − 0.5', (s) => uniform(s, 'exp').map((u) => -Math.log(u) - 0.5)],
  ['post-ReLU: max(N(0, 1), 0)', (s) => normal(s, 'relu').map((v) => Math.max(v, 0))],
];

function sse(xs: Float32Array, lo: number, hi: number, grid: Grid): number {
  const { scale, zeroPoint } = rangeToScale(lo, hi, grid, false);
  let e = 0;
  for (const x of xs) {
    const q = Math.min(Math.max(Math.round(x / scale) + zeroPoint, grid.qmin), grid.qmax);
    e += (x - scale * (q - zeroPoint)) ** 2;
  }
  return e;
}

async function main(): Promise<void> {
  await initBackend('wasm');
  const rows: string[] = [
    `| distribution | ${BITS.map((b) => `${b} bits`).join(' | ')} |`,
    `|---|${BITS.map(() => '---').join('|')}|`,
  ];
  for (const [name, sample] of DISTRIBUTIONS) {
    const cells = BITS.map((bits) => {
      const grid = makeGrid(bits, { symmetric: false, signed: false });
      const gains = SEEDS.map((seed) => {
        const x = tf.tensor1d(sample(seed));
        const data = x.dataSync() as Float32Array;
        const [e1, e2] = (['1d', '2d'] as const).map((search) => {
          const r = mseRange(x, null, grid, false, 100, search);
          const e = sse(data, r.min.dataSync()[0], r.max.dataSync()[0], grid);
          tf.dispose([r.min, r.max]);
          return e;
        });
        x.dispose();
        return 100 * (1 - e2 / e1);
      });
      const mean = gains.reduce((a, b) => a + b, 0) / gains.length;
      const f = (v: number) => Math.max(v, 0).toFixed(1); // float32 round-off can give −0.0x
      return `${f(mean)}% (${f(Math.min(...gains))}–${f(Math.max(...gains))})`;
    });
    rows.push(`| ${name} | ${cells.join(' | ')} |`);
  }
  console.log(rows.join('\n'));
}

void main();
