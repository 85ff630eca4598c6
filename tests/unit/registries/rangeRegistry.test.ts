/**
 * The range estimator registry (src/quant/range/registry.ts), worked example: a "max-abs ×0.9"
 * estimator registered here flows into the quantizer, and every list of names comes from the table.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RANGE_OPTIONS } from '../../../app/components/controls/QuantizerControls';
import { EXPERIMENT_FLAGS } from '../../../src/cli/flags';
import {
  RANGE_ESTIMATORS,
  weightQuantizerSchema,
  type RangeEstimatorName,
} from '../../../src/experiment/schema';
import { createQuantizer } from '../../../src/quant/quantizer';
import {
  RANGE_ESTIMATOR_DEFS,
  rangeEstimatorDef,
  registerRangeEstimator,
  trackedRange,
} from '../../../src/quant/range/registry';
import type { RangeRule } from '../../../src/quant/range/tracker';
import { expectClose, useCpuBackend } from '../../helpers/tf';

beforeAll(useCpuBackend);

/** Symmetric range ±0.9·max|x| of every call (per tensor, for brevity). */
const maxAbs90: RangeRule = {
  train: (x, s) => s.store(range90(x)),
  eval: (x, s) => s.store(range90(x)),
};
function range90(x: tf.Tensor): { min: tf.Tensor; max: tf.Tensor } {
  const m = tf.mul(tf.reshape(tf.max(tf.abs(x)), [1]), 0.9);
  return { min: tf.neg(m), max: m };
}

let unregister: (() => void) | null = null;
afterEach(() => {
  unregister?.();
  unregister = null;
});

describe('range estimator registry', () => {
  it('a registered estimator is what the quantizer uses, until it is removed', () => {
    unregister = registerRangeEstimator('maxabs-0.9', trackedRange('max-abs ×0.9', maxAbs90));
    // Only built-ins pass the schema; code may name a registered one directly.
    const config = { ...weightQuantizerSchema.parse({ bits: 4 }), range: 'maxabs-0.9' as RangeEstimatorName };
    const q = createQuantizer({ config, estimator: { name: 'ste' }, role: 'weight', shape: [4] });
    const y = q.apply(tf.tensor1d([-2, -0.5, 0.4, 1]), true);
    // s = 0.9·max|x| / qmax = 1.8/7 on the signed grid [−8, 7]; −2/s = −7.78 rounds to −8.
    const s = 1.8 / 7;
    expectClose(q.scale(), [s], 1e-6);
    expectClose(y, [-8 * s, -2 * s, 2 * s, 4 * s], 1e-5);
    // The clip fraction is tracked (not exact min–max): none of the four left the range [−8s, 7s].
    expectClose(q.clipFraction(), 0, 1e-7);
    q.dispose();
    unregister();
    unregister = null;
    expect(() => rangeEstimatorDef('maxabs-0.9')).toThrow(/unknown range estimator/);
  });

  it('built-in names cannot be taken', () => {
    expect(() => registerRangeEstimator('minmax', trackedRange('x', maxAbs90))).toThrow(/exists/);
  });

  it('the schema enum, the runner flags and the UI select list the registry, in order', () => {
    const names = Object.keys(RANGE_ESTIMATOR_DEFS);
    expect([...RANGE_ESTIMATORS]).toEqual(names);
    expect(names).toEqual(['minmax', 'ema', 'mse', 'percentile', 'hindsight', 'lsq', 'kl']);
    expect(weightQuantizerSchema.shape.range.removeDefault().options).toEqual(names);
    for (const flag of ['weight-range', 'act-range'])
      expect(EXPERIMENT_FLAGS.find((f) => f.name === flag)?.values).toEqual(names);
    expect(RANGE_OPTIONS.map((o) => o.value)).toEqual(names);
    expect(RANGE_OPTIONS.map((o) => o.label)).toEqual(names.map((n) => rangeEstimatorDef(n).label));
  });
});
