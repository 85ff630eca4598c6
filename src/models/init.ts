/**
 * Seeded initial values of a layer's parameters, computed in plain JS so that they are identical on
 * every backend (the same experiment starts from the same weights in Node and in the browser).
 */
import { layerKindDef } from './layers/registry';
import type { LayerSpec } from './spec';
import { uniformArray, type Rng } from '../tensor/rng';

/** Fan-in of one output unit (the kind's: inD for dense, k·k·inC for conv, k·k for depthwise). */
export function fanIn(spec: LayerSpec): number {
  return layerKindDef(spec.kind).fanIn(spec);
}

/** Fan-out of one input unit, for Glorot (the kind's: outD for dense, k·k·outC for conv, k·k for depthwise). */
export function fanOut(spec: LayerSpec): number {
  return layerKindDef(spec.kind).fanOut(spec);
}

/**
 * Initial weights, flat in the layer's weightShape order: the kind's own rule when it has one,
 * else He-uniform U(±√(6/fanIn)) before a ReLU (keeps the activation variance through the stack),
 * Glorot-uniform U(±√(6/(fanIn+fanOut))) for the last, linear layer.
 */
export function initialWeights(spec: LayerSpec, rng: Rng): Float32Array {
  const def = layerKindDef(spec.kind);
  if (def.init) return def.init(spec, rng);
  const count = spec.weightShape.reduce((a, b) => a * b, 1);
  const limit =
    spec.activation === 'relu' ? Math.sqrt(6 / fanIn(spec)) : Math.sqrt(6 / (fanIn(spec) + fanOut(spec)));
  return uniformArray(rng, count, -limit, limit);
}
