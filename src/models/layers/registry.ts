/**
 * Kind → definition of every layer kind (./types.ts). The spec builder, initialization, the
 * quantizers' channel axis, the forward pass, the cost terms and the UI's cost explanation read a
 * layer's kind here instead of switching on it, so a new kind is its file, one row below and its
 * test. Pure: kind files import tfjs as types only.
 */
import { CONV } from './conv';
import { DENSE } from './dense';
import { DEPTHWISE } from './depthwise';
import type { LayerKindDef } from './types';

/** The built-in layer kinds. Their names appear in cost reports and result files. */
export const LAYER_KIND_DEFS = {
  dense: DENSE,
  conv: CONV,
  depthwise: DEPTHWISE,
} as const satisfies Record<string, LayerKindDef>;

/** A built-in layer kind's name. */
export type BuiltinLayerKind = keyof typeof LAYER_KIND_DEFS;

/** A layer kind's name: a built-in one, or one added with {@link registerLayerKind}. */
export type LayerKind = BuiltinLayerKind | (string & Record<never, never>);

/** Kinds registered at run time (for code and tests). */
const extra = new Map<string, LayerKindDef>();

/**
 * Adds a layer kind: model specs may use it while it is registered. Built-ins belong in
 * {@link LAYER_KIND_DEFS}. Returns the remover.
 * @throws Error when the name is taken
 */
export function registerLayerKind(name: string, def: LayerKindDef): () => void {
  if (Object.hasOwn(LAYER_KIND_DEFS, name) || extra.has(name)) throw new Error(`layer kind ${name} exists`);
  extra.set(name, def);
  return () => {
    extra.delete(name);
  };
}

/**
 * The definition of a layer kind.
 * @throws Error for an unknown kind
 */
export function layerKindDef(kind: LayerKind): LayerKindDef {
  const def = Object.hasOwn(LAYER_KIND_DEFS, kind)
    ? LAYER_KIND_DEFS[kind as BuiltinLayerKind]
    : extra.get(kind);
  if (!def) throw new Error(`unknown layer kind ${kind}`);
  return def;
}

/** Every kind usable now: the built-ins, then the registered ones. */
export function layerKinds(): string[] {
  return [...Object.keys(LAYER_KIND_DEFS), ...extra.keys()];
}
