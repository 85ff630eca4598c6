/**
 * The fused fake-quant forward (fakeQuant.wat) as tfjs kernels of the wasm backend: batch min/max,
 * range update, scale / zero point and x̂ = s·(clamp(nearest(x/s + z))·keep + codes − z) in one
 * call, where the op path (range/tracker.ts, grid.ts, fakeQuant.ts) spends ~15–25 tfjs kernels,
 * most of them dispatch-bound scalar ops. The kernels have no gradient of their own:
 * src/quant/fusedFakeQuant.ts wraps QuantLabFakeQuant in the same customGrad backward as the op path.
 *
 * Layouts: per-tensor (C = 1) or C channels along the innermost axis (C a multiple of 4).
 * QuantLabFakeQuant inputs: x (float32, size a multiple of 4), lo and hi (the stored range, [C]),
 * and keep / codes (x's shape) when entries are frozen. Outputs, in order: x̂ (x's shape), the range
 * used [lo', hi'] as two [C] tensors, then the clip fraction (scalar) when `clip`, then
 * v = x/s + z (x's shape) when `saveInput`. Per-channel calls keep s and z in scratch buffers they
 * free before returning.
 * QuantLabQuantRange is the range part alone: inputs x, lo, hi; outputs lo', hi', s and z ([C]
 * each), for Quantizer.codeParams.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  heapOffset,
  kernelExport,
  sizeOf,
  wasmKernelReady,
  withScratch,
  type WasmBackendLike,
} from './wasmHeap';

const KERNEL_NAME = 'QuantLabFakeQuant';
const RANGE_KERNEL_NAME = 'QuantLabQuantRange';

/** Where this call's range comes from (see the table in src/quant/range/tracker.ts). */
export type FakeQuantSource = 'batch' | 'blend' | 'stored';
const SOURCE_CODE: Record<FakeQuantSource, number> = { batch: 0, blend: 1, stored: 2 };

/** Scalar settings of one call. */
export interface FakeQuantKernelParams {
  source: FakeQuantSource;
  /** EMA momentum m (used by `blend`: lo' = lo·(1−m) + batch·m). */
  momentum: number;
  qmin: number;
  qmax: number;
  /** Symmetric grid (z = 0) or asymmetric (z from the range). */
  symmetric: boolean;
  /** Smallest range maximum (grid.ts RANGE_EPS). */
  eps: number;
  /** Also output the clip fraction. */
  clip: boolean;
  /** Also output v = x/s + z (for estimators whose backward uses it). */
  saveInput: boolean;
}

/** Settings of a range-only call. */
export type QuantRangeParams = Omit<FakeQuantKernelParams, 'clip' | 'saveInput'>;

/** Inputs of one call. */
export interface FakeQuantKernelInputs {
  x: tf.Tensor;
  /** The stored range, [C] each (C = 1: per-tensor; else channels along x's innermost axis). */
  lo: tf.Tensor;
  hi: tf.Tensor;
  /** keep = 1 − mask and codes = mask·codes, x's shape, or null (nothing frozen). */
  frozen: { keep: tf.Tensor; codes: tf.Tensor } | null;
}

