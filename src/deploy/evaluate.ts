/**
 * The integer model against the fake-quant model it came from, on the same images
 * (docs/integer.md §4): test accuracy of each, argmax agreement, and per layer how far the integer
 * model's input codes are from the codes the fake quantizer computes for the same layer.
 */
import * as tf from '@tensorflow/tfjs';
import { imageBatch } from '../data/batches';
import type { MnistSplit } from '../data/mnist';
import type { QuantModel } from '../models/build';
import { forward } from '../models/forward';
import { argmaxRows } from './agreement';
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
  const codes: Int32Array[] = [];
  const onLayerInput = (i: number, h: tf.Tensor) =>
    void codes.push(model.layers[i]!.quantizers.act.toInt(h).dataSync() as Int32Array);
  const logits = tf.tidy(
    () =>
      forward(model, images, { training: false, recordClip: false, onLayerInput }).dataSync() as Float32Array,
  );
  return { logits, codes };
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
    const intClass = argmaxRows(int.logits, classes);
    const fakeClass = argmaxRows(fake.logits, classes);
    indices.forEach((index, row) => {
      const label = split.labels[index]!;
      const a = intClass[row];
      const b = fakeClass[row];
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
