/** Shared setup of the checkpoint tests: small experiments that exercise every kind of state. */
import type * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { experimentSchema, type Experiment, type ExperimentInput } from '../../../src/experiment/schema';
import type { NamedTensors } from '../../../src/quant/types';

/**
 * A tiny MLP, 3-bit weights (4-bit on fc2) with a min-max range, 4-bit EMA activations, and
 * oscillation tracking with freezing (a low threshold, so weights do freeze within a few steps).
 */
export function tinyMlp(input: ExperimentInput = {}): Experiment {
  return experimentSchema.parse({
    data: { trainSize: 256, testSize: 64 },
    model: { hidden: [16] },
    quant: {
      weight: { bits: 3, range: 'minmax' },
      act: { bits: 4, range: 'ema' },
      layers: { fc2: { weightBits: 4 } },
    },
    oscillation: { track: true, freezeThreshold: 0.005, momentum: 0.1 },
    train: { steps: 40, batchSize: 16, reportEvery: 1, evalEvery: 1000, lr: 0.01 },
    ...input,
  });
}

/** A tiny CNN with BN, QuantNorm and LSQ weight scales, tracked and freezing. */
export function tinyCnn(input: ExperimentInput = {}): Experiment {
  return experimentSchema.parse({
    data: { trainSize: 128, testSize: 64 },
    model: { arch: 'cnn', widthMultiplier: 0.25 },
    quant: {
      weight: { bits: 3, range: 'lsq', perChannel: true },
      act: { bits: 4, range: 'ema' },
      quantNorm: true,
    },
    oscillation: { track: true, freezeThreshold: 0.005, momentum: 0.1 },
    train: { steps: 20, batchSize: 8, reportEvery: 1, evalEvery: 1000, lr: 0.05 },
    ...input,
  });
}

/** Bit patterns of a tensor (so −0 ≠ 0 and NaN = NaN, as the bytes are). */
function bits(t: tf.Tensor): number[] {
  const v = t.dataSync();
  return t.dtype === 'float32' ? Array.from(new Uint32Array(new Float32Array(v).buffer)) : Array.from(v);
}

/** Every tensor of `actual` equals `expected`'s bit for bit, and the names are the same. */
export function expectSameTensors(actual: NamedTensors, expected: NamedTensors): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, t] of Object.entries(expected)) {
    expect(actual[name].shape, name).toEqual(t.shape);
    expect(actual[name].dtype, name).toBe(t.dtype);
    expect(bits(actual[name]), name).toEqual(bits(t));
  }
}
