/**
 * The parity table (docs/integer.md §8): on one batch, the float model, fake quantization, the
 * integer model and the ONNX export in a runtime, per layer input: SQNR of each against the float
 * model and against fake quantization, the largest code difference and the share of codes moved,
 * with the cause of the integer model's moved codes; and per model accuracy, argmax agreement and
 * the logits' SQNR. Rows are ordered worst layer first.
 *
 * The runtime's layer codes come from the export itself (its QuantizeLinear outputs exposed as
 * graph outputs), not inferred from the integer model: a difference in a row is the runtime's own.
 */
import * as tf from '@tensorflow/tfjs';
import type { QuantModel } from '../models/build';
import { argmaxRows } from './agreement';
import type { IntegerModel } from './integerModel';
import { integerForward } from './integerForward';
import { codeDiff, fakeQuantRounding, integerRounding, sqnrDb } from './parityCauses';
import { fakeQuantPass, floatPass, type OnnxPass } from './parityPasses';

/** Why a layer input's integer codes part from fake quantization (docs/integer.md §8). */
export type ParityCause = 'none' | 'bias' | 'ties' | 'order' | 'upstream' | 'unexplained';

/** The four forms, by the names the JSON uses. */
export interface ParityForms<T> {
  fakeQuant: T;
  integer: T;
  onnx: T;
}

/** One layer input of the parity table. */
export interface ParityLayer {
  /** Position in the network (0: the pixels the first layer reads). */
  index: number;
  name: string;
  weightBits: number;
  actBits: number;
  /** Codes in the batch (N times the layer's input size). */
  codes: number;
  /** The range is fixed by calibration in the integer model and export (per-batch in fake quantization). */
  calibrated: boolean;
  /** SQNR in dB of each form's dequantized layer input against the float model's; null: identical. */
  sqnrDb: ParityForms<number | null>;
  /** SQNR in dB of the integer model's and the runtime's layer input against fake quantization's. */
  sqnrVsFakeQuantDb: Omit<ParityForms<number | null>, 'fakeQuant'>;
  /** Largest |Δcode| against fake quantization (null: the export does not quantize this input). */
  maxCodeDiff: Omit<ParityForms<number | null>, 'fakeQuant'>;
  /** Share of the codes that differ from fake quantization's. */
  codesMoved: Omit<ParityForms<number | null>, 'fakeQuant'>;
  /** Counts of codes each convention would move, and the share moved with 8 bias fraction bits. */
  causes: {
    /** Fake quantization: x/s + z exactly at a half, where half to even and half up part. */
    fakeQuantTies: number;
    /** Integer model: r·M exactly at a half, where its half up and half to even part. */
    integerTies: number;
    /** Fake quantization: x/s + z within 2^−10 of a half (a float sum in another order may cross). */
    nearTies: number;
    /** Codes that rounding x/s before adding z (the integer model's and QuantizeLinear's order) moves. */
    roundingOrder: number;
    /** Codes that clamping before adding z would move (every form clamps after). */
    clampBeforeZeroPoint: number;
    /** Share of codes moved when the integer model keeps 8 bias fraction bits (docs/integer.md §4). */
    codesMovedBiasFrac8: number;
  };
  /** The integer model's dominant cause. */
  cause: ParityCause;
}

/** The whole table. */
export interface ParityReport {
  images: number;
  biasFracBits: number;
  /** Test accuracy of each form on the batch. */
  accuracy: ParityForms<number> & { float: number };
  /** Argmax agreement with fake quantization (fakeQuant: with the float model). */
  argmaxAgreement: ParityForms<number>;
  /** SQNR in dB of the logits: fakeQuant against float, the others against fake quantization. */
  logitsSqnrDb: ParityForms<number | null>;
  layers: ParityLayer[];
}

const share = (a: Int32Array, b: Int32Array) => a.reduce((s, v, i) => s + Number(v === b[i]), 0) / a.length;

/** Dequantizes codes on the integer model's grid of layer i. */
function dequantize(codes: ArrayLike<number>, integer: IntegerModel, i: number): Float32Array {
  const { scale, zero } = integer.layers[i]!.input;
  return Float32Array.from(codes, (q) => scale * (q - zero));
}

/** The integer model's dominant cause of moved codes in one layer input. */
export function causeOf(
  moved: number,
  movedFrac8: number,
  c: ParityLayer['causes'],
  upstream: boolean,
): ParityCause {
  if (moved === 0) return 'none';
  if (movedFrac8 <= moved / 2) return 'bias';
  if (c.integerTies + c.fakeQuantTies >= moved / 2) return 'ties';
  if (c.roundingOrder >= moved / 2) return 'order';
  return upstream ? 'upstream' : 'unexplained';
}

