/**
 * createQuantizer: grid × range estimator × granularity × gradient estimator, assembled from a
 * QuantizerConfig (docs/style.md rule 7). The forward/backward rules live in fakeQuant.ts, range state in
 * range/, estimators in src/estimators/.
 *
 * Cost per apply (symmetric, per-tensor, min-max, STE): min, max, ~5 scalar ops for the scale,
 * div, round, clip, mul (+3 ops for the clip fraction, off for min-max weights); the backward pass
 * is dy itself. Minmax / ema quantizers on wasm (per-tensor, or per-channel along the innermost
 * axis) do all of the forward in one fused kernel instead (fusedFakeQuant.ts).
 * No data readback anywhere; state changes are variable.assign calls inside the training step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { resolveEstimator } from '../estimators/registry';
import { FLOAT_BITS, type QuantizerConfig } from '../experiment/schema';
import { fakeQuant, fakeQuantLearned, quantizeCodes, type FakeQuantParams } from './fakeQuant';
import { createFrozenStore } from './frozen';
import { fusedCodeParams, fusedFakeQuant, presetCovered, presetFakeQuant } from './fusedFakeQuant';
import { isSignedRole, makeGrid, symmetricRangeCode } from './grid';
import { rangeEstimatorDef } from './range/registry';
import { createScaleSource, type ChannelLayout } from './scaleSource';
import type { Grid, Quantizer, QuantizerOptions } from './types';
import { filledVariable } from './variables';

export { DEFAULT_RECALIBRATE_EVERY } from './scaleSource';

/** Where the quantizer's channels are, in the coordinates of the tensors passed to apply(). */
interface Layout extends ChannelLayout {
  /** Shape the [C] scale is reshaped to so it broadcasts against the runtime tensor. */
  broadcast: number[];
}

function resolveLayout(opts: QuantizerOptions): Layout {
  const { shape } = opts;
  const size = shape.reduce((a, b) => a * b, 1);
  if (!opts.config.perChannel) return { axis: null, channels: 1, broadcast: [1], perChannelCount: size };
  const sampleAxis = opts.channelAxis ?? shape.length - 1;
  if (sampleAxis < 0 || sampleAxis >= shape.length) {
    throw new RangeError(`channelAxis ${sampleAxis} out of range for shape [${shape}]`);
  }
  // Activations arrive with a batch axis in front of one sample's shape.
  const offset = opts.role === 'act' ? 1 : 0;
  const channels = shape[sampleAxis];
  const broadcast = new Array<number>(shape.length + offset).fill(1);
  broadcast[sampleAxis + offset] = channels;
  return { axis: sampleAxis + offset, channels, broadcast, perChannelCount: size / channels };
}

/** The grid a config asks for (see grid.ts for the table; `signedGrid`: docs/conventions.md §1). */
export function gridFor(opts: QuantizerOptions): Grid {
  const { bits, symmetric, signedGrid } = opts.config;
  const signed = opts.signed ?? isSignedRole(opts.role);
  return makeGrid(bits, {
    symmetric,
    signed,
    narrowRange: signedGrid === 'narrow',
    fullRange: signedGrid === 'full',
  });
}

/**
 * Whether a config's range always holds the whole quantized tensor: a min-max range whose ends land
 * on codes. Not with the full-range signed grid, whose max|x| maps half a step past qmax and clips
 * (docs/conventions.md §1). Then the clip fraction of weights is skipped and dampening drops its
 * clip mask for symmetric weights (src/train/dampening.ts `allInside`).
 */
export function rangeHoldsTensor(config: QuantizerConfig): boolean {
  return rangeEstimatorDef(config.range).exactMinMax && !(config.symmetric && config.signedGrid === 'full');
}

/**
 * Whether the fused wasm kernels (fusedFakeQuant.ts) may serve a grid: they compute the symmetric
 * scale as max|x|/qmax, so a full-range grid takes the op path. Decided once, at construction.
 */
export function fusedKernelServes(grid: Grid): boolean {
  return symmetricRangeCode(grid) === grid.qmax;
}

/** A float quantizer: apply returns its input unchanged (no ops at all). */
function createIdentityQuantizer(layout: Layout): Quantizer {
  return {
    grid: { bits: FLOAT_BITS, qmin: -(2 ** 31), qmax: 2 ** 31 - 1 },
    apply: (x) => x,
    // No grid at 32 bits: a float copy, so callers can treat the result like codes they own.
    toInt: (x) => x.clone(),
    scale: () => tf.ones([layout.channels]),
    zeroPoint: () => tf.zeros([layout.channels]),
    clipFraction: () => tf.scalar(0),
    trainable: [],
    saveState: () => ({}),
    loadState: () => undefined,
    dispose: () => undefined,
  };
}

/**
 * Builds a fake quantizer from its options. 32 bits gives the identity quantizer (apply returns x).
 * @throws RangeError for an invalid estimator parameter or channel axis
 */