/** Outputs of one call: new tensors the caller owns. */
export interface FakeQuantKernelOutputs {
  y: tf.Tensor;
  lo: tf.Tensor;
  hi: tf.Tensor;
  clip: tf.Scalar | null;
  v: tf.Tensor | null;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/** The scalar arguments every export takes after its pointers, in the .wat's order. */
function scalars(p: QuantRangeParams): number[] {
  return [SOURCE_CODE[p.source], 1 - p.momentum, p.momentum, p.qmin, p.qmax, p.eps];
}

function fakeQuantKernelFunc(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as WasmBackendLike;
  const p = args.attrs as unknown as FakeQuantKernelParams;
  const { x, lo, hi, keep, codes } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  if (!x || !lo || !hi) throw new Error(`${KERNEL_NAME}: missing input`);
  const channels = sizeOf(lo.shape);
  const y = backend.makeOutput(x.shape, 'float32');
  const oLo = backend.makeOutput(lo.shape, 'float32');
  const oHi = backend.makeOutput(lo.shape, 'float32');
  const oClip = p.clip ? backend.makeOutput([], 'float32') : null;
  const oV = p.saveInput ? backend.makeOutput(x.shape, 'float32') : null;
  const at = (t: tf.TensorInfo | null | undefined) => (t ? heapOffset(backend, t) : 0);
  const frozen = keep !== undefined && codes !== undefined;
  const flags = (p.symmetric ? 0 : 1) | (frozen ? 2 : 0) | (p.clip ? 4 : 0) | (p.saveInput ? 8 : 0);
  const nbytes = sizeOf(x.shape) * 4;
  if (channels === 1) {
    kernelExport(backend, 'fakeQuant', 'fake_quant')(
      at(x),
      nbytes,
      at(lo),
      at(hi),
      at(keep),
      at(codes),
      at(y),
      at(oV),
      at(oLo),
      at(oHi),
      at(oClip),
      ...scalars(p),
      flags,
    );
  } else {
    const run = kernelExport(backend, 'fakeQuant', 'fake_quant_channels');
    withScratch(backend, [channels, channels], 'float32', ([s, z]) =>
      run(
        at(x),
        nbytes,
        channels * 4,
        at(lo),
        at(hi),
        at(keep),
        at(codes),
        at(y),
        at(oV),
        at(oLo),
        at(oHi),
        s,
        z,
        at(oClip),
        ...scalars(p),
        flags,
      ),
    );
  }
  return [y, oLo, oHi, ...(oClip ? [oClip] : []), ...(oV ? [oV] : [])];
}

function quantRangeKernelFunc(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as WasmBackendLike;
  const p = args.attrs as unknown as QuantRangeParams;
  const { x, lo, hi } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  if (!x || !lo || !hi) throw new Error(`${RANGE_KERNEL_NAME}: missing input`);
  const channels = sizeOf(lo.shape);
  const outs = Array.from({ length: 4 }, () => backend.makeOutput(lo.shape, 'float32'));
  const at = (t: tf.TensorInfo) => heapOffset(backend, t);
  const nbytes = sizeOf(x.shape) * 4;
  const asym = p.symmetric ? 0 : 1;
  if (channels === 1)
    kernelExport(backend, 'fakeQuant', 'quant_range')(
      at(x),
      nbytes,
      at(lo),
      at(hi),
      ...outs.map(at),
      ...scalars(p),
      asym,
    );
  else
    kernelExport(backend, 'fakeQuant', 'quant_range_channels')(
      at(x),
      nbytes,
      channels * 4,
      at(lo),
      at(hi),
      ...outs.map(at),
      ...scalars(p),
      asym,
    );
  return outs;
}

/** Largest size whose clip count tf.mean sums exactly in float32 (2^24). */
const MAX_SIZE = 2 ** 24;

/**
 * Whether the fused kernels can run here: the active backend is wasm with a reachable heap, the
 * tensor's size is a positive multiple of 4 below 2^24, and there is one channel or a multiple of
 * 4 channels that divides the size (the channels being x's innermost axis is the caller's check).
 */
export function fakeQuantKernelAvailable(size: number, channels = 1): boolean {
  if (size <= 0 || size % 4 !== 0 || size >= MAX_SIZE) return false;
  if (channels !== 1 && (channels % 4 !== 0 || size % channels !== 0)) return false;
  return (
    wasmKernelReady('fakeQuant', KERNEL_NAME, fakeQuantKernelFunc as unknown as tf.KernelFunc) &&
    wasmKernelReady('fakeQuant', RANGE_KERNEL_NAME, quantRangeKernelFunc as unknown as tf.KernelFunc)
  );
}

/** One call (check {@link fakeQuantKernelAvailable} first). No gradient: see fusedFakeQuant.ts. */
export function fakeQuantKernel(
  inputs: FakeQuantKernelInputs,
  params: FakeQuantKernelParams,
): FakeQuantKernelOutputs {
  const { x, lo, hi, frozen } = inputs;
  const tensors: tf.NamedTensorMap = { x, lo, hi };
  if (frozen) {
    tensors.keep = frozen.keep;
    tensors.codes = frozen.codes;
  }
  const out = tf
    .engine()
    .runKernel(KERNEL_NAME, tensors, params as unknown as tf.NamedAttrMap) as tf.Tensor[];
  const [y, oLo, oHi] = out;
  const clip = params.clip ? (out[3] as tf.Scalar) : null;
  const v = params.saveInput ? out[params.clip ? 4 : 3] : null;
  return { y, lo: oLo, hi: oHi, clip, v };
}

/**
 * The range part alone (check {@link fakeQuantKernelAvailable} first): the range this call uses
 * and its scale and zero point, [C] tensors the caller owns.
 */
export function quantRangeKernel(
  inputs: Omit<FakeQuantKernelInputs, 'frozen'>,
  params: QuantRangeParams,
): { lo: tf.Tensor; hi: tf.Tensor; scale: tf.Tensor; zeroPoint: tf.Tensor } {
  const { x, lo, hi } = inputs;
  const [oLo, oHi, scale, zeroPoint] = tf
    .engine()
    .runKernel(RANGE_KERNEL_NAME, { x, lo, hi }, params as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return { lo: oLo, hi: oHi, scale, zeroPoint };
}

/** The kernels' names, as tf.profile lists them. */
export const FAKE_QUANT_KERNEL = KERNEL_NAME;
export const QUANT_RANGE_KERNEL = RANGE_KERNEL_NAME;
