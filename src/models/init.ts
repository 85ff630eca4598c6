/**
 * Seeded initial values of a layer's parameters, computed in plain JS so that they are identical on
 * every backend (the same experiment starts from the same weights in Node and in the browser).
 */
import type { LayerSpec } from './spec';
import { uniformArray, type Rng } from '../tensor/rng';

/**
 * Fan-in of one output unit: inD for dense, k·k·inC for conv, k·k for depthwise (one input
 * channel per output channel).
 */
export function fanIn(spec: LayerSpec): number {
  const [a, b, c] = spec.weightShape;
  if (spec.kind === 'dense') return a;
  return spec.kind === 'depthwise' ? a * b : a * b * c;
}

/** Fan-out of one input unit (for Glorot): outD for dense, k·k·outC for conv, k·k for depthwise. */
export function fanOut(spec: LayerSpec): number {
  const [a, b] = spec.weightShape;
  if (spec.kind === 'dense') return spec.weightShape[1];
  return spec.kind === 'depthwise' ? a * b : a * b * spec.outChannels;
}

/**
 * Initial weights, flat in the layer's weightShape order: He-uniform U(±√(6/fanIn)) before a ReLU
 * (keeps the activation variance through the stack), Glorot-uniform U(±√(6/(fanIn+fanOut))) for
 * the last, linear layer.
 */
export function initialWeights(spec: LayerSpec, rng: Rng): Float32Array {
  const count = spec.weightShape.reduce((a, b) => a * b, 1);
  const limit =
    spec.activation === 'relu' ? Math.sqrt(6 / fanIn(spec)) : Math.sqrt(6 / (fanIn(spec) + fanOut(spec)));
  return uniformArray(rng, count, -limit, limit);
}