/** Rows worst first: most codes moved (integer or runtime), then lowest SQNR of fake quantization. */
function worstFirst(a: ParityLayer, b: ParityLayer): number {
  const moved = (l: ParityLayer) => Math.max(l.codesMoved.integer ?? 0, l.codesMoved.onnx ?? 0);
  return moved(b) - moved(a) || (a.sqnrDb.fakeQuant ?? Infinity) - (b.sqnrDb.fakeQuant ?? Infinity);
}

/**
 * The parity table of `model` on `images` [N, 784] with their `labels`.
 * @param integer the integer model under test; `integerFrac8` the same with 8 bias fraction bits
 * @param onnx the export's outputs on the same images
 */
export function parityTable(
  model: QuantModel,
  integer: IntegerModel,
  integerFrac8: IntegerModel,
  onnx: OnnxPass,
  images: tf.Tensor2D,
  labels: ArrayLike<number>,
): ParityReport {
  const classes = model.layers[model.layers.length - 1]!.spec.outChannels;
  const float = floatPass(model, images);
  const fq = fakeQuantPass(model, images);
  const int = integerForward(integer, images, true);
  const int8 = integerForward(integerFrac8, images);
  let upstream = false;
  const layers = integer.layers.map((il, i): ParityLayer => {
    const ref = fq.codes[i]!;
    const intDiff = codeDiff(int.codes[i]!, ref);
    const onnxCodes = onnx.codes[i] ?? null;
    const onnxDiff = onnxCodes && codeDiff(onnxCodes, ref);
    const n = ref.length;
    const moved8 = codeDiff(int8.codes[i]!, ref).moved;
    const intX = dequantize(int.codes[i]!, integer, i);
    const onnxX = onnxCodes && dequantize(onnxCodes, integer, i);
    const fqRounding = fakeQuantRounding(fq.raw[i]!, il.input);
    const prev = integer.layers[i - 1];
    const intRounding = prev
      ? integerRounding(int.preRequant![i - 1]!, prev.requant!, il.input)
      : { ties: 0, clampBeforeZeroPoint: 0 };
    const causes = {
      fakeQuantTies: fqRounding.ties,
      integerTies: intRounding.ties,
      nearTies: fqRounding.nearTies,
      roundingOrder: fqRounding.roundingOrder,
      clampBeforeZeroPoint: intRounding.clampBeforeZeroPoint,
      codesMovedBiasFrac8: moved8 / n,
    };
    const cause = causeOf(intDiff.moved, moved8, causes, upstream);
    upstream ||= intDiff.moved > 0;
    return {
      index: i,
      name: il.spec.name,
      weightBits: il.spec.weightBits,
      actBits: il.spec.actBits,
      codes: n,
      calibrated: il.input.calibrated,
      sqnrDb: {
        fakeQuant: sqnrDb(fq.dequantized[i]!, float.inputs[i]!),
        integer: sqnrDb(intX, float.inputs[i]!),
        onnx: onnxX && sqnrDb(onnxX, float.inputs[i]!),
      },
      sqnrVsFakeQuantDb: {
        integer: sqnrDb(intX, fq.dequantized[i]!),
        onnx: onnxX && sqnrDb(onnxX, fq.dequantized[i]!),
      },
      maxCodeDiff: { integer: intDiff.max, onnx: onnxDiff?.max ?? null },
      codesMoved: { integer: intDiff.moved / n, onnx: onnxDiff ? onnxDiff.moved / n : null },
      causes,
      cause,
    };
  });
  const top = {
    float: argmaxRows(float.logits, classes),
    fakeQuant: argmaxRows(fq.logits, classes),
    integer: argmaxRows(int.logits, classes),
    onnx: argmaxRows(onnx.logits, classes),
  };
  const truth = Int32Array.from(labels);
  return {
    images: truth.length,
    biasFracBits: integer.layers[0]!.fracBits,
    accuracy: {
      float: share(top.float, truth),
      fakeQuant: share(top.fakeQuant, truth),
      integer: share(top.integer, truth),
      onnx: share(top.onnx, truth),
    },
    argmaxAgreement: {
      fakeQuant: share(top.fakeQuant, top.float),
      integer: share(top.integer, top.fakeQuant),
      onnx: share(top.onnx, top.fakeQuant),
    },
    logitsSqnrDb: {
      fakeQuant: sqnrDb(fq.logits, float.logits),
      integer: sqnrDb(int.logits, fq.logits),
      onnx: sqnrDb(onnx.logits, fq.logits),
    },
    layers: layers.sort(worstFirst),
  };
}
