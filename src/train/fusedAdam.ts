/**
 * Adam whose per-parameter update is one wasm kernel (src/tensor/kernels/adamStep.ts) instead of
 * tfjs-core's 14, bit-identical to tf.train.adam (tests/unit/perf/fusedAdam.test.ts). It subclasses
 * tfjs' AdamOptimizer and keeps its state in the same fields (moments, β^t variables, iterations),
 * so getWeights/setWeights/dispose are the stock ones; off wasm (or built with `fused` false, to
 * compare with the stock update) it is the stock optimizer. {@link FusedAdamOptimizer.applyPinned}
 * also pins the frozen weights it is handed in the same kernel pass (docs/architecture.md, "The
 * oscillation controller").
 */
import * as tf from '@tensorflow/tfjs';
import { adamStep, adamStepAvailable } from '../tensor/kernels/adamStep';

/**
 * A frozen weight the optimizer may pin in its own update: w ← w'·keep + pinned (keep 1 on free
 * entries, pinned 0 there), the freezer's restore done in the same pass. Read at each update.
 */
export interface WeightPin {
  keep: tf.Tensor;
  pinned: tf.Tensor;
}

/** The pins of one step, by weight variable (handed over by the oscillation controller). */
export type WeightPins = ReadonlyMap<tf.Variable, WeightPin>;

/** No pins (SGD, momentum, quantizer parameters). */
export const NO_PINS: WeightPins = new Map();

/** Nothing pinned. */
export const NO_PINNED: ReadonlySet<tf.Variable> = new Set();

/** AdamOptimizer's private state (tfjs-core 4.22 adam_optimizer.js), which the override updates. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
}

/** tf.train.adam with the fused update on wasm. */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  /**
   * @param fused use the kernel where the backend has it (default); false keeps the stock update,
   *   to compare the two (tests)
   */
  constructor(
    learningRate: number,
    private readonly fused = true,
  ) {
    // tf.train.adam's defaults.
    super(learningRate, 0.9, 0.999);
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    this.applyPinned(variableGradients, NO_PINS);
  }

  /**
   * applyGradients, pinning the weights of `pins` in the same pass where the kernel runs. Returns
   * the weights it pinned (their freezer's restore is then already done); empty on the stock path.
   */
  applyPinned(
    variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0],
    pins: WeightPins,
  ): ReadonlySet<tf.Variable> {
    if (!this.fused || !adamStepAvailable()) {
      super.applyGradients(variableGradients);
      return NO_PINNED;
    }
    const pinnedNow = new Set<tf.Variable>();
    const list = Array.isArray(variableGradients)
      ? variableGradients
      : Object.keys(variableGradients).map((name) => ({
          name,
          tensor: variableGradients[name] as tf.Tensor,
        }));
    const state = this as unknown as AdamState;
    const params = {
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      learningRate: this.learningRate,
    };
    tf.tidy(() => {
      const oneMinusAccBeta1 = tf.sub(1, state.accBeta1) as tf.Scalar;
      const oneMinusAccBeta2 = tf.sub(1, state.accBeta2) as tf.Scalar;
      list.forEach(({ name, tensor: gradient }, i) => {
        const value = tf.engine().registeredVariables[name];
        // Slot variables are created for every listed variable, as the stock optimizer does.
        state.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: zerosVariable(value) };
        state.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: zerosVariable(value) };
        if (gradient == null) return;
        const firstMoment = state.accumulatedFirstMoment[i]!.variable;
        const secondMoment = state.accumulatedSecondMoment[i]!.variable;
        const pin = pins.get(value);
        const [w, m, v] = adamStep(
          {
            value,
            gradient,
            firstMoment,
            secondMoment,
            oneMinusAccBeta1,
            oneMinusAccBeta2,
            keep: pin?.keep,
            pinned: pin?.pinned,
          },
          params,
        );
        firstMoment.assign(m);
        secondMoment.assign(v);
        value.assign(w);
        if (pin) pinnedNow.add(value);
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, this.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, this.beta2));
    });
    this.incrementIterations();
    return pinnedNow;
  }
}

function zerosVariable(like: tf.Tensor): tf.Variable {
  return tf.tidy(() => tf.zerosLike(like).variable(false));
}
