/**
 * AdaHessian (docs/adahessian.md): Adam's update with the gradient's second moment replaced by the
 * second moment of a Hessian-diagonal estimate D (src/hessian/diagonal.ts, one Rademacher probe per
 * step). Per parameter, at step t:
 *
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·D²
 *   w ← w − lr · (m / (1 − β₁ᵗ)) / ((√v / √(1 − β₂ᵗ))^k + ε)
 *
 * with k the Hessian power. The caller takes D of the loss it chooses (the trainer: the float
 * model's training loss, step.ts) and hands it to {@link AdaHessianOptimizer.apply}.
 */
import * as tf from '@tensorflow/tfjs';
import { adaHessianCurvature, rademacherProbes } from '../hessian/diagonal';
import type { Rng } from '../tensor/rng';

/** The reference implementation's defaults (lr 0.15 is the paper's for image classification). */
export const ADAHESSIAN_DEFAULTS = {
  lr: 0.15,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-4,
  hessianPower: 1,
} as const;

/** Gradients or curvatures by variable name. */
export type NamedTensors = { name: string; tensor: tf.Tensor }[];

/** First and second moments of one variable (same shape as it). */
interface Slots {
  m: tf.Variable;
  v: tf.Variable;
}

/** AdaHessian's state (moments, step count) and update. Owns its slot variables. */
export class AdaHessianOptimizer {
  learningRate: number;
  readonly hessianPower: number;
  private readonly rng: Rng;
  private readonly slots = new Map<string, Slots>();
  private steps = 0;

  /** @param rng the probes' generator (the trainer: the experiment seed's 'hutchinson' stream) */
  constructor(learningRate: number, hessianPower: number, rng: Rng) {
    if (!(hessianPower > 0 && hessianPower <= 1))
      throw new Error(`Hessian power ${hessianPower} not in (0, 1]`);
    this.learningRate = learningRate;
    this.hessianPower = hessianPower;
    this.rng = rng;
  }

  /** Updates done so far. */
  get iterations(): number {
    return this.steps;
  }

  /**
   * The curvature D of `loss()` for `variables` (|z ⊙ Hz| with a fresh probe, conv kernels averaged
   * over their taps), by variable name. Call inside tf.tidy.
   */
  curvature(loss: () => tf.Scalar, variables: readonly tf.Variable[]): Map<string, tf.Tensor> {
    const probes = rademacherProbes(this.rng, variables);
    const d = adaHessianCurvature(loss, variables, probes);
    return new Map(variables.map((v, i) => [v.name, d[i]]));
  }

  /** One update of the variables named in `grads`, each with its curvature from `curvature`. */
  apply(grads: NamedTensors, curvature: ReadonlyMap<string, tf.Tensor>): void {
    this.steps += 1;
    const { beta1, beta2, eps } = ADAHESSIAN_DEFAULTS;
    const correction1 = 1 - beta1 ** this.steps;
    const rootCorrection2 = Math.sqrt(1 - beta2 ** this.steps);
    const k = this.hessianPower;
    tf.tidy(() => {
      for (const { name, tensor: g } of grads) {
        const d = curvature.get(name);
        if (!d) throw new Error(`AdaHessian: no curvature for ${name}`);
        const w = tf.engine().registeredVariables[name];
        const slots = this.slotsOf(w);
        const m = tf.add(tf.mul(slots.m, beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(slots.v, beta2), tf.mul(tf.square(d), 1 - beta2));
        slots.m.assign(m);
        slots.v.assign(v);
        const root = tf.div(tf.sqrt(v), rootCorrection2);
        const denom = tf.add(k === 1 ? root : tf.pow(root, k), eps);
        w.assign(tf.sub(w, tf.mul(tf.div(m, denom), this.learningRate / correction1)));
      }
    });
  }

  private slotsOf(w: tf.Variable): Slots {
    let slots = this.slots.get(w.name);
    if (!slots) {
      slots = tf.tidy(() => ({ m: tf.zerosLike(w).variable(false), v: tf.zerosLike(w).variable(false) }));
      this.slots.set(w.name, slots);
    }
    return slots;
  }

  dispose(): void {
    for (const { m, v } of this.slots.values()) tf.dispose([m, v]);
    this.slots.clear();
  }
}
