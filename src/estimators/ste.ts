/**
 * Straight-through estimator (Bengio, Léonard, Courville 2013, "Estimating or Propagating Gradients
 * Through Stochastic Neurons"), in its pure form.
 *
 * forward:  x_int = clamp(round(v), qmin, qmax)          (done by src/quant/fakeQuant.ts)
 * backward: dx = dy · 1   everywhere, the clamp included
 *
 * Why the clamp passes too: the theory of docs/science.md §1 needs Q̂' bounded away from 0 everywhere, and
 * with a min-max weight scale nothing is clipped anyway. Use `clipped-ste` for the usual masked form.
 *
 * Truth table (Q̂'(v), grid [−8, 7]):
 * | v   | −20 | −8.4 | 0 | 0.5 | 3.3 | 7.6 | 20 |
 * | Q̂' |  1  |  1   | 1 |  1  |  1  |  1  | 1  |
 */
import type { EstimatorDef, GradientEstimator } from './types';

/** STE: the gradient passes unchanged. */
export const steEstimator: EstimatorDef = {
  name: 'ste',
  defaultParam: NaN,
  scalar: true,
  derivative: () => 1,
  create(): GradientEstimator {
    return { name: 'ste', param: NaN, usesInput: false, backward: (dy) => dy };
  },
};
