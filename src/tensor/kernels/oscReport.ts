/**
 * The oscillation report of one tracked layer (oscReport.wat) as a tfjs kernel of the wasm backend:
 * statistics, frequency histogram and sampled weights in one pass, where the op path
 * (src/train/oscReport.ts) spends ~20 full-size tfjs kernels per layer and report (means, casts,
 * floor / clip / Bincount, a whole-weight toInt for 8 codes, gathers).
 *
 * QuantLabOscReport inputs: freq (float32, size a multiple of 4), flipTotal and reversalTotal (int32
 * scalars); keep and codes (the freezer's, freq's shape) when the layer has a freezer; weight,
 * scale and zeroPoint ([C], Quantizer.codeParams), sampleIndices (int32 [k]) and sampleFlips
 * (float32 [k]) when it has sampled weights. One output, float32 [5 + bins + 4k]:
 * [oscFraction, meanF, flips, reversals, frozenFraction, histogram (bins), latent (k), code (k),
 * frozen (k), flips (k)] — one layer block of src/train/oscReport.ts's readback layout. The
 * histogram counts in a scratch buffer freed before returning.
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

const KERNEL_NAME = 'QuantLabOscReport';

/** Numbers before the histogram in the output. */
export const OSC_REPORT_STATS = 5;

/** Scalar settings of one call. */
export interface OscReportParams {
  /** Report threshold: entries with f > threshold oscillate. */
  threshold: number;
  /** Uniform histogram: first edge, bin width (> 0) and bin count. */
  e0: number;
  width: number;
  bins: number;
  /** The weight grid (samples only). */
  qmin: number;
  qmax: number;
  /** Product of the weight's dims after the channel axis (1 per-tensor; samples only). */
  inner: number;
  /** Apply the freezer's codes to the sample codes (the quantizer has a freeze hook). */
  applyCodes: boolean;
}

/** Inputs of one call. */
export interface OscReportInputs {
  freq: tf.Tensor;
  flipTotal: tf.Tensor;
  reversalTotal: tf.Tensor;
  /** The freezer's keep (1 free, 0 frozen) and frozen codes, or null without a freezer. */
  frozen: { keep: tf.Tensor; codes: tf.Tensor } | null;
  /** The sampled weights, or null. */
  samples: {
    weight: tf.Tensor;
    /** [C] each: the quantizer's scale and zero point (zeros when symmetric). */
    scale: tf.Tensor;
    zeroPoint: tf.Tensor;
    indices: tf.Tensor;
    flips: tf.Tensor;
  } | null;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function oscReportKernelFunc(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const p = args.attrs as unknown as OscReportParams;
  const i = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const {
    freq,
    flipTotal,
    reversalTotal,
    keep,
    codes,
    weight,
    scale,
    zeroPoint,
    sampleIndices,
    sampleFlips,
  } = i;
  if (!freq || !flipTotal || !reversalTotal) throw new Error(`${KERNEL_NAME}: missing input`);
  const k = sampleIndices ? sizeOf(sampleIndices.shape) : 0;
  const out = backend.makeOutput([OSC_REPORT_STATS + p.bins + 4 * k], 'float32');
  const at = (t: tf.TensorInfo | undefined) => (t ? heapOffset(backend, t) : 0);
  const hasKeep = keep && codes ? 1 : 0;
  const o = at(out);
  withScratch(backend, [4 * p.bins], 'int32', ([scratch]) =>
    kernelExport(backend, 'oscReport', 'osc_stats')(
      at(freq),
      at(keep),
      sizeOf(freq.shape) * 4,
      hasKeep,
      at(flipTotal),
      at(reversalTotal),
      p.threshold,
      p.e0,
      p.width,
      p.bins,
      scratch,
      o,
    ),
  );
  if (k) {
    if (!weight || !scale || !zeroPoint || !sampleFlips)
      throw new Error(`${KERNEL_NAME}: missing sample input`);
    kernelExport(backend, 'oscReport', 'osc_samples')(
      at(weight),
      at(scale),
      at(zeroPoint),
      sizeOf(scale.shape),
      p.inner,
      at(keep),
      at(codes),
      hasKeep,
      hasKeep && p.applyCodes ? 1 : 0,
      at(sampleIndices),
      k,
      at(sampleFlips),
      o + 4 * (OSC_REPORT_STATS + p.bins),
      p.qmin,
      p.qmax,
    );
  }
  return out;
}

/** Largest size whose counts the op path's float32 means hold exactly (2^24). */
const MAX_SIZE = 2 ** 24;

/**
 * Whether the kernel can run here: the active backend is wasm with a reachable heap and the
 * tracked tensor's size is a positive multiple of 4 below 2^24.
 */
export function oscReportAvailable(size: number): boolean {
  if (size <= 0 || size % 4 !== 0 || size >= MAX_SIZE) return false;
  return wasmKernelReady('oscReport', KERNEL_NAME, oscReportKernelFunc as unknown as tf.KernelFunc);
}

/**
 * One layer's report block (check {@link oscReportAvailable} first): float32 [5 + bins + 4k], a new
 * tensor the caller owns.
 */
export function oscReport(inputs: OscReportInputs, params: OscReportParams): tf.Tensor1D {
  const { freq, flipTotal, reversalTotal, frozen, samples } = inputs;
  const tensors: tf.NamedTensorMap = { freq, flipTotal, reversalTotal };
  if (frozen) {
    tensors.keep = frozen.keep;
    tensors.codes = frozen.codes;
  }
  if (samples) {
    tensors.weight = samples.weight;
    tensors.scale = samples.scale;
    tensors.zeroPoint = samples.zeroPoint;
    tensors.sampleIndices = samples.indices;
    tensors.sampleFlips = samples.flips;
  }
  return tf.engine().runKernel(KERNEL_NAME, tensors, params as unknown as tf.NamedAttrMap) as tf.Tensor1D;
}

/** The kernel's name, as tf.profile lists it. */
export const OSC_REPORT_KERNEL = KERNEL_NAME;
