/**
 * What the app's Deploy workspace shows of an integer model (docs/integer.md §6): its layers'
 * integer parameters beside the parity numbers, and one test digit followed through it (each
 * layer's input codes summarized, integer logits against fake-quant logits). Plain data out.
 */
import * as tf from '@tensorflow/tfjs';
import { imageBatch } from '../data/batches';
import { MNIST_SIDE, type MnistSplit } from '../data/mnist';
import type { QuantModel } from '../models/build';
import { forward } from '../models/forward';
import type { IntegerEvaluation } from './evaluate';
import { integerForward } from './integerForward';
import type { IntegerModel } from './integerModel';

/** One layer of the integer model, its parameters and its parity with fake quantization. */
export interface IntegerLayerView {
  name: string;
  kind: string;
  weightBits: number;
  actBits: number;
  /** The layer input's grid: x̂ = scale·(x_int − zeroPoint), x_int ∈ [qmin, qmax]. */
  input: { scale: number; zeroPoint: number; qmin: number; qmax: number };
  /** The range was fixed on calibration images (the fake-quant model takes it per batch). */
  calibrated: boolean;
  /** Fraction bits of the bias below the accumulator's unit. */
  fracBits: number;
  /** Per output channel: the dyadic M_c = m·2^−s into the next layer's grid; null for the last layer. */
  requant: { m: number[]; s: number[] } | null;
  /** Per output channel: |S_c|, the real value of one accumulator unit (the last layer's logit scale). */
  accScale: number[];
  maxCodeDiff: number;
  codeMismatch: number;
}

/** The integer model's layers beside the parity numbers of `ev`, layer by layer. */
export function integerLayerViews(integer: IntegerModel, ev: IntegerEvaluation): IntegerLayerView[] {
  return integer.layers.map((layer, i) => {
    const { scale, zero, qmin, qmax, calibrated } = layer.input;
    const parity = ev.layers[i]!;
    return {
      name: layer.spec.name,
      kind: layer.spec.kind,
      weightBits: layer.spec.weightBits,
      actBits: layer.spec.actBits,
      input: { scale, zeroPoint: zero, qmin, qmax },
      calibrated,
      fracBits: layer.fracBits,
      requant: layer.requant && { m: layer.requant.map((d) => d.m), s: layer.requant.map((d) => d.s) },
      accScale: Array.from(layer.accScale),
      maxCodeDiff: parity.maxCodeDiff,
      codeMismatch: parity.codeMismatch,
    };
  });
}

/** One layer's input codes for one digit. */
export interface CodeSummary {
  name: string;
  bits: number;
  qmin: number;
  qmax: number;
  zeroPoint: number;
  min: number;
  max: number;
  /** counts[k]: how many codes equal qmin + k (length qmax − qmin + 1). */
  counts: number[];
  /** One channel as an image (the first layers only): row-major codes, height × width. */
  heatmap: { channel: number; height: number; width: number; codes: number[] } | null;
}

/** A test digit followed through the integer model. */
export interface DigitInspection {
  index: number;
  label: number;
  /** The digit's pixels in [0, 1], 28 × 28 row-major. */
  pixels: number[];
  layers: CodeSummary[];
  integerLogits: number[];
  fakeQuantLogits: number[];
}

/** Layers whose input is also drawn as a heatmap (later ones are too small or too many channels to read). */
export const HEATMAP_LAYERS = 2;

function summarize(
  layer: IntegerModel['layers'][number],
  codes: Float32Array,
  withHeatmap: boolean,
): CodeSummary {
  const { qmin, qmax, zero, bits } = layer.input;
  const counts = new Array<number>(qmax - qmin + 1).fill(0);
  let [min, max] = [Infinity, -Infinity];
  for (const c of codes) {
    counts[c - qmin]!++;
    if (c < min) min = c;
    if (c > max) max = c;
  }
  const shape = layer.spec.inShape;
  let heatmap: CodeSummary['heatmap'] = null;
  if (withHeatmap && shape.length === 3) {
    // NHWC: channel 0 of every pixel.
    const [h, w, c] = shape as [number, number, number];
    const values = Array.from({ length: h * w }, (_, p) => codes[p * c]!);
    heatmap = { channel: 0, height: h, width: w, codes: values };
  } else if (withHeatmap && shape[0] === MNIST_SIDE * MNIST_SIDE) {
    heatmap = { channel: 0, height: MNIST_SIDE, width: MNIST_SIDE, codes: Array.from(codes) };
  }
  return { name: layer.spec.name, bits, qmin, qmax, zeroPoint: zero, min, max, counts, heatmap };
}

/** Follows test digit `index` of `split` through `integer` and through the fake-quant `model`. */
export function inspectDigit(
  model: QuantModel,
  integer: IntegerModel,
  split: MnistSplit,
  index: number,
): DigitInspection {
  if (!Number.isInteger(index) || index < 0 || index >= split.count)
    throw new Error(`test digit ${index} is outside 0…${split.count - 1}`);
  const image = imageBatch(split, [index]);
  try {
    const out = integerForward(integer, image);
    const fake = tf.tidy(() => forward(model, image, { training: false }).dataSync());
    return {
      index,
      label: split.labels[index]!,
      pixels: Array.from(image.dataSync()),
      layers: integer.layers.map((l, i) => summarize(l, out.codes[i]!, i < HEATMAP_LAYERS)),
      integerLogits: Array.from(out.logits),
      fakeQuantLogits: Array.from(fake),
    };
  } finally {
    image.dispose();
  }
}
