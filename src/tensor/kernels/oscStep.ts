/**
 * The fused oscillation step (oscStep.wat) as a tfjs kernel of the wasm backend. The op-by-op path
 * spends ~40 kernels per tracked layer and step (quantize, track, freeze), i.e. mostly tfjs's
 * per-kernel dispatch; this is one pass of WebAssembly SIMD over tfjs-wasm's own heap, no copies.
 * The module imports tfjs-wasm's memory (shared under the threaded binary), reads the inputs where
 * tfjs keeps them and writes fresh outputs made by the backend, so tensors stay immutable.
 *
 * Other backends, and shapes the kernel does not cover, use the op-by-op path
 * (src/train/oscLayer.ts decides); tests/unit/perf/oscFused.test.ts checks both give bit-identical
 * training.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  heapOffset,
  kernelExport,
  shareOutput,
  sizeOf,
  wasmKernelReady,
  type WasmBackendLike,
} from './wasmHeap';

const KERNEL_NAME = 'QuantLabOscStep';

/** Scalar settings of one step. */
export interface OscStepParams {
  qmin: number;
  qmax: number;
  /** EMA momentum m of the tracker and of the code average. */
  momentum: number;
  /** Freezing threshold f_th(t) of this step, or null (no freezing yet). */
  threshold: number | null;
  /** The tracker has seen codes before (false: this step only records them). */
  trackerPrimed: boolean;
  /** The code EMA holds a value (false: it starts at this step's codes). */
  freezerPrimed: boolean;
  useEma: boolean;
  /**
   * Also write the weight's fake-quant output x̂ = (x_int − z)·s under the frozen set after this
   * step, bit for bit what the fused fake-quant kernel computes, for the forward pass to reuse.
   */
  dequantize: boolean;
}

/** Inputs: the (restored) latent weight, its channel scale and zero point, and the state. */
export interface OscStepInputs {
  weight: tf.Tensor;
  /** [C]: per-tensor (C = 1) or per-channel along the weight's last axis (C a multiple of 4). */
  scale: tf.Tensor1D;
  zeroPoint: tf.Tensor1D;
  keep: tf.Tensor;
  codes: tf.Tensor;
  pinned: tf.Tensor;
  codeEma: tf.Tensor;
  prevCodes: tf.Tensor;
  lastDir: tf.Tensor;
  freq: tf.Tensor;
  /** int32 scalars: flips and reversals summed since tracking started. */
  flipTotal: tf.Tensor;
  reversalTotal: tf.Tensor;
  /** Flat indices of the sampled entries (int32 [k]) and their flip counts (float32 [k]), or null. */
  samples: { indices: tf.Tensor1D; flips: tf.Tensor1D } | null;
}

/** Outputs: the state {@link OscStepInputs} holds, one step later. */
export interface OscStepOutputs {
  prevCodes: tf.Tensor;
  lastDir: tf.Tensor;
  freq: tf.Tensor;
  keep: tf.Tensor;
  codes: tf.Tensor;
  pinned: tf.Tensor;
  codeEma: tf.Tensor;
  flipTotal: tf.Tensor;
  reversalTotal: tf.Tensor;
  /** Updated flip counts of the sampled entries, or null without samples. */
  sampleFlips: tf.Tensor1D | null;
  /** Whether a weight froze at this step (keep, codes and pinned are then new tensors). */
  froze: boolean;
  /** x̂ of the weight under the frozen set after this step (`dequantize` on), or null. */
  dequantized: tf.Tensor | null;
}

const INPUT_ORDER = [
  'weight',
  'scale',
  'zeroPoint',
  'keep',
  'codes',
  'pinned',
  'codeEma',
  'prevCodes',
  'lastDir',
  'freq',
  'flipTotal',
  'reversalTotal',
  'sampleIndices',
  'sampleFlips',
] as const;

