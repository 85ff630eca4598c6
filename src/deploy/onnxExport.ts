/**
 * A model as ONNX (docs/integer.md §5): the fake-quant model in QDQ form, or the float model.
 *
 * QDQ: each quantized layer input passes QuantizeLinear → DequantizeLinear with the layer's scale
 * and zero point; each quantized weight is stored as its integer codes and enters through a
 * per-channel DequantizeLinear. Sub-8-bit grids live in 8-bit containers: the codes of a b-bit
 * weight are already in [qmin, qmax], and a b-bit activation is clipped to the grid's real range
 * first, so QuantizeLinear's 8-bit saturation never acts. BN stays a BatchNormalization node
 * (evaluation mode), as in the fake-quant model. Layout: NCHW, so conv weights are transposed and
 * a Transpose to NHWC precedes every flatten (the lab's dense rows are in H·W·C order).
 */
import * as tf from '@tensorflow/tfjs';
import { MNIST_SIDE } from '../data/mnist';
import type { Experiment } from '../experiment/schema';
import type { QuantModel } from '../models/build';
import { BN_EPSILON } from '../models/batchnorm';
import type { LayerSpec } from '../models/spec';
import { type IntegerGrid, inputGrid, layerInputs, weightCodes } from './layerQuant';
import { type ExtraOutput, OnnxGraphBuilder } from './onnxGraph';

/** What an export holds: fake quantization in QDQ form, or the float model. */
export type OnnxForm = 'qdq' | 'float';

/** An exported model and what a runtime needs to feed it. */
export interface OnnxModel {
  bytes: Uint8Array;
  form: OnnxForm;
  /** 'input': float32 pixels in [0, 1]; [N, 784] for the MLP, [N, 1, 28, 28] for conv models. */
  inputShape: (number | string)[];
  /**
   * With `layerCodes`: per layer, the graph output holding its input codes (QuantizeLinear's int8
   * or uint8 output; [N, D] or NCHW [N, C, H, W]), null where the layer's input is not quantized.
   */
  codeOutputs?: (string | null)[];
}

/** Options of {@link exportOnnx}. */
export interface OnnxExportOptions {
  /** Also expose every quantized layer input's codes as graph outputs `codes_<layer>` (QDQ only). */
  layerCodes?: boolean;
}

/** A layer input's shape in ONNX's layout: [N, D] or [N, C, H, W]. */
function onnxInputShape(spec: LayerSpec): (number | string)[] {
  const s = spec.inShape;
  return s.length === 1 ? ['N', s[0]!] : ['N', s[2]!, s[0]!, s[1]!];
}

/** The tfjs weight layout → ONNX's: conv [k, k, in, out] → [out, in, k, k]; depthwise [k, k, C, 1] → [C, 1, k, k]. */
function onnxWeight(spec: LayerSpec, w: tf.Tensor): tf.Tensor {
  if (spec.kind === 'dense') return w.clone();
  return tf.transpose(w, spec.kind === 'conv' ? [3, 2, 0, 1] : [2, 3, 0, 1]);
}

/** The weight's per-channel axis in ONNX's layout. */
const onnxAxis = (spec: LayerSpec) => (spec.kind === 'dense' ? 1 : 0);

function floatConstant(g: OnnxGraphBuilder, prefix: string, t: tf.Tensor): string {
  return g.constant(prefix, 'float', t.shape, t.dataSync());
}

/**
 * QuantizeLinear → DequantizeLinear of a layer input on its grid, clipped first below 8 bits.
 * @returns the dequantized value and the codes (QuantizeLinear's output)
 */
function quantizeInput(g: OnnxGraphBuilder, h: string, grid: IntegerGrid): { value: string; codes: string } {
  const signed = grid.qmin < 0;
  const type = signed ? 'int8' : 'uint8';
  const scale = g.constant('x_scale', 'float', [], [grid.scale]);
  const zero = g.constant('x_zero', type, [], [grid.zero]);
  const container = signed ? [-128, 127] : [0, 255];
  let x = h;
  if (grid.qmin > container[0]! || grid.qmax < container[1]!) {
    const lo = g.constant('clip_lo', 'float', [], [grid.scale * (grid.qmin - grid.zero)]);
    const hi = g.constant('clip_hi', 'float', [], [grid.scale * (grid.qmax - grid.zero)]);
    x = g.node('Clip', [x, lo, hi]);
  }
  const codes = g.node('QuantizeLinear', [x, scale, zero]);
  return { value: g.node('DequantizeLinear', [codes, scale, zero]), codes };
}

