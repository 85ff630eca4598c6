/**
 * Adam whose per-parameter update is one wasm kernel (src/tensor/kernels/adamStep.ts) instead of
 * tfjs-core's 14, bit-identical to tf.train.adam (tests/unit/perf/fusedAdam.test.ts). It subclasses
 * tfjs' AdamOptimizer and keeps its state in the same fields (moments, β^t variables, iterations),
 * so getWeights/setWeights/dispose are the stock ones; off wasm it is the stock optimizer. A weight
 * with a freezer's pin (./pins.ts) is pinned in the same kernel pass.
 */
import * as tf from '@tensorflow/tfjs';
import { adamStep, adamStepAvailable } from '../tensor/kernels/adamStep';
import { pinOf } from './pins';

/** Whether Adam may use the fused kernel. Off only to compare it with the stock update (tests, benchmarks). */
export const ADAM_FUSION = { enabled: true };

/** AdamOptimizer's private state (tfjs-core 4.22 adam_optimizer.js), which the override updates. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
}

/** tf.train.adam with the fused update on wasm. */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  constructor(learningRate: number) {
    // tf.train.adam's defaults.
    super(learningRate, 0.9, 0.999);
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (!ADAM_FUSION.enabled || !adamStepAvailable()) {
      super.applyGradients(variableGradients);
      return;
    }
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
        const pin = pinOf(value);
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
        if (pin) pin.applied = true;
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, this.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }
}

function zerosVariable(like: tf.Tensor): tf.Variable {
  return tf.tidy(() => tf.zerosLike(like).variable(false));
}
