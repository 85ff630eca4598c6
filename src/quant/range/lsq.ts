/**
 * LSQ learned scale (Esser et al. 2020, "Learned Step Size Quantization", ICLR; docs/science.md §5).
 *
 * The scale is a trainable tf.Variable of shape [C] ([1] per-tensor), initialised on the first call
 * from that tensor as s₀ = 2·mean|x|/√p (per channel), p = qmax. The gradient itself is computed by
 * the fake-quant op (src/quant/fakeQuant.ts, `fakeQuantLearned`):
 *   ∂x̂/∂s = round(x/s) − x/s inside the range, (qmin − z) below, (qmax − z) above,
 * multiplied by the gradient scale g = 1/√(p·N), N = elements per channel (LSQ's "number of weights",
 * or features per sample for activations).
 * Asymmetric grids: z is set once at initialisation, z = clamp(round(−min(x_min, 0)/s₀)), and then
 * kept fixed (not learned: LSQ+ would learn it).
 */
import * as tf from '@tensorflow/tfjs-core';
import { RANGE_EPS } from '../grid';
import type { Grid, NamedTensors } from '../types';
import { filledVariable } from '../variables';
import { channelMeanAbs, channelMinMax } from './reduce';

/** LSQ state of one quantizer. Owns its variables. */
export interface LsqState {
  /** Learned scale [C], input units. Trainable. */
  readonly scale: tf.Variable;
  /** Fixed zero point [C] (asymmetric only), else null. */
  readonly zeroPoint: tf.Variable | null;
  /** g = 1/√(p·N), or 1 when gradient scaling is off. */
  readonly gradScale: number;
  readonly initialized: boolean;
  /** Initialises s (and z) from x if not done yet. Cheap no-op afterwards. */
  ensureInit(x: tf.Tensor): void;
  /**
   * `lsq_scale` ([C]), `lsq_zero_point` ([C], asymmetric only) and `lsq_initialized` (int32
   * scalar 0/1), new tensors (checkpoints).
   */
  saveState(): NamedTensors;
  /** Restores {@link saveState}'s tensors (names and shapes checked by the caller). */
  loadState(named: NamedTensors): void;
  dispose(): void;
}

/**
 * Creates the LSQ state.
 * @param channels C (1 per-tensor)
 * @param perChannelCount N = elements per channel of the quantized tensor (per sample for activations)
 * @param useGradScale multiply the scale gradient by 1/√(p·N) (LSQ default: true)
 */
export function createLsqState(opts: {
  grid: Grid;
  symmetric: boolean;
  axis: number | null;
  channels: number;
  perChannelCount: number;
  useGradScale: boolean;
}): LsqState {
  const { grid, channels } = opts;
  const scale = filledVariable([channels], 1, true);
  const zeroPoint = opts.symmetric ? null : filledVariable([channels], 0, false);
  let initialized = false;
  return {
    scale,
    zeroPoint,
    gradScale: opts.useGradScale ? 1 / Math.sqrt(grid.qmax * opts.perChannelCount) : 1,
    get initialized() {
      return initialized;
    },
    ensureInit(x) {
      if (initialized) return;
      initialized = true;
      tf.tidy(() => {
        const s0 = tf.maximum(tf.mul(channelMeanAbs(x, opts.axis), 2 / Math.sqrt(grid.qmax)), RANGE_EPS);
        scale.assign(s0);
        if (zeroPoint) {
          const lo = tf.minimum(channelMinMax(x, opts.axis).min, 0);
          zeroPoint.assign(tf.clipByValue(tf.round(tf.div(tf.neg(lo), s0)), grid.qmin, grid.qmax));
        }
      });
    },
    saveState: () => ({
      lsq_scale: scale.clone(),
      ...(zeroPoint && { lsq_zero_point: zeroPoint.clone() }),
      lsq_initialized: tf.scalar(initialized ? 1 : 0, 'int32'),
    }),
    loadState(named) {
      scale.assign(named.lsq_scale);
      if (zeroPoint) zeroPoint.assign(named.lsq_zero_point);
      initialized = named.lsq_initialized.dataSync()[0] === 1;
    },
    dispose() {
      scale.dispose();
      zeroPoint?.dispose();
    },
  };
}
