/**
 * The fused Adam update (adamStep.wat) as a tfjs kernel of the wasm backend: per parameter, one
 * pass instead of tfjs-core's 14 kernels (mul, mul, add, mul, square, mul, add, div, div, sqrt,
 * add, div, mul, add), bit-identical to them (tests/unit/perf/fusedAdam.test.ts); optionally it also
 * pins a frozen weight (the pins handed to src/train/fusedAdam.ts by the oscillation controller).
 */
import * as tf from '@tensorflow/tfjs-core';
import { heapOffset, kernelExport, sizeOf, wasmKernelReady, type WasmBackendLike } from './wasmHeap';

const KERNEL_NAME = 'QuantLabAdamStep';

/** Adam's constants as tfjs-core uses them (see adamStep.wat for the update). */
export interface AdamStepParams {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
}

/** Inputs of one update: parameter, gradient, moments, and the bias corrections 1 − β^t (scalars). */
export interface AdamStepInputs {
  value: tf.Tensor;
  gradient: tf.Tensor;
  firstMoment: tf.Tensor;
  secondMoment: tf.Tensor;
  oneMinusAccBeta1: tf.Scalar;
  oneMinusAccBeta2: tf.Scalar;
  /** Frozen entries to pin in the same pass (value' ← value'·keep + pinned), or none. */
  keep?: tf.Tensor;
  pinned?: tf.Tensor;
}

const INPUT_ORDER = [
  'value',
  'gradient',
  'firstMoment',
  'secondMoment',
  'oneMinusAccBeta1',
  'oneMinusAccBeta2',
  'keep',
  'pinned',
] as const;

function adamStepKernel(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo[] {
  const backend = args.backend as WasmBackendLike;
  const p = args.attrs as unknown as AdamStepParams;
  const run = kernelExport(backend, 'adamStep', 'adam_step');
  const [w, g, m, v, c1, c2, keep, pinned] = INPUT_ORDER.map(
    (k) => args.inputs[k] as tf.TensorInfo | undefined,
  ) as tf.TensorInfo[];
  const pin = keep !== undefined && pinned !== undefined;
  const outs = [0, 1, 2].map(() => backend.makeOutput(w.shape, 'float32'));
  const at = (t: tf.TensorInfo) => heapOffset(backend, t);
  // The same JS numbers tfjs-core turns into float32 scalars; wasm rounds each f32 argument alike.
  run(
    ...[w, g, m, v, c1, c2, ...outs].map(at),
    pin ? at(keep) : 0,
    pin ? at(pinned) : 0,
    pin ? 1 : 0,
    sizeOf(w.shape) * 4,
    p.beta1,
    1 - p.beta1,
    p.beta2,
    1 - p.beta2,
    p.epsilon,
    -p.learningRate,
  );
  return outs;
}

/** Whether the fused update can run on the active backend (wasm with a reachable heap). */
export function adamStepAvailable(): boolean {
  return wasmKernelReady('adamStep', KERNEL_NAME, adamStepKernel as unknown as tf.KernelFunc);
}

/** One fused update (call {@link adamStepAvailable} first). Returns [value', m', v'], new tensors. */
export function adamStep(inputs: AdamStepInputs, params: AdamStepParams): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const { keep, pinned, ...rest } = inputs;
  const tensors: tf.NamedTensorMap = { ...rest };
  if (keep && pinned) Object.assign(tensors, { keep, pinned });
  const out = tf
    .engine()
    .runKernel(KERNEL_NAME, tensors, params as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return [out[0], out[1], out[2]];
}
