/**
 * Model specs: the layer list of an experiment's architecture (./archs.ts) as plain data, with
 * shapes and MACs from each layer's kind (./layers) and resolved bitwidths. Pure (no tfjs): the
 * cost models, the UI's per-layer table and the tfjs model builder all read it.
 *
 * Shapes are NHWC for images ([h, w, c]) and [d] for vectors. Weight shapes:
 * dense [inD, outD]; conv [kh, kw, inC, outC]; depthwise [kh, kw, C, 1].
 */
import type { Experiment } from '../experiment/schema';
import { MODEL_ARCH_DEFS, type LayerDraft } from './archs';
import { layerKindDef, type LayerKind } from './layers/registry';

export { NUM_CLASSES } from './archs';
export type { LayerKind } from './layers/registry';

/** One layer with what follows its op (BN, activation, pooling), as the forward pass runs it. */
export interface LayerSpec extends LayerDraft {
  kind: LayerKind;
  /** Input shape of one sample: [h, w, c] or [d]. */
  inShape: number[];
  /** Output shape of one sample after BN/activation/pooling: [h, w, c] or [d]. */
  outShape: number[];
  /** Weight tensor shape (see the kind's file in ./layers). */
  weightShape: number[];
  /** Resolved bitwidths of this layer's weights and of its input activations (32 = float). */
  weightBits: number;
  actBits: number;
  /** Multiply-accumulates per sample. */
  macs: number;
  /** Number of weights (excluding bias and BN parameters). */
  weightCount: number;
}

const INPUT_SHAPE = [28, 28, 1];

/** Resolves the bitwidths of layer `index` of `count`: base → first/last at 8 → per-layer override. */
export function resolveLayerBits(
  exp: Experiment,
  name: string,
  index: number,
  count: number,
): { weightBits: number; actBits: number } {
  let weightBits = exp.quant.weight.bits;
  let actBits = exp.quant.act.bits;
  if (exp.quant.firstLastBits8 && (index === 0 || index === count - 1)) {
    weightBits = Math.max(weightBits, 8) === 32 ? 32 : 8;
    actBits = Math.max(actBits, 8) === 32 ? 32 : 8;
  }
  const override = exp.quant.layers[name];
  if (override?.weightBits !== undefined) weightBits = override.weightBits;
  if (override?.actBits !== undefined) actBits = override.actBits;
  return { weightBits, actBits };
}

/** The layer list of an experiment's model, with shapes, MACs and resolved bitwidths. */
export function describeModel(exp: Experiment): LayerSpec[] {
  const drafts = MODEL_ARCH_DEFS[exp.model.arch].layers(exp.model);
  const folded = exp.model.foldBatchNorm
    ? drafts.map((d) => (d.batchNorm ? { ...d, batchNorm: false, bias: true } : d))
    : drafts;
  return describeLayers(folded, exp);
}

/**
 * Resolves drafts into specs: each kind (./layers) gives its weight shape, MACs and pre-pool
 * output; pooling and flattening are shared. The first layer's kind picks the input: the image
 * flattened to a vector, or [28, 28, 1].
 */
export function describeLayers(list: LayerDraft[], exp: Experiment): LayerSpec[] {
  let shape =
    layerKindDef(list[0].kind).input === 'vector'
      ? [INPUT_SHAPE[0] * INPUT_SHAPE[1] * INPUT_SHAPE[2]]
      : [...INPUT_SHAPE];
  return list.map((d, index) => {
    const inShape = shape;
    const { weightShape, macs, outShape } = layerKindDef(d.kind).shape(inShape, d.kernel, d.outChannels);
    let out = outShape;
    // 'same' padding, stride 1: spatial size is kept by the op; pooling halves it.
    if (out.length === 3) {
      const [h, w, c] = out;
      if (d.pool === 'max2') out = [Math.floor(h / 2), Math.floor(w / 2), c];
      if (d.pool === 'gap') out = [1, 1, c];
    }
    if (d.flatten) out = [out.reduce((a, b) => a * b, 1)];
    shape = out;
    const bits = resolveLayerBits(exp, d.name, index, list.length);
    return {
      ...d,
      inShape,
      outShape: out,
      weightShape,
      macs,
      weightCount: weightShape.reduce((a, b) => a * b, 1),
      ...bits,
    };
  });
}

/** Layer names of an architecture (for per-layer UI tables and validation of overrides). */
export function layerNames(exp: Experiment): string[] {
  return describeModel(exp).map((l) => l.name);
}
