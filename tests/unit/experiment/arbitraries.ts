/**
 * fast-check arbitraries for valid experiments, built from the schema's enums and ranges, and for
 * hostile link payloads. Shared by the link round-trip and fuzz tests.
 */
import fc from 'fast-check';
import { layerNames } from '../../../src/models/spec';
import {
  BIT_CHOICES,
  ESTIMATOR_NAMES,
  type Experiment,
  experimentSchema,
  MODEL_ARCHS,
  OPTIMIZERS,
  RANGE_ESTIMATORS,
} from '../../../src/experiment/schema';

/** A double in (min, max] or [min, max]; +0 instead of −0 (JSON has no −0). */
function real(min: number, max: number, minExcluded = false): fc.Arbitrary<number> {
  return fc.double({ min, max, minExcluded, noNaN: true }).map((x) => (x === 0 ? 0 : x));
}

const bits = fc.constantFrom(...BIT_CHOICES);

const quantizer = fc.record({
  bits,
  symmetric: fc.boolean(),
  perChannel: fc.boolean(),
  range: fc.constantFrom(...RANGE_ESTIMATORS),
  percentile: real(50, 100, true),
  rangeMomentum: real(0, 1, true),
});

const estimator = fc.record(
  {
    name: fc.constantFrom(...ESTIMATOR_NAMES),
    param: fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x)),
  },
  { requiredKeys: ['name'] },
);

const base = fc.record(
  {
    version: fc.constant(1 as const),
    name: fc.string({ unit: 'binary', maxLength: 100 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    data: fc.record({
      dataset: fc.constant('mnist' as const),
      trainSize: fc.integer({ min: 64, max: 8000 }),
      testSize: fc.integer({ min: 64, max: 2000 }),
    }),
    model: fc.record({
      arch: fc.constantFrom(...MODEL_ARCHS),
      hidden: fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 8 }),
      widthMultiplier: real(0.125, 8),
    }),
    quant: fc.record({
      weight: quantizer,
      act: quantizer,
      firstLastBits8: fc.boolean(),
      layers: fc.constant({} as Record<string, { weightBits?: number; actBits?: number }>),
      quantNorm: fc.boolean(),
      doubleQuant: fc.boolean(),
    }),
    estimator,
    train: fc.record({
      optimizer: fc.constantFrom(...OPTIMIZERS),
      lr: real(0, 100, true),
      schedule: fc.constantFrom('constant' as const, 'cosine' as const),
      steps: fc.integer({ min: 1, max: 1_000_000 }),
      batchSize: fc.integer({ min: 1, max: 4096 }),
      weightDecay: real(0, 1),
      evalEvery: fc.integer({ min: 1, max: 1_000_000 }),
      reportEvery: fc.integer({ min: 1, max: 1_000_000 }),
    }),
    oscillation: fc.record({
      track: fc.boolean(),
      trackAll: fc.boolean(),
      momentum: real(0, 1, true),
      reportThreshold: real(0, 1, true),
      dampening: real(0, 100),
      freezeThreshold: real(0, 1),
      freezeUseEma: fc.boolean(),
      sampleWeights: fc.integer({ min: 0, max: 64 }),
    }),
    bn: fc.record({ reestimate: fc.boolean(), reestimateBatches: fc.integer({ min: 1, max: 500 }) }),
    twin: fc.record({ estimator, map: fc.boolean(), compareEvery: fc.integer({ min: 1, max: 10_000 }) }),
  },
  { requiredKeys: ['version', 'seed', 'data', 'model', 'quant', 'estimator', 'train', 'oscillation', 'bn'] },
);

const override = fc.record({ weightBits: bits, actBits: bits }, { requiredKeys: [] });

/** Any valid, fully resolved experiment (per-layer overrides name real layers of its model). */
export const experimentArb: fc.Arbitrary<Experiment> = base.chain((e) =>
  fc
    .subarray(layerNames(experimentSchema.parse(e)))
    .chain((names) =>
      fc.tuple(...names.map(() => override)).map((os) => Object.fromEntries(names.map((n, i) => [n, os[i]]))),
    )
    .map((layers) => experimentSchema.parse({ ...e, quant: { ...e.quant, layers } })),
);

/** Hostile values to splice into a valid envelope. */
export const hostileValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -1, 0, 1e-320, '', '∞', null, true, [], {}),
  fc.constantFrom({ __proto__: { polluted: true } }, JSON.parse('{"__proto__":{"polluted":true}}'), {
    constructor: { prototype: { polluted: true } },
  }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
);
