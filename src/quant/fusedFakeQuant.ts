/**
 * One fake-quant call of a minmax / ema quantizer as a single wasm kernel
 * (src/tensor/kernels/fakeQuant.wat) instead of ~15–25 tfjs kernels (range/reduce.ts channelMinMax,
 * the tracker's EMA blend, grid.ts rangeToScaleTensor, fakeQuant.ts forwardCodes + dequantize,
 * the clip fraction). Same results, bit for bit, as that op path on tfjs-wasm
 * (tests/unit/perf/fusedFakeQuant.test.ts):
 *
 * forward:  [lo', hi'] = the tracker's range for this call (batch / (1−m)·stored + m·batch / stored)
 *           s, z = rangeToScale(lo', hi');  v = x/s + z;  x_int = clamp(round(v), qmin, qmax)·keep + codes
 *           x̂ = s·(x_int − z);  clip fraction = mean[round(v) ≠ clamp(round(v))]
 * backward: ∂L/∂x = estimator.backward(dy, v)·keep (fakeQuant.ts fixedScaleGrad, shared); estimators
 *           that use v get it from the kernel (one more output, saved like the op path saves v)
 *
 * Covered: minmax / ema quantizers (training and eval calls, symmetric or asymmetric, frozen codes
 * or not, any estimator), per-tensor or per-channel with the channels on the innermost axis of x
 * (axes after it of size 1) and C a multiple of 4, on the wasm backend, for float32 tensors whose
 * size is a multiple of 4. Everything else (other channel layouts, LSQ, percentile / mse /
 * hindsight, double quantization, other backends, odd sizes) takes the op path.
 *
 * Whether a quantizer uses these kernels at all is fixed when it is built (QuantizerOptions
 * `fusedKernels`, quantizer.ts); the functions here only check that the kernel covers the call.
 *
 * {@link fusedCodeParams} is the range part alone (an eval call: min-max stores the batch range),
 * for Quantizer.codeParams.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  fakeQuantKernel,
  fakeQuantKernelAvailable,
  quantRangeKernel,
  type FakeQuantSource,
} from '../tensor/kernels/fakeQuant';
import { fixedScaleGrad, type FakeQuantParams } from './fakeQuant';
import { RANGE_EPS } from './grid';
import type { ChannelLayout, ScaleSource } from './scaleSource';
import type { Grid } from './types';

/** Whether the kernels cover x under this layout (see the header). */
function covered(
  x: tf.Tensor,
  source: ScaleSource,
  layout: Pick<ChannelLayout, 'axis' | 'channels'>,
): boolean {
  if (x.dtype !== 'float32' || source.learnedGradScale !== null) return false;
  const { axis, channels } = layout;
  if (axis !== null && (x.shape[axis] !== channels || x.shape.slice(axis + 1).some((d) => d !== 1)))
    return false;
  return fakeQuantKernelAvailable(x.size, axis === null ? 1 : channels);
}

/** The range settings both kernels take, for one call planned by the scale source. */
function rangeParams(
  call: { plan: { source: FakeQuantSource }; momentum: number },
  grid: Grid,
  symmetric: boolean,
) {
  return {
    source: call.plan.source,
    momentum: call.momentum,
    qmin: grid.qmin,
    qmax: grid.qmax,
    symmetric,
    eps: RANGE_EPS,
  };
}

/**
 * x̂ for one apply() through the fused kernel, with the range state updated as the op path would;
 * null (nothing changed) where the kernel does not apply. Call inside a tidy.
 * @param layout the quantizer's channel axis in x (null: per-tensor) and channel count
 * @param p the op path's parameters; `zeroPoint` is ignored (the kernel derives it from the range)
 */
export function fusedFakeQuant(
  x: tf.Tensor,
  training: boolean,
  source: ScaleSource,
  layout: Pick<ChannelLayout, 'axis' | 'channels'>,
  symmetric: boolean,
  p: FakeQuantParams,
): tf.Tensor | null {
  if (!covered(x, source, layout)) return null;
  const call = source.fusedRange(training);
  if (!call) return null;
  const { estimator, grid, frozen, clipSink } = p;
  const op = tf.customGrad((xIn, saveFn) => {
    const save = saveFn as tf.GradSaveFunc;
    const out = fakeQuantKernel(
      { x: xIn as tf.Tensor, lo: call.lo, hi: call.hi, frozen },
      { ...rangeParams(call, grid, symmetric), clip: clipSink !== null, saveInput: estimator.usesInput },
    );
    // The assigns run inside the op's forward tidy; the variables keep their own references.
    call.commit({ min: out.lo, max: out.hi });
    if (clipSink && out.clip) clipSink.assign(out.clip);
    save(out.v ? [out.v] : []);
    return { value: out.y, gradFunc: fixedScaleGrad(p) };
  });
  return op(x);
}

/**
 * Whether a preset x̂ (Quantizer.presetOutput) may stand in for this quantizer's apply(x): the
 * fused kernel covers x and its range is x's own min-max (`source: 'batch'` on training and eval
 * calls alike, so the range the preset was made with is the one apply would compute and store).
 */
export function presetCovered(
  x: tf.Tensor,
  source: ScaleSource,
  layout: Pick<ChannelLayout, 'axis' | 'channels'>,
): boolean {
  return covered(x, source, layout) && source.fusedRange(true)?.plan.source === 'batch';
}

/**
 * apply()'s result from a preset x̂ (Quantizer.presetOutput): `y` itself (shared, not copied) with
 * apply's gradient, estimator.backward(dy)·keep. Call inside a tidy.
 */
export function presetFakeQuant(x: tf.Tensor, y: tf.Tensor, p: FakeQuantParams): tf.Tensor {
  const op = tf.customGrad((_xIn, saveFn) => {
    (saveFn as tf.GradSaveFunc)([]);
    return { value: tf.clone(y), gradFunc: fixedScaleGrad(p) };
  });
  return op(x);
}

/**
 * Quantizer.codeParams through the range-only kernel: the eval call's scale and zero point ([C]
 * each; z = 0 when symmetric), the state updated as scaleSource.channelScale(x, false) would;
 * null (nothing changed) where the kernel does not apply.
 */
export function fusedCodeParams(
  x: tf.Tensor,
  source: ScaleSource,
  layout: Pick<ChannelLayout, 'axis' | 'channels'>,
  symmetric: boolean,
  grid: Grid,
): { scale: tf.Tensor1D; zeroPoint: tf.Tensor1D } | null {
  if (!covered(x, source, layout)) return null;
  const call = source.fusedRange(false);
  if (!call) return null;
  return tf.tidy(() => {
    const out = quantRangeKernel({ x, lo: call.lo, hi: call.hi }, rangeParams(call, grid, symmetric));
    call.commit({ min: out.lo, max: out.hi });
    return { scale: out.scale as tf.Tensor1D, zeroPoint: out.zeroPoint as tf.Tensor1D };
  });
}
