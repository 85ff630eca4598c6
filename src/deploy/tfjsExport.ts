/**
 * A model in tfjs's own format (docs/integer.md §9): a LayersModel built with tf.sequential from
 * the lab's layers, saved as `model.json` (topology, weights manifest, metadata) and `weights.bin`,
 * which `tf.loadLayersModel('…/model.json')` loads in a plain page.
 *
 * Two forms: the float model (latent weights), or the fake-quant weights dequantized (ŵ = s·(w_int −
 * z), QuantNorm's γ and β too) with activations unquantized: tfjs's layers have no fake-quant layer,
 * and a custom one would not load in a page without the lab's code. The file's metadata says which.
 * A LayersModel rather than a GraphModel: the lab's layers map one to one onto Keras layers, and a
 * GraphModel would need the converter's graph format, which tfjs can load but not write.
 */
import * as tf from '@tensorflow/tfjs';
import { MNIST_SIDE } from '../data/mnist';
import { BN_EPSILON } from '../models/batchnorm';
import type { ModelLayer, QuantModel } from '../models/build';

/** What the export holds: latent float weights, or the fake-quant weights dequantized. */
export type TfjsForm = 'float' | 'weights';

/** The metadata the export stores under `userDefinedMetadata.quantLab`. */
export interface TfjsExportMetadata {
  form: TfjsForm;
  weights: 'float' | 'dequantized fake-quant codes';
  activations: 'unquantized';
  input: string;
  /** Per layer: name and weight bits (32: float). */
  layers: { name: string; weightBits: number }[];
}

/** The layer's weights in the form asked; tensors are the caller's. */
function layerWeights(layer: ModelLayer, form: TfjsForm): { main: tf.Tensor[]; bn: tf.Tensor[] } {
  const quantized = form === 'weights';
  const w = quantized ? layer.quantizers.weight.apply(layer.weight, false, false) : layer.weight.clone();
  const main = layer.bias ? [w, layer.bias.clone()] : [w];
  const { bn } = layer;
  if (!bn) return { main, bn: [] };
  const q = quantized ? layer.quantizers.bn : undefined;
  const gamma = q ? q.gamma.apply(bn.gamma, false) : bn.gamma.clone();
  const beta = q ? q.beta.apply(bn.beta, false) : bn.beta.clone();
  return { main, bn: [gamma, beta, bn.runningMean.clone(), bn.runningVariance.clone()] };
}

/** The Keras layer of the lab layer's op. */
function opLayer(layer: ModelLayer): tf.layers.Layer {
  const { spec } = layer;
  const useBias = layer.bias !== null && layer.bias !== undefined;
  const name = spec.name;
  if (spec.kind === 'dense') return tf.layers.dense({ units: spec.outChannels, useBias, name });
  if (spec.kind === 'depthwise')
    return tf.layers.depthwiseConv2d({ kernelSize: spec.kernel, padding: 'same', useBias, name });
  return tf.layers.conv2d({
    filters: spec.outChannels,
    kernelSize: spec.kernel,
    padding: 'same',
    useBias,
    name,
  });
}

/**
 * The model as a tfjs LayersModel (the caller disposes it). Input [N, 784], pixels in [0, 1];
 * output logits [N, classes].
 */
export function buildTfjsModel(model: QuantModel, form: TfjsForm): tf.Sequential {
  const seq = tf.sequential({ name: 'quant_lab' });
  const pixels = MNIST_SIDE * MNIST_SIDE;
  const first = model.layers[0]!.spec;
  if (first.inShape.length > 1)
    seq.add(tf.layers.reshape({ targetShape: first.inShape, inputShape: [pixels], name: 'image' }));
  else seq.add(tf.layers.inputLayer({ inputShape: [pixels], name: 'pixels' }));
  for (const layer of model.layers) {
    const { spec } = layer;
    const weights = tf.tidy(() => layerWeights(layer, form));
    const op = opLayer(layer);
    seq.add(op);
    op.setWeights(weights.main);
    if (layer.bn) {
      const bn = tf.layers.batchNormalization({ epsilon: BN_EPSILON, name: `${spec.name}_bn` });
      seq.add(bn);
      bn.setWeights(weights.bn);
    }
    tf.dispose([...weights.main, ...weights.bn]);
    if (spec.activation === 'relu') seq.add(tf.layers.reLU({ name: `${spec.name}_relu` }));
    if (spec.pool === 'max2')
      seq.add(
        tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'valid', name: `${spec.name}_pool` }),
      );
    if (spec.pool === 'gap') seq.add(tf.layers.globalAveragePooling2d({ name: `${spec.name}_gap` }));
    else if (spec.flatten) seq.add(tf.layers.flatten({ name: `${spec.name}_flatten` }));
  }
  const metadata: TfjsExportMetadata = {
    form,
    weights: form === 'float' ? 'float' : 'dequantized fake-quant codes',
    activations: 'unquantized',
    input: `float32 pixels in [0, 1], [N, ${pixels}]; output logits`,
    layers: model.layers.map((l) => ({
      name: l.spec.name,
      weightBits: form === 'float' ? 32 : l.spec.weightBits,
    })),
  };
  seq.setUserDefinedMetadata({ quantLab: metadata });
  return seq;
}

/** `model.json` and `weights.bin` as tfjs writes them for an HTTP or file load. */
export interface TfjsFiles {
  modelJson: string;
  weights: Uint8Array;
}

/** The weights file's name inside the export's folder. */
export const TFJS_WEIGHTS_FILE = 'weights.bin';

/** Saves `seq` through tfjs's own serializer into the two files of its format. */
export async function tfjsFiles(seq: tf.LayersModel): Promise<TfjsFiles> {
  let files: TfjsFiles | null = null;
  await seq.save(
    tf.io.withSaveHandler(async (a) => {
      const data = a.weightData ? tf.io.CompositeArrayBuffer.join(a.weightData) : new ArrayBuffer(0);
      const json: tf.io.ModelJSON = {
        modelTopology: a.modelTopology!,
        format: 'layers-model',
        generatedBy: a.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: a.weightSpecs ?? [] }],
        ...(a.userDefinedMetadata && { userDefinedMetadata: a.userDefinedMetadata }),
      };
      files = { modelJson: JSON.stringify(json), weights: new Uint8Array(data) };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    }),
  );
  return files!;
}
