/**
 * Name → cost term registry: the elementwise (non-MAC) terms of ACEv2 (docs/science.md §3, §8).
 * Each term says how many elements of a layer it runs on and which scalar ops it performs per
 * element (priced by OP_COST in opCosts.ts), plus its label and colour in the breakdown chart.
 * The MAC term (= ACE) is not a row: it is the product every cost model shares (layerCost.ts).
 *
 * Pipeline priced (unfused, as PikeLPN argues real low-precision models run):
 *   acc = Σ w_int·x_int  →  acc·s (requantization)  →  + bias  →  γ'·y + β' (BN)
 *   →  ReLU (fused into the requantization clamp, so at the output bits)  →  pool.
 * Max-pool commutes with the monotone quantizer, so it also runs at the output bits; global
 * average pooling sums values, so it runs on the accumulator. Pure (no tfjs).
 */
import { layerKindDef } from '../models/layers/registry';
import type { LayerSpec } from '../models/spec';
import { ACC_BITS, BIAS_BITS, type OperandBits, type ScalarOp } from './opCosts';

/** One elementwise cost term. */
export interface CostTermDef {
  /** Name in the breakdown chart's legend and table. */
  label: string;
  /** Colour of its segment in the breakdown chart (CSS colour). */
  color: string;
  /** Elements per sample it runs on in `layer` (0 where the layer has no such op). */
  count(layer: LayerSpec, quantized: boolean): number;
  /** Its scalar ops per counted element, at the layer's operand widths. */
  ops(b: OperandBits, layer: LayerSpec): ScalarOp[];
}

/** Output elements of the layer's op itself, before pooling, as its kind declares them (src/models/layers). */
export function prePoolElements(layer: LayerSpec): number {
  return layerKindDef(layer.kind).prePoolElements(layer);
}

/** Pooling window: 4 for max 2×2, h·w for global average, 0 without pooling. */
function poolWindow(layer: LayerSpec): number {
  if (layer.pool === 'max2') return 4;
  return layer.pool === 'gap' ? layer.inShape[0] * layer.inShape[1] : 0;
}

/**
 * Every elementwise term, in the order of the forward pass (the breakdown's order after `mac`).
 * The counted element is one output element of the conv/dense (before pooling) for scale, bias, bn
 * and act; for `pool` it is one pooled output element (max 2×2, window 4: 3 compares) or one
 * channel (global average, window h·w: h·w−1 adds and one multiply by 1/(h·w)).
 */
export const COST_TERMS = {
  scale: {
    label: 'requant scale',
    color: '#e8710a',
    count: (l, quantized) => (quantized ? prePoolElements(l) : 0),
    ops: (b) => [{ op: 'mul', x: ACC_BITS, p: b.scale, times: 1 }],
  },
  bias: {
    label: 'bias',
    color: '#8c564b',
    count: (l) => (l.bias ? prePoolElements(l) : 0),
    ops: () => [{ op: 'add', x: ACC_BITS, p: BIAS_BITS, times: 1 }],
  },
  bn: {
    label: 'batch norm',
    color: '#d62728',
    count: (l) => (l.batchNorm ? prePoolElements(l) : 0),
    ops: (b) => [
      { op: 'mul', x: ACC_BITS, p: b.bn, times: 1 },
      { op: 'add', x: ACC_BITS, p: b.bn, times: 1 },
    ],
  },
  act: {
    label: 'activation',
    color: '#2ca02c',
    count: (l) => (l.activation === 'relu' ? prePoolElements(l) : 0),
    ops: (b) => [{ op: 'cmp', x: b.out, p: b.out, times: 1 }],
  },
  pool: {
    label: 'pooling',
    color: '#9467bd',
    count: (l) =>
      l.pool === 'max2'
        ? Math.floor(l.inShape[0] / 2) * Math.floor(l.inShape[1] / 2) * l.outChannels
        : l.pool === 'gap'
          ? l.outChannels
          : 0,
    ops: (b, l) =>
      poolWindow(l) === 4
        ? [{ op: 'cmp', x: b.out, p: b.out, times: 3 }]
        : [
            { op: 'add', x: ACC_BITS, p: ACC_BITS, times: poolWindow(l) - 1 },
            { op: 'mul', x: ACC_BITS, p: ACC_BITS, times: 1 },
          ],
  },
} as const satisfies Record<string, CostTermDef>;

/** A built-in elementwise term's name. */
export type ElementwiseKind = keyof typeof COST_TERMS;

/** The elementwise (non-MAC) cost kinds of ACEv2, in the order of the forward pass. */
export const ELEMENTWISE_KINDS = Object.keys(COST_TERMS) as ElementwiseKind[];

/** The MAC term's style in the breakdown chart. */
export const MAC_TERM_STYLE = { label: 'MACs', color: '#1f77b4' } as const;

/** Every breakdown kind: `mac`, then the elementwise terms (the keys of acev2Breakdown and opCounts). */
export const COST_KINDS = ['mac', ...ELEMENTWISE_KINDS] as const;

/** Terms registered at run time, priced after the built-ins (for code and tests). */
const extra = new Map<string, CostTermDef>();

/**
 * Adds an elementwise term: every cost computed while it is registered includes it (in acev2,
 * acev2Breakdown and opCounts). Built-ins belong in {@link COST_TERMS}. Returns the remover.
 * @throws Error when the name is taken
 */
export function registerCostTerm(name: string, def: CostTermDef): () => void {
  if (name === 'mac' || Object.hasOwn(COST_TERMS, name) || extra.has(name))
    throw new Error(`cost term ${name} exists`);
  extra.set(name, def);
  return () => {
    extra.delete(name);
  };
}

/** The terms priced now, in order: the built-ins, then the registered ones. */
export function costTerms(): [string, CostTermDef][] {
  return [...Object.entries(COST_TERMS), ...extra.entries()];
}

/** Label and colour of a breakdown kind (`mac` or a term). */
export function costKindStyle(kind: string): { label: string; color: string } {
  if (kind === 'mac') return MAC_TERM_STYLE;
  const def = Object.hasOwn(COST_TERMS, kind) ? COST_TERMS[kind as ElementwiseKind] : extra.get(kind);
  if (!def) throw new Error(`unknown cost term ${kind}`);
  return def;
}
