/**
 * The integer model against the fake-quant model it came from, on the same images
 * (docs/integer.md §4): test accuracy of each, argmax agreement, and per layer how far the integer
 * model's input codes are from the codes the fake quantizer computes for the same layer.
 */
import * as tf from '@tensorflow/tfjs';
import { imageBatch } from '../data/batches';
import type { MnistSplit } from '../data/mnist';
import type { QuantModel } from '../models/build';
import { layerForward } from '../models/forward';
import { integerForward } from './integerForward';
import type { IntegerModel } from './integerModel';

/** One layer's input codes, integer model against fake quantization. */
export interface LayerCodeParity {
  name: string;
  weightBits: number;
  actBits: number;
  /** Largest |x_int − x_int(fake quant)| over every input code of the layer. */
  maxCodeDiff: number;
  /** Fraction of the layer's input codes that differ. */
  codeMismatch: number;
  /** The fake-quant model takes this layer's input range per batch; the integer model fixed it by calibration. */
  calibrated: boolean;
}

/** The integer model's result on a split. */
export interface IntegerEvaluation {
  images: number;
  testAccuracy: number;
  fakeQuantTestAccuracy: number;
  /** Fraction of images on which both models pick the same class. */
  argmaxAgreement: number;
  layers: LayerCodeParity[];
}

/** The fake-quant model's logits and its layers' input codes for one batch. */
function fakeQuantPass(
  model: QuantModel,
  images: tf.Tensor2D,
): { logits: Float32Array; codes: Int32Array[] } {
  return tf.tidy(() => {
    const first = model.layers[0]!.spec;
    let h: tf.Tensor =
      first.inShape.length === 1 ? images : tf.reshape(images, [images.shape[0], ...first.inShape]);
    const codes: Int32Array[] = [];
    model.layers.forEach((layer, i) => {
      codes.push(layer.quantizers.act.toInt(h).dataSync() as Int32Array);
      h = layerForward(model, layer, h, { training: false, recordClip: false }, i === 0);
    });
    return { logits: h.dataSync() as Float32Array, codes };
  });
}

function argmax(row: ArrayLike<number>, from: number, width: number): number {
  let best = 0;
  for (let k = 1; k < width; k++) if (row[from + k]! > row[from + best]!) best = k;
  return best;
}

/**
 * Evaluates both models on the first `count` images of `split` (all by default), `batchSize` at a time.
 */
export function evaluateInteger(
  model: QuantModel,
  integer: IntegerModel,
  split: MnistSplit,
  options: { count?: number; batchSize?: number } = {},
): IntegerEvaluation {
  const count = Math.min(options.count ?? split.count, split.count);
  const batchSize = options.batchSize ?? 250;
  const classes = model.layers[model.layers.length - 1]!.spec.outChannels;
  const layers = integer.layers.map((l) => ({
    name: l.spec.name,
    weightBits: l.spec.weightBits,
    actBits: l.spec.actBits,
    maxCodeDiff: 0,
    codeMismatch: 0,
    calibrated: l.input.calibrated,
  }));
  const totals = new Float64Array(layers.length);
  let [intCorrect, fakeCorrect, agree] = [0, 0, 0];
  for (let start = 0; start < count; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, count - start) }, (_, i) => start + i);
    const images = imageBatch(split, indices);
    const fake = fakeQuantPass(model, images);
    const int = integerForward(integer, images);
    images.dispose();
    indices.forEach((index, row) => {
      const label = split.labels[index]!;
      const a = argmax(int.logits, row * classes, classes);
      const b = argmax(fake.logits, row * classes, classes);
      intCorrect += Number(a === label);
      fakeCorrect += Number(b === label);
      agree += Number(a === b);
    });
    int.codes.forEach((codes, l) => {
      const ref = fake.codes[l]!;
      const layer = layers[l]!;
      for (let i = 0; i < codes.length; i++) {
        const d = Math.abs(codes[i]! - ref[i]!);
        if (d > layer.maxCodeDiff) layer.maxCodeDiff = d;
        if (d !== 0) layer.codeMismatch++;
      }
      totals[l]! += codes.length;
    });
  }
  layers.forEach((l, i) => (l.codeMismatch /= totals[i]! || 1));
  return {
    images: count,
    testAccuracy: intCorrect / count,
    fakeQuantTestAccuracy: fakeCorrect / count,
    argmaxAgreement: agree / count,
    layers,
  };
}
