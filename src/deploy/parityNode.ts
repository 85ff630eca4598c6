/**
 * The parity table of a trained model in Node (docs/integer.md §8): builds the integer model (at
 * the asked bias precision and at 8 fraction bits), exports the QDQ model with its layer codes as
 * graph outputs, runs it in onnxruntime-node, and tabulates all four forms on one batch of test
 * digits. `quant-lab parity` and the deploy lessons call it.
 */
import * as tf from '@tensorflow/tfjs';
import { imageBatch } from '../data/batches';
import type { MnistData } from '../data/mnist';
import type { Experiment } from '../experiment/schema';
import type { QuantModel } from '../models/build';
import { buildIntegerModel, type IntegerModel } from './integerModel';
import { onnxSessionNode } from './onnxCheckNode';
import { exportOnnx } from './onnxExport';
import { parityTable, type ParityReport } from './parity';
import { onnxPass } from './parityPasses';

/** Options of {@link measureParity}. */
export interface ParityOptions {
  /** Test digits in the batch (default 256). */
  count?: number;
  /** The integer model's bias fraction bits (default 0: an int32 bias). */
  biasFracBits?: number;
  /** Training images that fix per-batch activation ranges (default 256). */
  calibSize?: number;
}

/** Test digits the parity table reads unless told otherwise. */
export const PARITY_COUNT = 256;
/** The bias precision the table compares with, to tell the int32 bias's share. */
const FRAC_REFERENCE = 8;

/** The parity table of `model` (quantized everywhere) and the onnxruntime version it ran with. */
export async function measureParity(
  model: QuantModel,
  exp: Experiment,
  data: MnistData,
  options: ParityOptions = {},
): Promise<ParityReport & { runtime: string }> {
  const count = Math.min(options.count ?? PARITY_COUNT, data.test.count);
  const calibSize = Math.min(options.calibSize ?? 256, data.train.count);
  const biasFracBits = options.biasFracBits ?? 0;
  const calib = imageBatch(
    data.train,
    Array.from({ length: calibSize }, (_, i) => i),
  );
  const indices = Array.from({ length: count }, (_, i) => i);
  const images = imageBatch(data.test, indices);
  const built: IntegerModel[] = [];
  try {
    const integer = buildIntegerModel(model, exp, calib, { biasFracBits });
    built.push(integer);
    const frac8 =
      biasFracBits === FRAC_REFERENCE
        ? integer
        : buildIntegerModel(model, exp, calib, { biasFracBits: FRAC_REFERENCE });
    if (frac8 !== integer) built.push(frac8);
    const onnx = exportOnnx(model, exp, calib, 'qdq', { layerCodes: true });
    const session = await onnxSessionNode(onnx.bytes);
    try {
      const ort = await onnxPass(session.run, onnx.inputShape, onnx.codeOutputs!, model, images);
      const labels = indices.map((i) => data.test.labels[i]!);
      return {
        runtime: `onnxruntime-node ${session.version}`,
        ...parityTable(model, integer, frac8, ort, images, labels),
      };
    } finally {
      await session.release();
    }
  } finally {
    built.forEach((m) => m.dispose());
    tf.dispose([calib, images]);
  }
}