function oscStepKernel(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo[] {
  const backend = args.backend as WasmBackendLike;
  const p = args.attrs as unknown as OscStepParams;
  const run = kernelExport(backend, 'oscStep', 'osc_step');
  const [
    w,
    scale,
    zero,
    keep,
    codes,
    pinned,
    ema,
    prev,
    last,
    freq,
    flipTotal,
    revTotal,
    sampleIdx,
    sampleFlips,
  ] = INPUT_ORDER.map((k) => args.inputs[k] as tf.TensorInfo | undefined) as tf.TensorInfo[];
  // prevCodes, lastDir, freq, codeEma: written every step; keep, codes, pinned: only when a weight
  // freezes (osc_freeze), otherwise the inputs themselves, shared like the Identity kernel does.
  const [oPrev, oLast, oFreq, oEma] = Array.from({ length: 4 }, () => backend.makeOutput(w.shape, 'float32'));
  const oY = p.dequantize ? backend.makeOutput(w.shape, 'float32') : null;
  const totals = [backend.makeOutput([], 'int32'), backend.makeOutput([], 'int32')];
  const k = sampleIdx ? sampleIdx.shape[0] : 0;
  const sampleOut = k ? [backend.makeOutput([k], 'float32')] : [];
  const at = (t: tf.TensorInfo) => heapOffset(backend, t);
  const n = sizeOf(w.shape);
  const flags =
    (p.trackerPrimed ? 1 : 0) |
    (p.freezerPrimed ? 2 : 0) |
    (p.threshold !== null ? 4 : 0) |
    (p.useEma ? 8 : 0) |
    (oY ? 16 : 0);
  const froze = run(
    at(w),
    at(scale),
    at(zero),
    scale.shape[0] * 4,
    at(keep),
    at(codes),
    at(ema),
    at(prev),
    at(last),
    at(freq),
    at(oPrev),
    at(oLast),
    at(oFreq),
    at(oEma),
    oY ? at(oY) : 0,
    at(flipTotal),
    at(revTotal),
    ...totals.map(at),
    k ? at(sampleIdx) : 0,
    k,
    k ? at(sampleFlips) : 0,
    k ? at(sampleOut[0]) : 0,
    n * 4,
    p.qmin,
    p.qmax,
    p.momentum,
    p.threshold ?? 0,
    flags,
  ) as number;
  let frozen: tf.TensorInfo[];
  if (froze) {
    frozen = Array.from({ length: 3 }, () => backend.makeOutput(w.shape, 'float32'));
    kernelExport(backend, 'oscStep', 'osc_freeze')(
      at(w),
      at(keep),
      at(codes),
      at(pinned),
      at(ema),
      at(oPrev),
      at(oFreq),
      ...frozen.map(at),
      at(scale),
      at(zero),
      scale.shape[0] * 4,
      oY ? at(oY) : 0,
      n * 4,
      p.threshold ?? 0,
      flags,
    );
  } else {
    frozen = [keep, codes, pinned].map((t) => shareOutput(backend, t));
  }
  return [oPrev, oLast, oFreq, ...frozen, oEma, ...totals, ...(oY ? [oY] : []), ...sampleOut];
}

/**
 * Whether the fused step can run here: the active backend is wasm with a reachable heap, and the
 * weight's size and channel count are multiples of 4 (per-tensor scales are passed as 4 lanes).
 */
export function oscStepAvailable(weightSize: number, channels: number): boolean {
  if (weightSize % 4 !== 0 || (channels !== 1 && channels % 4 !== 0)) return false;
  return wasmKernelReady('oscStep', KERNEL_NAME, oscStepKernel as unknown as tf.KernelFunc);
}

/** One fused step (call {@link oscStepAvailable} first). Returns new tensors the caller owns. */
export function oscStep(inputs: OscStepInputs, params: OscStepParams): OscStepOutputs {
  const { samples, ...rest } = inputs;
  const tensors: tf.NamedTensorMap = { ...rest };
  if (samples) {
    tensors.sampleIndices = samples.indices;
    tensors.sampleFlips = samples.flips;
  }
  const out = tf
    .engine()
    .runKernel(KERNEL_NAME, tensors, params as unknown as tf.NamedAttrMap) as tf.Tensor[];
  const [prevCodes, lastDir, freq, keep, codes, pinned, codeEma, flipTotal, reversalTotal] = out;
  const [y, sampleFlips] = params.dequantize ? out.slice(9) : [null, ...out.slice(9)];
  return {
    prevCodes,
    lastDir,
    freq,
    keep,
    codes,
    pinned,
    codeEma,
    flipTotal,
    reversalTotal,
    sampleFlips: (sampleFlips as tf.Tensor1D | undefined) ?? null,
    froze: keep.dataId !== inputs.keep.dataId,
    dequantized: y,
  };
}
