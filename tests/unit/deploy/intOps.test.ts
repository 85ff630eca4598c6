/**
 * Exact integer matmuls and convolutions on tfjs's float kernels, against integer loops in
 * JavaScript, at fan-ins and code widths that need the digit split.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { digitBits, exactIntOp, fanIn } from '../../../src/deploy/intOps';
import type { LayerSpec } from '../../../src/models/spec';
import { createRng } from '../../../src/tensor/rng';
import { expectNoLeak, useCpuBackend } from '../../helpers/tf';

function spec(
  kind: LayerSpec['kind'],
  inShape: number[],
  weightShape: number[],
  outChannels: number,
): LayerSpec {
  return {
    name: 'l',
    kind,
    kernel: kind === 'dense' ? 1 : weightShape[0]!,
    outChannels,
    bias: false,
    batchNorm: false,
    activation: 'none',
    pool: 'none',
    flatten: false,
    inShape,
    outShape: [],
    weightShape,
    weightBits: 8,
    actBits: 8,
    macs: 0,
    weightCount: weightShape.reduce((a, b) => a * b, 1),
  };
}

/** exactIntOp on fresh tensors of x and w, disposed after. */
function run(
  s: LayerSpec,
  x: Float32Array,
  xShape: number[],
  w: Float32Array,
  z: number,
  bits: number,
  wMax: number,
) {
  const [xt, wt] = [tf.tensor(x, xShape), tf.tensor(w, s.weightShape)];
  const out = exactIntOp(s, xt, wt, z, bits, wMax);
  tf.dispose([xt, wt]);
  return out;
}

const ints = (n: number, lo: number, hi: number, stream: string) => {
  const rng = createRng(7, stream);
  return Float32Array.from({ length: n }, () => lo + Math.floor(rng() * (hi - lo + 1)));
};

/** Σ (x − z)·w over the 'same'-padded window, stride 1, NHWC; depthwise when `depthwise`. */
function convLoop(
  x: Float32Array,
  [n, h, w, c]: number[],
  wt: Float32Array,
  k: number,
  cout: number,
  z: number,
  depthwise: boolean,
) {
  const out = new Float64Array(n! * h! * w! * cout);
  const p = Math.floor(k / 2);
  for (let b = 0; b < n!; b++)
    for (let y = 0; y < h!; y++)
      for (let xx = 0; xx < w!; xx++)
        for (let o = 0; o < cout; o++) {
          let acc = 0;
          for (let dy = 0; dy < k; dy++)
            for (let dx = 0; dx < k; dx++) {
              const iy = y + dy - p;
              const ix = xx + dx - p;
              if (iy < 0 || ix < 0 || iy >= h! || ix >= w!) continue;
              const ins = depthwise ? [o] : Array.from({ length: c! }, (_, i) => i);
              for (const ci of ins) {
                const v = x[((b * h! + iy) * w! + ix) * c! + ci]! - z;
                const wi = depthwise ? (dy * k + dx) * c! + ci : ((dy * k + dx) * c! + ci) * cout + o;
                acc += v * wt[wi]!;
              }
            }
          out[((b * h! + y) * w! + xx) * cout + o] = acc;
        }
  return out;
}

describe('exactIntOp', () => {
  beforeAll(useCpuBackend);

  it('splits 8-bit codes into digits only when the fan-in needs it', () => {
    expect(digitBits(784, 127, 8)).toBe(7);
    expect(digitBits(3136, 128, 8)).toBe(5);
    expect(digitBits(9, 127, 8)).toBe(8);
    expect(() => digitBits(2 ** 20, 127, 8)).toThrow(/overflows/);
  });

  it('computes a wide dense layer exactly, past float32’s exact integers, with a zero point', () => {
    const [n, K, D] = [4, 3000, 6];
    const s = spec('dense', [K], [K, D], D);
    expect(fanIn(s)).toBe(K);
    const x = ints(n * K, 200, 255, 'x'); // near the top of the grid: sums reach 3000·255·127 ≈ 2^26.5
    const w = ints(K * D, 100, 127, 'w');
    const z = 3;
    const got = run(s, x, [n, K], w, z, 8, 127);
    expect(got.shape).toEqual([n, D]);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < D; j++) {
        let acc = 0;
        for (let k = 0; k < K; k++) acc += (x[i * K + k]! - z) * w[k * D + j]!;
        expect(got.values[i * D + j]).toBe(acc);
      }
    // The same sum in one float32 op is not exact: the split is needed.
    const single = tf.tidy(() => tf.matMul(tf.tensor2d(x, [n, K]), tf.tensor2d(w, [K, D])).dataSync());
    const exact = Array.from(
      got.values,
      (v, i) => v + z * Array.from({ length: K }, (_, k) => w[k * D + (i % D)]!).reduce((a, b) => a + b),
    );
    expect(Array.from(single).some((v, i) => v !== exact[i])).toBe(true);
  });

  for (const depthwise of [false, true])
    it(`computes a ${depthwise ? 'depthwise' : '3×3'} convolution exactly, padding at the zero point`, () => {
      const [n, h, w, c] = [2, 6, 5, 3];
      const cout = depthwise ? c : 4;
      const ws = depthwise ? [3, 3, c, 1] : [3, 3, c, cout];
      const s = spec(depthwise ? 'depthwise' : 'conv', [h, w, c], ws, cout);
      const x = ints(n * h * w * c, 0, 255, 'cx');
      const wt = ints(
        ws.reduce((a, b) => a * b, 1),
        -128,
        127,
        'cw',
      );
      const z = 17;
      const got = run(s, x, [n, h, w, c], wt, z, 8, 128);
      expect(Array.from(got.values)).toEqual(
        Array.from(convLoop(x, [n, h, w, c], wt, 3, cout, z, depthwise)),
      );
    });

  it('leaves no tensors behind', async () => {
    const s = spec('dense', [8], [8, 2], 2);
    const x = tf.tensor2d(ints(16, 0, 15, 'lx'), [2, 8]);
    const w = tf.tensor2d(ints(16, -7, 7, 'lw'), [8, 2]);
    await expectNoLeak(() => void exactIntOp(s, x, w, 2, 4, 7));
    tf.dispose([x, w]);
  });
});
