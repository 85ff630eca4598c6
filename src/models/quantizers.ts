/**
 * The quantizers of one layer, from the experiment and the layer's resolved bits: weights (per
 * channel along the output-channel axis when configured), input activations, and with QuantNorm
 * the BN scale and shift. Rebuilt on a live change of bits or estimator; the weights stay.
 */
import type { Experiment } from '../experiment/schema';
import type { Quantizer, QuantizerOptions } from '../quant/types';
import type { BnQuantizers } from './batchnorm';
import { layerKindDef } from './layers/registry';
import type { LayerSpec } from './spec';

/** Creates one quantizer (src/quant/quantizer.ts `createQuantizer`, injectable for tests). */
export type QuantizerFactory = (opts: QuantizerOptions) => Quantizer;

/** Everything that quantizes one layer. Owned by the model; dispose with {@link disposeLayerQuantizers}. */
export interface LayerQuantizers {
  weight: Quantizer;
  /** Quantizes the layer's input activations. */
  act: Quantizer;
  /** QuantNorm (docs/science.md §3): present on BN layers when `quant.quantNorm`. */
  bn?: BnQuantizers;
}

/**
 * Per-channel axis of a weight tensor, as the layer's kind declares it: the output channels, i.e.
 * the last axis for dense [inD, outD] and conv [k, k, inC, outC], axis 2 (the channel) for
 * depthwise [k, k, C, 1].
 */
export function weightChannelAxis(spec: LayerSpec): number {
  return layerKindDef(spec.kind).weightChannelAxis(spec);
}

/** Options of the weight quantizer of `spec`. */
export function weightQuantizerOptions(exp: Experiment, spec: LayerSpec): QuantizerOptions {
  return {
    config: { ...exp.quant.weight, bits: spec.weightBits },
    estimator: exp.estimator,
    role: 'weight',
    shape: spec.weightShape,
    channelAxis: weightChannelAxis(spec),
    doubleQuant: exp.quant.doubleQuant,
  };
}

/** Options of the input-activation quantizer of `spec` (channels: last axis of one sample). */
export function actQuantizerOptions(exp: Experiment, spec: LayerSpec): QuantizerOptions {
  return {
    config: { ...exp.quant.act, bits: spec.actBits },
    estimator: exp.estimator,
    role: 'act',
    shape: spec.inShape,
    channelAxis: spec.inShape.length - 1,
    doubleQuant: exp.quant.doubleQuant,
  };
}

/**
 * Options of a QuantNorm quantizer for a BN vector [C] at the weight bitwidth. Always per-tensor:
 * per-channel scales on a per-channel vector would store every value exactly.
 */
export function bnQuantizerOptions(exp: Experiment, spec: LayerSpec): QuantizerOptions {
  return {
    config: { ...exp.quant.weight, bits: spec.weightBits, perChannel: false },
    estimator: exp.estimator,
    role: 'weight',
    shape: [spec.outChannels],
    doubleQuant: false,
  };
}

/** Creates the quantizers of one layer. */
export function createLayerQuantizers(
  exp: Experiment,
  spec: LayerSpec,
  factory: QuantizerFactory,
): LayerQuantizers {
  const withBn = spec.batchNorm && exp.quant.quantNorm;
  const made: Quantizer[] = [];
  const make = (opts: QuantizerOptions) => {
    const q = factory(opts);
    made.push(q);
    return q;
  };
  try {
    return {
      weight: make(weightQuantizerOptions(exp, spec)),
      act: make(actQuantizerOptions(exp, spec)),
      bn: withBn
        ? { gamma: make(bnQuantizerOptions(exp, spec)), beta: make(bnQuantizerOptions(exp, spec)) }
        : undefined,
    };
  } catch (error) {
    // A factory threw (e.g. a bad estimator parameter): release the quantizers already made.
    for (const q of made) q.dispose();
    throw error;
  }
}

/** All quantizers of a layer, as a flat list. */
export function listQuantizers(q: LayerQuantizers): Quantizer[] {
  return q.bn ? [q.weight, q.act, q.bn.gamma, q.bn.beta] : [q.weight, q.act];
}

/** Disposes every quantizer of a layer. */
export function disposeLayerQuantizers(q: LayerQuantizers): void {
  for (const quantizer of listQuantizers(q)) quantizer.dispose();
}
