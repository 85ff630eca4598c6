/**
 * An ONNX export against the lab's own model on the same test digits (docs/integer.md §5), for any
 * runtime that maps pixels to logits: onnxruntime-node in the runner and the unit tests,
 * onnxruntime-web in the app.
 */
import * as tf from '@tensorflow/tfjs';
import { imageBatch } from '../data/batches';
import type { MnistSplit } from '../data/mnist';
import type { QuantModel } from '../models/build';
import { forward } from '../models/forward';
import { argmaxRows, exportAgrees } from './agreement';

/** Runs the export on a batch: pixels [n·784] in the export's input shape → logits [n·classes]. */
export type OnnxRunner = (pixels: Float32Array, shape: number[]) => Promise<Float32Array>;

/** The comparison; `agrees` applies the bar the lab holds its exports to. */
export interface OnnxCheck {
  runtime: string;
  version: string;
  images: number;
  testAccuracy: number;
  labTestAccuracy: number;
  argmaxAgreement: number;
  /** Argmax agreement ≥ 99.9% and accuracies within one digit in 2,000. */
  agrees: boolean;
}

/**
 * Runs `run` and the lab's model (evaluation mode) on the first `count` digits of `split`.
 * @param inputShape the export's input shape with 'N' for the batch
 */
export async function compareOnnx(
  run: OnnxRunner,
  runtime: { name: string; version: string },
  inputShape: (number | string)[],
  model: QuantModel,
  split: MnistSplit,
  count: number,
  batchSize = 500,
): Promise<OnnxCheck> {
  const n = Math.min(count, split.count);
  const classes = model.layers[model.layers.length - 1]!.spec.outChannels;
  let [ortCorrect, labCorrect, agree] = [0, 0, 0];
  for (let start = 0; start < n; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => start + i);
    const images = imageBatch(split, indices);
    const lab = tf.tidy(() => forward(model, images, { training: false }).argMax(1).dataSync()) as Int32Array;
    const pixels = images.dataSync() as Float32Array;
    images.dispose();
    const shape = inputShape.map((d) => (d === 'N' ? indices.length : (d as number)));
    const ort = argmaxRows(await run(pixels, shape), classes);
    indices.forEach((index, i) => {
      const label = split.labels[index]!;
      ortCorrect += Number(ort[i] === label);
      labCorrect += Number(lab[i] === label);
      agree += Number(ort[i] === lab[i]);
    });
  }
  const argmaxAgreement = agree / n;
  return {
    runtime: runtime.name,
    version: runtime.version,
    images: n,
    testAccuracy: ortCorrect / n,
    labTestAccuracy: labCorrect / n,
    argmaxAgreement,
    agrees: exportAgrees(n, agree, ortCorrect, labCorrect),
  };
}
