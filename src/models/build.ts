/**
 * Builds a trainable, quantized model from an experiment: describeModel(exp) gives the layer list
 * (src/models/spec.ts); this file turns it into tf.Variables (seeded init) and quantizers, and
 * owns them. The forward pass lives in ./forward.ts, BN re-estimation in ./reestimate.ts.
 */
import * as tf from '@tensorflow/tfjs';
import type { Experiment } from '../experiment/schema';
import type { Quantizer } from '../quant/types';
import { selectOps, type OpSet } from '../tensor/backend';
import { createRng, type Rng } from '../tensor/rng';
import { createBatchNorm, disposeBatchNorm, type BatchNormParams } from './batchnorm';
import { initialWeights } from './init';
import { layerKindDef } from './layers/registry';
import type { LayerKindDef } from './layers/types';
import {
  createLayerQuantizers,
  disposeLayerQuantizers,
  listQuantizers,
  type LayerQuantizers,
  type QuantizerFactory,
} from './quantizers';
import { describeModel, type LayerSpec } from './spec';

/** One weight layer: its spec, its kind, its variables and its (replaceable) quantizers. */
export interface ModelLayer {
  readonly spec: LayerSpec;
  /** The definition of spec.kind (looked up once, at build). */
  readonly def: LayerKindDef;
  /** Latent (float) weights, spec.weightShape. */
  readonly weight: tf.Variable;
  /** [outChannels], when spec.bias. */
  readonly bias?: tf.Variable<tf.Rank.R1>;
  /** When spec.batchNorm. */
  readonly bn?: BatchNormParams;
  quantizers: LayerQuantizers;
}

/** Counter that makes variable names unique: tfjs registers variables by global name. */
let modelCount = 0;

/**
 * A quantized model: owns every variable and quantizer; call {@link QuantModel.dispose} when done.
 * The op implementations are fixed at construction from the active backend (selectOps).
 */
export class QuantModel {
  readonly layers: ModelLayer[];
  readonly ops: OpSet;
  /** Unique prefix of this model's variable names. */
  readonly prefix: string;
  /**
   * Layer ops on the integer codes (`train.nativeInt`, ./nativeInt.ts). Never with the Hessian's
   * second-order ops, whose gradients must be differentiable.
   */
  nativeInt = false;
  private readonly createQuantizer: QuantizerFactory;

  private constructor(layers: ModelLayer[], ops: OpSet, prefix: string, factory: QuantizerFactory) {
    this.layers = layers;
    this.ops = ops;
    this.prefix = prefix;
    this.createQuantizer = factory;
  }

  /**
   * Builds the model of `exp`: weights from the experiment seed (stream 'init'), zero biases,
   * BN at γ = 1, β = 0, and quantizers per the resolved bits.
   */
  static build(exp: Experiment, factory: QuantizerFactory, ops: OpSet = selectOps()): QuantModel {
    return QuantModel.fromSpecs(exp, describeModel(exp), factory, ops);
  }

  /**
   * Builds a model of the given layer list (e.g. from spec.ts describeLayers) with the
   * experiment's seed and quantizer settings; {@link QuantModel.build} passes the experiment's own.
   */
  static fromSpecs(
    exp: Experiment,
    specs: LayerSpec[],
    factory: QuantizerFactory,
    ops: OpSet = selectOps(),
  ): QuantModel {
    const prefix = `m${modelCount++}`;
    const rng = createRng(exp.seed, 'init');
    const layers: ModelLayer[] = [];
    try {
      for (const spec of specs) layers.push(QuantModel.buildLayer(exp, spec, prefix, rng, factory));
    } catch (error) {
      // E.g. an invalid estimator parameter: release what was built so far.
      new QuantModel(layers, ops, prefix, factory).dispose();
      throw error;
    }
    const model = new QuantModel(layers, ops, prefix, factory);
    model.nativeInt = exp.train.nativeInt && ops.kind !== 'secondOrder';
    return model;
  }

  /** Variables and quantizers of one layer (seeded init; initializers disposed). */
  private static buildLayer(
    exp: Experiment,
    spec: LayerSpec,
    prefix: string,
    rng: Rng,
    factory: QuantizerFactory,
  ): ModelLayer {
    const name = `${prefix}/${spec.name}`;
    const quantizers = createLayerQuantizers(exp, spec, factory);
    // tf.variable keeps its own copy; the tidy disposes the initializer tensors (docs/performance.md §5.7).
    const { weight, bias } = tf.tidy(() => ({
      weight: tf.variable(tf.tensor(initialWeights(spec, rng), spec.weightShape), true, `${name}/kernel`),
      bias: spec.bias
        ? tf.variable(tf.zeros([spec.outChannels]) as tf.Tensor1D, true, `${name}/bias`)
        : undefined,
    }));
    const bn = spec.batchNorm ? createBatchNorm(name, spec.outChannels) : undefined;
    return { spec, def: layerKindDef(spec.kind), weight, bias, bn, quantizers };
  }

  /** Layer specs, in forward order. */
  get specs(): LayerSpec[] {
    return this.layers.map((l) => l.spec);
  }

  /** Model parameters the optimizer trains: weights, biases, BN γ and β. */
  parameters(): tf.Variable[] {
    return this.layers.flatMap((l) => [
      l.weight,
      ...(l.bias ? [l.bias] : []),
      ...(l.bn ? [l.bn.gamma, l.bn.beta] : []),
    ]);
  }

  /** The weight kernels only (what weight decay acts on). */
  kernels(): tf.Variable[] {
    return this.layers.map((l) => l.weight);
  }

  /** Trainable quantizer parameters (e.g. LSQ scales), in layer order. */
  quantizerParameters(): tf.Variable[] {
    return this.layers.flatMap((l) => listQuantizers(l.quantizers).flatMap((q) => q.trainable));
  }

  /** Every quantizer of every layer. */
  quantizers(): Quantizer[] {
    return this.layers.flatMap((l) => listQuantizers(l.quantizers));
  }

  /**
   * Replaces every quantizer with fresh ones for `exp` (bits, estimator, range settings), keeping
   * the weights. `exp` must describe the same architecture (same layer names and shapes).
   */
  rebuildQuantizers(exp: Experiment): void {
    const specs = describeModel(exp);
    specs.forEach((spec, i) => {
      const layer = this.layers[i];
      if (
        !layer ||
        layer.spec.name !== spec.name ||
        layer.spec.weightShape.join() !== spec.weightShape.join()
      ) {
        throw new Error(`rebuildQuantizers: layer ${spec.name} does not match the built model`);
      }
      disposeLayerQuantizers(layer.quantizers);
      (layer as { spec: LayerSpec }).spec = spec;
      layer.quantizers = createLayerQuantizers(exp, spec, this.createQuantizer);
    });
  }

  /** Disposes every variable and quantizer. */
  dispose(): void {
    for (const layer of this.layers) {
      disposeLayerQuantizers(layer.quantizers);
      tf.dispose([layer.weight, ...(layer.bias ? [layer.bias] : [])]);
      if (layer.bn) disposeBatchNorm(layer.bn);
    }
  }
}
