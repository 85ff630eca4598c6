/**
 * afterStep's quantize + track + freeze of one layer as the fused wasm kernel
 * (src/tensor/kernels/oscStep.ts): the same results as the op-by-op path in oscHooks.ts, ~40 fewer
 * tfjs kernels per layer and step (tests/unit/perf/oscFused.test.ts). The kernel computes the
 * weight's codes anyway, so where the weight quantizer accepts it (Quantizer.presetOutput) it also
 * writes x̂, and the next forward pass skips that weight's fake-quant (~0.2 ms of a 268k-weight
 * MLP step; the weight does not change in between).
 */
import * as tf from '@tensorflow/tfjs-core';
import { oscStep, oscStepAvailable } from '../tensor/kernels/oscStep';
import type { TrackedLayer } from './oscReport';

/**
 * Whether afterStep may use the fused kernel where it applies. Off only to compare it with the
 * op-by-op path (tests, benchmarks).
 */
export const OSC_FUSION = { enabled: true };

/**
 * One layer's step through the fused kernel, on its already restored weight. Returns false, having
 * changed nothing, where the kernel does not apply: fusion off, not wasm, no freezer (tracking
 * only), a per-channel axis other than the last, sizes or channel counts not multiples of 4.
 */
export function fusedOscStep(t: TrackedLayer, threshold: number | null): boolean {
  const { weight, quantizers, spec } = t.layer;
  const q = quantizers.weight;
  const freezer = t.freezer;
  if (!OSC_FUSION.enabled || !freezer || !q.codeParams || !oscStepAvailable(spec.weightCount, 1))
    return false;
  return tf.tidy(() => {
    const { scale, zeroPoint, axis } = q.codeParams!(weight);
    if (!oscStepAvailable(spec.weightCount, scale.shape[0]) || (axis !== null && axis !== weight.rank - 1))
      return false;
    const { primed: trackerPrimed, ...tr } = t.tracker.fusedState();
    const { primed: freezerPrimed, ...fz } = freezer.fusedState();
    const dequantize = q.acceptsPreset?.(weight) ?? false;
    const out = oscStep(
      { weight, scale, zeroPoint, ...fz, ...tr },
      {
        qmin: q.grid.qmin,
        qmax: q.grid.qmax,
        momentum: t.tracker.momentum,
        threshold,
        trackerPrimed,
        freezerPrimed,
        useEma: freezer.useEma,
        dequantize,
      },
    );
    t.tracker.adoptFused(out);
    freezer.adoptFused(out);
    // The next forward pass quantizes this very weight with this frozen set: hand it x̂.
    if (out.dequantized) q.presetOutput?.(weight, out.dequantized, freezer.state);
    return true;
  });
}
