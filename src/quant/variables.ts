/** Variable constructors that do not leak their initial value (tf.variable keeps a reference to it). */
import * as tf from '@tensorflow/tfjs-core';

/** A variable filled with `value`. The caller owns it (dispose it). */
export function filledVariable(shape: number[], value: number, trainable: boolean): tf.Variable {
  return tf.tidy(() => tf.variable(tf.fill(shape, value), trainable));
}
