/**
 * Name → model architecture: each one is a function from the experiment's model section to its
 * layer list as drafts (kind, kernel, channels, what follows the op). src/models/spec.ts turns the
 * drafts into shapes, MACs and bits; the schema's `MODEL_ARCHS`, the runner's `--model` choices and
 * the UI's select (with `label`) are the keys of this table. Pure (no tfjs).
 */
import type { LayerKind } from './layers/registry';

/** Classes of the task (MNIST digits): the width of every model's last layer. */
export const NUM_CLASSES = 10;

/** A layer as an architecture lists it; spec.ts derives shapes, MACs and bits from it. */
export interface LayerDraft {
  /** Stable name, used for per-layer overrides, reports and charts (e.g. `conv1`, `fc3`). */
  name: string;
  kind: LayerKind;
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
}

/** What an architecture reads of the experiment's model section. */
export interface ModelParams {
  /** Hidden widths (the MLP's). */
  hidden: number[];
  /** Multiplies every hidden width and channel count. */
  widthMultiplier: number;
}

/** One architecture. */
export interface ModelArchDef {
  /** Its name in the UI's select. */
  label: string;
  /** Its layers, in forward order; the first one's kind says whether the input is a vector or an image. */
  layers(model: ModelParams): LayerDraft[];
}

/** A width times the multiplier, at least 1. */
export function scaled(width: number, multiplier: number): number {
  return Math.max(1, Math.round(width * multiplier));
}

/** A dense layer; the last one is linear (no ReLU: it gives the logits). */
export function denseDraft(name: string, out: number, last = false): LayerDraft {
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

/** A conv-like layer followed by BN and ReLU (no bias: BN's shift plays that role). */
export function convDraft(
  name: string,
  kind: LayerKind,
  out: number,
  kernel: number,
  pool: LayerDraft['pool'],
): LayerDraft {
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

/** The built-in architectures. Their names appear in links, result files and runner flags. */
export const MODEL_ARCH_DEFS = {
  mlp: {
    label: 'MLP',
    layers: ({ hidden, widthMultiplier: m }) => [
      ...hidden.map((h, i) => denseDraft(`fc${i + 1}`, scaled(h, m))),
      denseDraft(`fc${hidden.length + 1}`, NUM_CLASSES, true),
    ],
  },
  cnn: {
    label: 'CNN + BN',
    layers: ({ widthMultiplier: m }) => [
      convDraft('conv1', 'conv', scaled(16, m), 3, 'max2'),
      { ...convDraft('conv2', 'conv', scaled(32, m), 3, 'max2'), flatten: true },
      denseDraft('fc', NUM_CLASSES, true),
    ],
  },
  dscnn: {
    label: 'depthwise-separable CNN',
    layers: ({ widthMultiplier: m }) => {
      const c1 = scaled(16, m);
      const c2 = scaled(32, m);
      return [
        convDraft('conv1', 'conv', c1, 3, 'max2'),
        convDraft('dw2', 'depthwise', c1, 3, 'none'),
        convDraft('pw2', 'conv', c2, 1, 'max2'),
        convDraft('dw3', 'depthwise', c2, 3, 'none'),
        { ...convDraft('pw3', 'conv', scaled(64, m), 1, 'gap'), flatten: true },
        denseDraft('fc', NUM_CLASSES, true),
      ];
    },
  },
} as const satisfies Record<string, ModelArchDef>;

/** A model architecture's name. */
export type ModelArch = keyof typeof MODEL_ARCH_DEFS;

/** The architectures' names, in table order (the schema's enum). */
export const MODEL_ARCH_NAMES = Object.keys(MODEL_ARCH_DEFS) as [ModelArch, ...ModelArch[]];
