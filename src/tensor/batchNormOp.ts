/**
 * Training-mode batch normalization as one op with a hand-written backward pass (fewer
 * kernels per step on wasm). The stock composition (tf.moments + sub/mul/add) costs, per BN layer
 * and step, ~20 full-size kernels on wasm: every Sum/Mean over [N, H, W] first transposes the
 * NHWC tensor so the reduced axes are innermost, the Mean/Sum gradients materialize full-size
 * `ones` tensors, and each saved input is cloned (tfjs clones saved tensors; with the stock wasm
 * Identity a memcpy, with ours in kernels/identity.ts a shared reference). Here the per-channel means are two average poolings each (XNNPACK, no
 * transpose) and the backward pass is the closed form
 *
 *   x̂ = (x − μ)·r,  r = 1/√(σ² + ε),  y = γ·x̂ + β        (μ, σ² over all axes but the last)
 *   dβ = Σ dy,  dγ = Σ dy·x̂,  dx = γ·r·(dy − dβ/M − x̂·dγ/M)
 *
 * which is the exact gradient of the composition, the path through μ and σ² included
 * (tests/unit/perf/batchNormOp.test.ts checks it against tf.moments-based BN on cpu and wasm).
 *
 * On wasm, with C a multiple of 4, the forward and the backward pass are each one kernel of our
 * own (src/tensor/kernels/batchNorm.ts, WebAssembly SIMD) instead of ~10 tfjs kernels: the
 * customGrad then saves only x and a [4·C] state vector. Optionally ReLU
 * follows in the same kernel (`relu`): its mask is recomputed in the backward kernel from x, so
 * the BN output is neither saved nor re-read.
 */
import * as tf from '@tensorflow/tfjs';
import { batchNormBackward, batchNormForward, batchNormKernelAvailable } from './kernels/batchNorm';

/** Per-channel batch statistics produced by the op: mean and biased variance, each [C]. */
export interface BatchMoments {
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

/** Largest divisor of m that is ≤ √m (1 for a prime m). */
function rootDivisor(m: number): number {
  for (let k = Math.floor(Math.sqrt(m)); k > 1; k -= 1) if (m % k === 0) return k;
  return 1;
}

/**
 * Mean over the rows of x [M, C] as [1, C], by average pooling over row blocks of K ≈ √M, then over
 * the M/K block means. Measured on wasm at M = 50176, C = 16 with a fresh x each call: ~0.3 ms,
 * against 3.3 ms for tf.mean/tf.sum (a transpose, then a reduction) and 3.5 ms for ones[1, M] @ x
 * (XNNPACK re-packs x as the weight matrix on every call). The two levels also make the float32
 * sum ~10× more accurate than one sequential pass (4e-7 vs 5e-6 at M = 12544).
 */
function columnMeans(x: tf.Tensor2D): tf.Tensor2D {
  const [m, c] = x.shape;
  const k = rootDivisor(m);
  const blocks = tf.avgPool(tf.reshape(x, [1, m, 1, c]) as tf.Tensor4D, [k, 1], [k, 1], 'valid');
  const pooled = tf.avgPool(blocks, [m / k, 1], [m / k, 1], 'valid');
  return tf.reshape(pooled, [1, c]);
}

type Save = (tensors: tf.Tensor[]) => void;

/**
 * Whether batchNormTrain may use the wasm kernels where they apply. Off only to compare them with
 * the op path (tests, benchmarks).
 */
export const BN_KERNELS = { enabled: true };

/**
 * y = γ·(x − μ_B)/√(σ²_B + ε) + β with the batch's own statistics, differentiable in x, γ, β.
 * @param x [..., C] (NHWC or [N, C])
 * @param gamma [C] (possibly fake-quantized: its gradient flows back through whatever made it)
 * @param beta [C]
 * @param epsilon variance floor inside the square root
 * @param onMoments receives the batch mean and biased variance ([C] each, not differentiable;
 *   owned by the enclosing tidy like any intermediate) for running statistics or re-estimation
 * @param relu apply ReLU to the result (fused into the kernel where it runs)
 */
export function batchNormTrain(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  onMoments?: (m: BatchMoments) => void,
  relu = false,
): tf.Tensor {
  const c = x.shape[x.shape.length - 1];
  if (BN_KERNELS.enabled && x.dtype === 'float32' && batchNormKernelAvailable(c))
    return kernelBn(x, gamma, beta, { epsilon, relu }, onMoments);
  const y = opBn(x, gamma, beta, epsilon, onMoments);
  return relu ? tf.relu(y) : y;
}

/**
 * The wasm kernels in one customGrad: saves x and the [4·C] state (μ, r, k, β). (Registering a
 * gradient for the kernel and calling it through runKernel would save nothing: the engine clones
 * the tensors a gradConfig saves just the same, and onMoments' ops would then be taped too.)
 */
function kernelBn(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  attrs: { epsilon: number; relu: boolean },
  onMoments?: (m: BatchMoments) => void,
): tf.Tensor {
  const op = tf.customGrad(((xIn: tf.Tensor, gIn: tf.Tensor1D, bIn: tf.Tensor1D, save: Save) => {
    const [y, mean, variance, state] = batchNormForward(xIn, gIn, bIn, attrs);
    onMoments?.({ mean, variance });
    save([xIn, state]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        batchNormBackward(dy, saved[0], saved[1] as tf.Tensor1D, attrs),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, gamma, beta);
}

/** The tfjs op composition (any backend, any C). */
function opBn(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  onMoments?: (m: BatchMoments) => void,
): tf.Tensor {
  const shape = x.shape;
  const c = shape[shape.length - 1];
  const m = x.size / c;
  const op = tf.customGrad(((xIn: tf.Tensor, gIn: tf.Tensor, bIn: tf.Tensor, save: Save) => {
    const x2 = tf.reshape(xIn, [m, c]) as tf.Tensor2D;
    const mean = columnMeans(x2);
    const centered = tf.sub(x2, mean) as tf.Tensor2D;
    const variance = columnMeans(tf.square(centered) as tf.Tensor2D);
    const rstd = tf.rsqrt(tf.add(variance, epsilon));
    onMoments?.({ mean: tf.reshape(mean, [c]), variance: tf.reshape(variance, [c]) });
    // Only x − μ (one full-size tensor) and [1, C] vectors are saved.
    save([centered, rstd, gIn]);
    // Same association as the stock BN (src/models/batchnorm.ts): (x − μ)·(r·γ) + β.
    const y = tf.add(tf.mul(centered, tf.mul(rstd, gIn)), bIn);
    return {
      value: tf.reshape(y, shape),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [cen, r, g] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const xh = tf.mul(cen, r);
        const dy2 = tf.reshape(dy, [m, c]) as tf.Tensor2D;
        const meanDy = columnMeans(dy2); // dβ/M
        const meanDyXh = columnMeans(tf.mul(dy2, xh) as tf.Tensor2D); // dγ/M
        const k = tf.mul(g, r); // γ·r, [1, C]
        // dx = k·dy − k·dβ/M − x̂·(k·dγ/M): two full-size multiplies, two subtractions.
        const dx = tf.sub(tf.sub(tf.mul(dy2, k), tf.mul(k, meanDy)), tf.mul(xh, tf.mul(k, meanDyXh)));
        return [
          tf.reshape(dx, shape),
          tf.reshape(tf.mul(meanDyXh, m), [c]),
          tf.reshape(tf.mul(meanDy, m), [c]),
        ];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, gamma, beta);
}
