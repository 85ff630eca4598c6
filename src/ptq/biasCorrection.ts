/**
 * Bias correction (Nagel et al. 2019; docs/ptq.md): quantizing W to W̃ shifts the expected output
 * of each channel by E[(W̃ − W)·x]; subtracting that shift from the bias removes it.
 *
 * - empirical: the shift measured on calibration data, mean over samples and positions of
 *   Y_quantized − Y_float per output channel (inputs from the quantized model upstream, so the
 *   shift also carries what earlier layers left);
 * - analytic: ε·E[x] with ε = W̃ − W and E[x] from the previous layer's BN statistics: the input is
 *   ReLU(N(β, γ²)) per channel, whose mean is β·(1 − Φ(−β/|γ|)) + |γ|·φ(−β/|γ|).
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerKind } from '../models/spec';
import { inputChannelSums } from './channels';

/** Mean of each output channel's error: [C] from Y tensors [N, ..., C]. */
export function empiricalShift(quantized: tf.Tensor, float: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const c = float.shape[float.shape.length - 1]!;
    return quantized.sub(float).reshape([-1, c]).mean(0) as tf.Tensor1D;
  });
}

/** E[ReLU(y)] for y ~ N(mean, std²) per channel (std = 0: ReLU(mean)). */
export function reluMean(mean: tf.Tensor1D, std: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const safe = tf.maximum(std, 1e-12);
    const z = mean.div(safe);
    // Φ(z) = ½(1 + erf(z/√2)); 1 − Φ(−z) = Φ(z); φ(−z) = φ(z).
    const cdf = tf.erf(z.div(Math.SQRT2)).add(1).mul(0.5);
    const pdf = tf.exp(z.square().mul(-0.5)).div(Math.sqrt(2 * Math.PI));
    const value = mean.mul(cdf).add(safe.mul(pdf));
    return tf.where(std.greater(0), value, tf.relu(mean)) as tf.Tensor1D;
  });
}

/**
 * The expected output shift ε·E[x] per output channel.
 * @param inputMean E[x] per input channel, [C_in]
 */
export function analyticShift(
  quantizedWeight: tf.Tensor,
  weight: tf.Tensor,
  kind: LayerKind,
  inputMean: tf.Tensor1D,
): tf.Tensor1D {
  return tf.tidy(() => {
    const sums = inputChannelSums(quantizedWeight.sub(weight), kind, inputMean.shape[0]);
    if (kind === 'depthwise') return sums.mul(inputMean) as tf.Tensor1D;
    return tf.matMul(sums as tf.Tensor2D, inputMean.reshape([-1, 1])).reshape([-1]) as tf.Tensor1D;
  });
}
