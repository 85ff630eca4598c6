/**
 * Model specs: the layer list of each architecture as plain data, resolved from an experiment.
 * Pure (no tfjs): the cost models, the UI's per-layer table and the tfjs model builder all read it.
 *
 * Shapes are NHWC for images ([h, w, c]) and [d] for vectors. Weight shapes:
 * dense [inD, outD]; conv [kh, kw, inC, outC]; depthwise [kh, kw, C, 1].
 */
import type { Experiment, ModelArch } from '../experiment/schema';

export type LayerKind = 'dense' | 'conv' | 'depthwise';

/** One weight layer with what follows it (BN, activation, pooling), as the forward pass runs it. */
export interface LayerSpec {
  /** Stable name, used for per-layer overrides, reports and charts (e.g. `conv1`, `fc3`). */
  name: string;
  kind: LayerKind;
  /** Input shape of one sample: [h, w, c] or [d]. */
  inShape: number[];
  /** Output shape of one sample after BN/activation/pooling: [h, w, c] or [d]. */
  outShape: number[];
  /** Weight tensor shape (see file header). */
  weightShape: number[];
  /** Square kernel size (1 for dense). */
  kernel: number;
  /** Output channels (dense: output features); the per-channel quantization axis. */
  outChannels: number;
  /** Whether the layer has a bias (false when BN follows: BN's shift plays that role). */
  bias: boolean;
  batchNorm: boolean;
  activation: 'relu' | 'none';
  /** Pooling after the activation: 2×2 max pooling, global average pooling, or none. */
  pool: 'max2' | 'gap' | 'none';
  /** Reshape the (pooled) output to a vector before the next layer. */
  flatten: boolean;
  /** Resolved bitwidths of this layer's weights and of its input activations (32 = float). */
  weightBits: number;
  actBits: number;
  /** Multiply-accumulates per sample. */
  macs: number;
  /** Number of weights (excluding bias and BN parameters). */
  weightCount: number;
}

const INPUT_SHAPE = [28, 28, 1];
export const NUM_CLASSES = 10;

type Draft = Omit<
  LayerSpec,
  'inShape' | 'outShape' | 'weightShape' | 'macs' | 'weightCount' | 'weightBits' | 'actBits'
>;

function scaled(width: number, multiplier: number): number {
  return Math.max(1, Math.round(width * multiplier));
}

function dense(name: string, out: number, last = false): Draft {
  return {
    name,
    kind: 'dense',
    kernel: 1,
    outChannels: out,
    bias: true,
    batchNorm: false,
    activation: last ? 'none' : 'relu',
    pool: 'none',
    flatten: false,
  };
}

function conv(
  name: string,
  kind: 'conv' | 'depthwise',
  out: number,
  kernel: number,
  pool: LayerSpec['pool'],
): Draft {
  return {
    name,
    kind,
    kernel,
    outChannels: out,
    bias: false,
    batchNorm: true,
    activation: 'relu',
    pool,
    flatten: false,
  };
}

function drafts(arch: ModelArch, hidden: number[], m: number): Draft[] {
  switch (arch) {
    case 'mlp':
      return [
        ...hidden.map((h, i) => dense(`fc${i + 1}`, scaled(h, m))),
        dense(`fc${hidden.length + 1}`, NUM_CLASSES, true),
      ];
    case 'cnn': {
      const c1 = scaled(16, m);
      const c2 = scaled(32, m);
      return [
        conv('conv1', 'conv', c1, 3, 'max2'),
        { ...conv('conv2', 'conv', c2, 3, 'max2'), flatten: true },
        dense('fc', NUM_CLASSES, true),
      ];
    }
    case 'dscnn': {
      const c1 = scaled(16, m);
      const c2 = scaled(32, m);
      const c3 = scaled(64, m);
      return [
        conv('conv1', 'conv', c1, 3, 'max2'),
        conv('dw2', 'depthwise', c1, 3, 'none'),
        conv('pw2', 'conv', c2, 1, 'max2'),
        conv('dw3', 'depthwise', c2, 3, 'none'),
        { ...conv('pw3', 'conv', c3, 1, 'gap'), flatten: true },
        dense('fc', NUM_CLASSES, true),
      ];
    }
  }
}

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
  const list = drafts(exp.model.arch, exp.model.hidden, exp.model.widthMultiplier);
  let shape =
    exp.model.arch === 'mlp' ? [INPUT_SHAPE[0] * INPUT_SHAPE[1] * INPUT_SHAPE[2]] : [...INPUT_SHAPE];
  return list.map((d, index) => {
    const inShape = shape;
    let weightShape: number[];
    let macs: number;
    let out: number[];
    if (d.kind === 'dense') {
      const inD = inShape.reduce((a, b) => a * b, 1);
      weightShape = [inD, d.outChannels];
      macs = inD * d.outChannels;
      out = [d.outChannels];
    } else {
      const [h, w, c] = inShape;
      // 'same' padding, stride 1: spatial size is kept by the conv; pooling halves it.
      if (d.kind === 'depthwise') {
        weightShape = [d.kernel, d.kernel, c, 1];
        macs = h * w * d.kernel * d.kernel * c;
      } else {
        weightShape = [d.kernel, d.kernel, c, d.outChannels];
        macs = h * w * d.kernel * d.kernel * c * d.outChannels;
      }
      out = [h, w, d.outChannels];
      if (d.pool === 'max2') out = [Math.floor(h / 2), Math.floor(w / 2), d.outChannels];
      if (d.pool === 'gap') out = [1, 1, d.outChannels];
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