export function createQuantizer(opts: QuantizerOptions): Quantizer {
  const layout = resolveLayout(opts);
  if (opts.config.bits >= FLOAT_BITS) return createIdentityQuantizer(layout);
  const grid = gridFor(opts);
  const estimator = resolveEstimator(opts.estimator, grid.bits);
  const source = createScaleSource({ ...opts, doubleQuant: opts.doubleQuant ?? false, grid, layout });
  const frozen = createFrozenStore();
  const clipVar = filledVariable([], 0, false);
  const exactMinMax = rangeHoldsTensor(opts.config);
  const fusable = fusedKernelServes(grid);
  // Min-max weights clip nothing by construction: skip the 3 full-size ops of the clip fraction.
  const trackClip = opts.trackClip ?? !(opts.role === 'weight' && exactMinMax);
  const kernels = opts.fusedKernels ?? true;

  const params = (z: tf.Tensor | null, withClip: boolean): FakeQuantParams => ({
    grid,
    estimator,
    zeroPoint: z ? tf.reshape(z, layout.broadcast) : null,
    frozen: frozen.current,
    clipSink: withClip ? clipVar : null,
  });

  const opCodeParams = (x: tf.Tensor) => ({
    ...tf.tidy(() => {
      const { s, z } = source.channelScale(x, false);
      const c: [number] = [layout.channels];
      return {
        scale: tf.reshape(s, c) as tf.Tensor1D,
        zeroPoint: (z ? tf.reshape(z, c) : tf.zeros(c)) as tf.Tensor1D,
      };
    }),
    axis: layout.axis,
  });

  // x̂ of one weight tensor computed by the fused oscillation step, and the frozen set it used.
  let preset: { x: object; keep: object; codes: object; y: tf.Tensor } | null = null;
  const dropPreset = () => {
    preset?.y.dispose();
    preset = null;
  };
  const acceptsPreset = (x: tf.Tensor) =>
    kernels &&
    exactMinMax &&
    fusable &&
    !estimator.usesInput &&
    !trackClip &&
    presetCovered(x, source, layout);
  /** The preset x̂ for x, if it is x's and made with the current frozen set; drops a stale one. */
  const presetFor = (x: tf.Tensor): tf.Tensor | null => {
    if (!preset) return null;
    const f = frozen.current;
    if (preset.x !== x.dataId) dropPreset();
    else if (f && preset.keep === f.keep.dataId && preset.codes === f.codes.dataId && acceptsPreset(x))
      return preset.y;
    return null;
  };

  function apply(x: tf.Tensor, training: boolean, recordClip = true): tf.Tensor {
    return tf.tidy(() => {
      // The fused oscillation step already computed x̂ of this weight: same result, no work.
      const y = presetFor(x);
      if (y) return presetFakeQuant(x, y, params(null, false));
      // minmax / ema on wasm: one fused kernel (fusedFakeQuant.ts), same results.
      const fused =
        kernels &&
        fusable &&
        fusedFakeQuant(
          x,
          training,
          source,
          layout,
          opts.config.symmetric,
          params(null, trackClip && recordClip),
        );
      if (fused) return fused;
      const { s, z } = source.channelScale(x, training);
      const p = params(z, trackClip && recordClip);
      const scale = tf.reshape(s, layout.broadcast);
      const g = source.learnedGradScale;
      return g === null
        ? fakeQuant(x, scale, p)
        : fakeQuantLearned(x, scale, { ...p, channelAxis: layout.axis, gradScale: g });
    });
  }

  return {
    grid,
    apply,
    toInt: (x) =>
      tf.tidy(() => {
        const { s, z } = source.channelScale(x, false);
        return tf.cast(quantizeCodes(x, tf.reshape(s, layout.broadcast), params(z, false)), 'int32');
      }),
    codeParams: (x) => {
      const fused = kernels && fusable && fusedCodeParams(x, source, layout, opts.config.symmetric, grid);
      return fused ? { ...fused, axis: layout.axis } : opCodeParams(x);
    },
    scale: () => tf.tidy(() => source.channelScale(null, false).s.reshape([layout.channels])),
    zeroPoint: () =>
      tf.tidy(() => {
        const { z } = source.channelScale(null, false);
        return z ? z.reshape([layout.channels]) : tf.zeros([layout.channels]);
      }),
    clipFraction: () => clipVar.clone() as tf.Scalar,
    trainable: source.trainable,
    saveState: () => source.saveState(),
    loadState(named) {
      // x̂ handed over for the old values would be stale.
      dropPreset();
      source.loadState(named);
    },
    freeze: (mask, codes) => frozen.set(mask, codes),
    shareFrozen: (state) => frozen.share(state),
    unfreeze: () => frozen.clear(),
    acceptsPreset,
    presetOutput(x, y, f) {
      dropPreset();
      preset = { x: x.dataId, keep: f.keep.dataId, codes: f.codes.dataId, y: tf.keep(y) };
    },
    dispose() {
      dropPreset();
      frozen.clear();
      clipVar.dispose();
      source.dispose();
    },
  };
}
