import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPERIMENT as D, type Experiment } from '../../../src/experiment/schema';
import { describeChange, resetReasons } from '../../../app/store/liveChange';

const e = (patch: (x: Experiment) => Experiment) => patch(structuredClone(D));

describe('live changes', () => {
  it('model, data, seed and twin need a reset', () => {
    expect(
      resetReasons(
        D,
        e((x) => ({ ...x, model: { ...x.model, arch: 'cnn' } })),
      ),
    ).toEqual(['model']);
    expect(
      resetReasons(
        D,
        e((x) => ({ ...x, seed: 7 })),
      ),
    ).toEqual(['seed']);
    expect(
      resetReasons(
        D,
        e((x) => ({
          ...x,
          twin: { estimator: { ...x.estimator, name: 'tanh' }, map: false, compareEvery: 10 },
        })),
      ),
    ).toEqual(['twin']);
    expect(
      resetReasons(
        D,
        e((x) => ({ ...x, train: { ...x.train, lr: 0.1 } })),
      ),
    ).toEqual([]);
  });

  it('labels live-changeable fields', () => {
    expect(
      describeChange(
        D,
        e((x) => ({ ...x, estimator: { ...x.estimator, name: 'tanh', param: 4 } })),
      ),
    ).toEqual(['estimator → tanh(4)']);
    expect(
      describeChange(
        D,
        e((x) => ({ ...x, train: { ...x.train, lr: 0.01 } })),
      ),
    ).toEqual(['lr → 0.01']);
    expect(
      describeChange(
        D,
        e((x) => ({ ...x, oscillation: { ...x.oscillation, dampening: 0.1 } })),
      ),
    ).toEqual(['λ → 0.1']);
    expect(
      describeChange(
        D,
        e((x) => ({ ...x, quant: { ...x.quant, weight: { ...x.quant.weight, bits: 32 } } })),
      ),
    ).toEqual(['W bits → float']);
    expect(
      describeChange(
        D,
        e((x) => ({ ...x, name: 'renamed' })),
      ),
    ).toEqual([]);
  });
});
