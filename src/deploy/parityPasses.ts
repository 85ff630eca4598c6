/**
 * The four forms of a model on one batch, each giving every layer's input and the logits
 * (docs/integer.md §8): the float model (latent weights, no quantizers), fake quantization, the
 * integer model and the ONNX export in a runtime. Layer inputs are laid out like the lab's
 * ([N, D] or NHWC); the runtime's NCHW codes are transposed here.
 */
import * as tf from '@tensorflow/tfjs';
import { floatLayer } from '../hessian/hvp';
import type { QuantModel } from '../models/build';
import { forward, modelInput } from '../models/forward';
import type { LayerSpec } from '../models/spec';

/** The float model's layer inputs and logits. */
export interface FloatPass {
  inputs: Float32Array[];
  logits: Float32Array;
}

/** Fake quantization's layer inputs before and after its quantizer, its codes and logits. */
export interface FakeQuantPass {
  /** x, what the activation quantizer receives. */
  raw: Float32Array[];
  /** x̂ = s·(x_int − z), what the layer computes with. */
  dequantized: Float32Array[];
  codes: Int32Array[];
  logits: Float32Array;
}

/** The float model in evaluation mode (BN's running statistics, latent weights). */
export function floatPass(model: QuantModel, images: tf.Tensor2D): FloatPass {
  return tf.tidy(() => {
    let h = modelInput(model, images);
    const inputs: Float32Array[] = [];
    model.layers.forEach((layer, i) => {
      inputs.push(h.dataSync() as Float32Array);
      h = floatLayer(layer, h, model.ops, i === 0, 'eval');
    });
    return { inputs, logits: h.dataSync() as Float32Array };
  });
}

/** The fake-quant model in evaluation mode. */
export function fakeQuantPass(model: QuantModel, images: tf.Tensor2D): FakeQuantPass {
  const [raw, dequantized, codes] = [[], [], []] as [Float32Array[], Float32Array[], Int32Array[]];
  const onLayerInput = (i: number, h: tf.Tensor) => {
    const act = model.layers[i]!.quantizers.act;
    raw.push(h.dataSync() as Float32Array);
    dequantized.push(act.apply(h, false, false).dataSync() as Float32Array);
    codes.push(act.toInt(h).dataSync() as Int32Array);
  };
  const logits = tf.tidy(
    () =>
      forward(model, images, { training: false, recordClip: false, onLayerInput }).dataSync() as Float32Array,
  );
  return { raw, dequantized, codes, logits };
}

/** Runs an ONNX export on pixels in its input shape; returns its outputs by name. */
export type OnnxOutputsRunner = (
  pixels: Float32Array,
  shape: number[],
) => Promise<Record<string, ArrayLike<number>>>;

/** The runtime's logits and every layer's input codes (null where the export does not quantize it). */
export interface OnnxPass {
  codes: (Float32Array | null)[];
  logits: Float32Array;
}

/** NCHW [N, C, H, W] → NHWC, for a layer input of shape [H, W, C]; [N, D] unchanged. */
function toLabLayout(values: ArrayLike<number>, spec: LayerSpec, n: number): Float32Array {
  const s = spec.inShape;
  if (s.length === 1) return Float32Array.from(values);
  const [h, w, c] = s as [number, number, number];
  const out = new Float32Array(n * h * w * c);
  for (let b = 0; b < n; b++)
    for (let k = 0; k < c; k++)
      for (let p = 0; p < h * w; p++) out[(b * h * w + p) * c + k] = values[(b * c + k) * h * w + p]!;
  return out;
}

/**
 * The export's outputs on `images`.
 * @param inputShape the export's input shape, 'N' for the batch
 * @param codeOutputs per layer, the graph output of its input codes, or null
 */
export async function onnxPass(
  run: OnnxOutputsRunner,
  inputShape: (number | string)[],
  codeOutputs: (string | null)[],
  model: QuantModel,
  images: tf.Tensor2D,
): Promise<OnnxPass> {
  const n = images.shape[0];
  const shape = inputShape.map((d) => (d === 'N' ? n : (d as number)));
  const outputs = await run(images.dataSync() as Float32Array, shape);
  const codes = codeOutputs.map((name, i) =>
    name === null ? null : toLabLayout(outputs[name]!, model.layers[i]!.spec, n),
  );
  return { codes, logits: Float32Array.from(outputs.logits!) };
}