/** The weight as a graph value: DequantizeLinear of its codes, or a float initializer. */
function weightValue(g: OnnxGraphBuilder, layer: QuantModel['layers'][number], qdq: boolean): string {
  const { spec } = layer;
  if (!qdq || spec.weightBits > 8) {
    const w = onnxWeight(spec, layer.weight);
    const name = floatConstant(g, `${spec.name}_w`, w);
    w.dispose();
    return name;
  }
  const c = weightCodes(layer.quantizers.weight, layer.weight);
  const codes = onnxWeight(spec, c.codes);
  const type = c.qmin < 0 ? 'int8' : 'uint8';
  const perChannel = c.axis !== null;
  const dims = perChannel ? [c.scales.length] : [];
  const name = g.node(
    'DequantizeLinear',
    [
      g.constant(`${spec.name}_w_int`, type, codes.shape, codes.dataSync()),
      g.constant(`${spec.name}_w_scale`, 'float', dims, c.scales),
      g.constant(`${spec.name}_w_zero`, type, dims, c.zeroPoints),
    ],
    perChannel ? { axis: onnxAxis(spec) } : {},
  );
  tf.dispose([codes, c.codes, c.zeroPoint]);
  return name;
}

/** The layer's op, bias, BN, ReLU, pooling and flatten on h. */
function layerOps(g: OnnxGraphBuilder, layer: QuantModel['layers'][number], h: string, w: string): string {
  const { spec, bn, bias } = layer;
  let y: string;
  if (spec.kind === 'dense') {
    y = g.node('MatMul', [h, w]);
    if (bias) y = g.node('Add', [y, floatConstant(g, `${spec.name}_b`, bias)]);
  } else {
    const p = Math.floor(spec.kernel / 2);
    const inputs = bias ? [h, w, floatConstant(g, `${spec.name}_b`, bias)] : [h, w];
    const group = spec.kind === 'depthwise' ? spec.outChannels : 1;
    y = g.node('Conv', inputs, { kernel_shape: [spec.kernel, spec.kernel], pads: [p, p, p, p], group });
  }
  if (bn) {
    const q = layer.quantizers.bn;
    const [gamma, beta] = tf.tidy(() => [
      q ? q.gamma.apply(bn.gamma, false) : bn.gamma.clone(),
      q ? q.beta.apply(bn.beta, false) : bn.beta.clone(),
    ]);
    const params = [gamma!, beta!, bn.runningMean, bn.runningVariance].map((t, i) =>
      floatConstant(g, `${spec.name}_bn${i}`, t),
    );
    tf.dispose([gamma!, beta!]);
    y = g.node('BatchNormalization', [y, ...params], { epsilon: { float: BN_EPSILON } });
  }
  if (spec.activation === 'relu') y = g.node('Relu', [y]);
  if (spec.pool === 'max2') y = g.node('MaxPool', [y], { kernel_shape: [2, 2], strides: [2, 2] });
  if (spec.pool === 'gap') y = g.node('GlobalAveragePool', [y]);
  if (spec.flatten) {
    if (spec.kind !== 'dense') y = g.node('Transpose', [y], { perm: [0, 2, 3, 1] });
    y = g.node('Flatten', [y], { axis: 1 });
  }
  return y;
}

/**
 * Exports `model` as ONNX.
 * @param exp its experiment (the activation range estimator)
 * @param calibration images [N, 784] that fix per-batch activation ranges (as the integer model does)
 */
export function exportOnnx(
  model: QuantModel,
  exp: Experiment,
  calibration: tf.Tensor2D,
  form: OnnxForm,
  options: OnnxExportOptions = {},
): OnnxModel {
  const g = new OnnxGraphBuilder();
  const extra: ExtraOutput[] = [];
  const codeOutputs: (string | null)[] = [];
  const qdq = form === 'qdq';
  const inputs = qdq ? layerInputs(model, calibration) : [];
  const dense = model.layers[0]!.spec.kind === 'dense';
  const inputShape = dense ? ['N', MNIST_SIDE * MNIST_SIDE] : ['N', 1, MNIST_SIDE, MNIST_SIDE];
  try {
    let h = 'input';
    model.layers.forEach((layer, i) => {
      const quantized = qdq && layer.spec.actBits <= 8 && layer.quantizers.act.codeParams;
      let codes: string | null = null;
      if (quantized) {
        const grid = inputGrid(layer.quantizers.act, inputs[i]!, exp.quant.act.range);
        const q = quantizeInput(g, h, grid);
        h = q.value;
        codes = `codes_${layer.spec.name}`;
        const type = grid.qmin < 0 ? 'int8' : 'uint8';
        extra.push({ name: codes, from: q.codes, type, shape: onnxInputShape(layer.spec) });
      }
      codeOutputs.push(codes);
      h = layerOps(g, layer, h, weightValue(g, layer, qdq));
    });
    const classes = model.layers[model.layers.length - 1]!.spec.outChannels;
    const doc = qdq
      ? 'Quant Lab fake-quant model in QDQ form: 8-bit containers hold the b-bit grids (docs/integer.md §5)'
      : 'Quant Lab float model';
    const bytes = g.encode(
      { name: 'input', shape: inputShape },
      { name: 'logits', from: h, shape: ['N', classes] },
      doc,
      options.layerCodes ? extra : [],
    );
    return { bytes, form, inputShape, ...(options.layerCodes && { codeOutputs }) };
  } finally {
    tf.dispose(inputs);
  }
}
