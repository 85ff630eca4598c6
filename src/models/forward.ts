/**
 * The forward pass of a {@link QuantModel}. Each layer runs
 *
 *   x̂ = Q_act(x) → ŵ = Q_w(w) → y = op(x̂, ŵ) (+ b) → BN → ReLU → pool → flatten
 *
 * with op the layer kind's (src/models/layers: dense, 3×3 or 1×1 conv, depthwise conv), run with
 * the model's backend-specific op set, or on the integer codes when the model trains natively in
 * integers (./nativeInt.ts).
 * Call inside tf.tidy or optimizer.minimize: it returns a new tensor and allocates intermediates.
 */
import * as tf from '@tensorflow/tfjs';
import { batchNormTrain } from '../tensor/batchNormOp';
import { applyBatchNorm, BN_EPSILON, batchStats, updateRunningStats, type BnStats } from './batchnorm';
import type { ModelLayer, QuantModel } from './build';
import { nativeIntOp, nativeIntServes } from './nativeInt';

/** How a forward pass treats quantizer state and batch-norm statistics. */
export interface ForwardOptions {
  /**
   * Training step: quantizers update their range state; BN normalizes with batch statistics and
   * folds them into its running statistics. Otherwise nothing changes.
   */
  training: boolean;
  /** Evaluation with these BN statistics (by layer name) instead of the running ones. */
  bnStats?: ReadonlyMap<string, BnStats>;
  /**
   * BN re-estimation (docs/science.md §2): BN normalizes with batch statistics and hands them here;
   * quantizers stay in evaluation mode and running statistics are left alone.
   */
  collectBnStats?: (layer: string, stats: BnStats) => void;
  /**
   * Record the activation quantizers' clip fraction (default true). The trainer turns it off on
   * steps that report nothing: 3 full-size ops per quantizer nobody reads.
   */
  recordClip?: boolean;
  /**
   * Sees each layer's input before its activation quantizer (index, tensor), for the deployed forms'
   * comparisons (src/deploy). Called inside the pass's tidy: keep or read back what it holds on to.
   */
  onLayerInput?: (index: number, input: tf.Tensor) => void;
}

/** Picks the statistics a BN layer normalizes with, updating or reporting them as asked. */
function bnStatsFor(layer: ModelLayer, y: tf.Tensor, opts: ForwardOptions): BnStats {
  const bn = layer.bn!;
  if (opts.training || opts.collectBnStats) {
    const stats = batchStats(y);
    if (opts.training) updateRunningStats(bn, stats);
    opts.collectBnStats?.(layer.spec.name, stats);
    return stats;
  }
  return opts.bnStats?.get(layer.spec.name) ?? { mean: bn.runningMean, variance: bn.runningVariance };
}

/**
 * BN of a layer's linear output, then ReLU when `relu`. With batch statistics and the 'fused' op
 * set, one customGrad op (src/tensor/batchNormOp.ts; on wasm our own kernels, ReLU included)
 * replaces tf.moments + the elementwise composition; same statistics handed to the running
 * averages / the re-estimation collector, same value and gradients.
 */
function batchNorm(
  model: QuantModel,
  layer: ModelLayer,
  y: tf.Tensor,
  opts: ForwardOptions,
  relu: boolean,
): tf.Tensor {
  const bn = layer.bn!;
  const quant = layer.quantizers.bn;
  if (model.ops.batchNorm !== 'fused' || !(opts.training || opts.collectBnStats)) {
    const out = applyBatchNorm(y, bn, bnStatsFor(layer, y, opts), quant, opts.training);
    return relu ? tf.relu(out) : out;
  }
  const gamma = quant ? quant.gamma.apply(bn.gamma, opts.training) : bn.gamma;
  const beta = quant ? quant.beta.apply(bn.beta, opts.training) : bn.beta;
  const onMoments = (stats: BnStats) => {
    if (opts.training) updateRunningStats(bn, stats);
    opts.collectBnStats?.(layer.spec.name, stats);
  };
  return batchNormTrain(y, gamma as tf.Tensor1D, beta as tf.Tensor1D, BN_EPSILON, onMoments, relu);
}

/** Runs one layer on x (shape [N, ...spec.inShape]). */
export function layerForward(
  model: QuantModel,
  layer: ModelLayer,
  x: tf.Tensor,
  opts: ForwardOptions,
  first: boolean,
): tf.Tensor {
  const { spec, quantizers } = layer;
  const training = opts.training;
  const recordClip = opts.recordClip ?? true;
  const xq = quantizers.act.apply(x, training, recordClip);
  const wq = quantizers.weight.apply(layer.weight, training, recordClip);
  // The first layer's input is data: its gradient is never needed (saves a conv on wasm).
  let y =
    model.nativeInt && nativeIntServes(layer)
      ? nativeIntOp(layer, x, xq, wq, !first, model.ops)
      : layer.def.op(xq, wq, !first, model.ops, tf);
  if (layer.bias) y = tf.add(y, layer.bias);
  const relu = spec.activation === 'relu';
  if (layer.bn) y = batchNorm(model, layer, y, opts, relu);
  else if (relu) y = tf.relu(y);
  if (spec.pool === 'max2') y = model.ops.maxPool2(y as tf.Tensor4D);
  if (spec.pool === 'gap') y = tf.mean(y, [1, 2], true);
  if (spec.flatten) y = tf.reshape(y, [y.shape[0], -1]);
  return y;
}

/**
 * Logits [N, 10] for images x [N, 784] with pixels in [0, 1] (reshaped to the first layer's input
 * shape, [N, 28, 28, 1], when it takes images).
 */
export function forward(model: QuantModel, x: tf.Tensor2D, opts: ForwardOptions): tf.Tensor2D {
  let h = modelInput(model, x);
  model.layers.forEach((layer, i) => {
    opts.onLayerInput?.(i, h);
    h = layerForward(model, layer, h, opts, i === 0);
  });
  return h as tf.Tensor2D;
}

/** Images x [N, 784] as the first layer takes them: unchanged, or [N, 28, 28, 1] for images. */
export function modelInput(model: QuantModel, x: tf.Tensor2D): tf.Tensor {
  const first = model.layers[0].spec;
  return first.inShape.length === 1 ? x : tf.reshape(x, [x.shape[0], ...first.inShape]);
}
