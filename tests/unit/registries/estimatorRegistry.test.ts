/**
 * The gradient-estimator registry (src/estimators/registry.ts), worked example: a "half STE"
 * (Q̂' = ½ everywhere) registered here is what a quantizer's backward pass uses, and every list of
 * built-in names (schema, runner flag, UI select) comes from one table.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ESTIMATOR_OPTIONS } from '../../../app/components/controls/EstimatorControls';
import { EXPERIMENT_FLAGS } from '../../../src/cli/flags';
import { ESTIMATORS, estimatorDerivative, registerEstimator } from '../../../src/estimators/registry';
import type { EstimatorDef } from '../../../src/estimators/types';
import {
  ESTIMATOR_LABELS,
  ESTIMATOR_NAMES,
  weightQuantizerSchema,
  type EstimatorName,
} from '../../../src/experiment/schema';
import { createQuantizer } from '../../../src/quant/quantizer';
import { expectClose, useCpuBackend } from '../../helpers/tf';

beforeAll(useCpuBackend);

const half = 'half-ste' as EstimatorName;
const halfSte: EstimatorDef = {
  name: half,
  defaultParam: NaN,
  scalar: true,
  derivative: () => 0.5,
  create: () => ({ name: half, param: NaN, usesInput: false, backward: (dy) => tf.mul(dy, 0.5) }),
};

let unregister: (() => void) | null = null;
afterEach(() => {
  unregister?.();
  unregister = null;
});

describe('gradient estimator registry', () => {
  it('a registered estimator is what the quantizer differentiates with, until it is removed', () => {
    unregister = registerEstimator(half, halfSte);
    const q = createQuantizer({
      config: weightQuantizerSchema.parse({ bits: 4 }),
      estimator: { name: half },
      role: 'weight',
      shape: [4],
    });
    const x = tf.tensor1d([-2, -0.5, 0.4, 1]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(q.apply(v, true)))(x);
    expectClose(g, [0.5, 0.5, 0.5, 0.5]);
    expect(estimatorDerivative({ name: half }, 0.3)).toBe(0.5);
    q.dispose();
    unregister();
    unregister = null;
    expect(() => estimatorDerivative({ name: half }, 0.3)).toThrow(/unknown gradient estimator half-ste/);
  });

  it('refuses a name that is taken', () => {
    expect(() => registerEstimator('ste', halfSte)).toThrow(/exists/);
  });

  it('every built-in name has an implementation, a label, a runner choice and a select option', () => {
    expect(Object.keys(ESTIMATORS).sort()).toEqual([...ESTIMATOR_NAMES].sort());
    const flag = EXPERIMENT_FLAGS.find((f) => f.name === 'estimator')!;
    expect(flag.values).toEqual(ESTIMATOR_NAMES);
    expect(ESTIMATOR_OPTIONS.map((o) => o.value)).toEqual(ESTIMATOR_NAMES);
    expect(ESTIMATOR_OPTIONS.map((o) => o.label)).toEqual(ESTIMATOR_NAMES.map((n) => ESTIMATOR_LABELS[n]));
  });
});
