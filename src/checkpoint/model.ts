/**
 * A model's side of a checkpoint (names: docs/checkpoints.md): its variables and its quantizers'
 * state as named tensors, and the way back — checking that a checkpoint fits a model (same layer
 * names and shapes) and loading it bit-identically. {@link modelFromCheckpoint} gives the trained
 * model itself, the starting point of the post-training code (`ptqLayersOf`, src/ptq/extract.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Experiment } from '../experiment/schema';
import { FLOAT_BITS } from '../experiment/schema';
import { QuantModel, type ModelLayer } from '../models/build';
import {
  actQuantizerOptions,
  bnQuantizerOptions,
  weightQuantizerOptions,
  type QuantizerFactory,
} from '../models/quantizers';
import { describeModel, type LayerSpec } from '../models/spec';
import { createQuantizer } from '../quant/quantizer';
import type { NamedTensors, Quantizer, QuantizerOptions } from '../quant/types';
import { firstMismatch, shapeText, underPrefix, withPrefix } from './check';
import { decodeCheckpointTensors, type Checkpoint } from './format';

/** The variables of one layer by their checkpoint names (the variables themselves: do not dispose). */
function layerVariables(layer: ModelLayer): Record<string, tf.Variable> {
  const n = layer.spec.name;
  const { bias, bn } = layer;
  return {
    [`${n}/weight`]: layer.weight,
    ...(bias && { [`${n}/bias`]: bias }),
    ...(bn && {
      [`${n}/bn/gamma`]: bn.gamma,
      [`${n}/bn/beta`]: bn.beta,
      [`${n}/bn/running_mean`]: bn.runningMean,
      [`${n}/bn/running_variance`]: bn.runningVariance,
    }),
  };
}

/** One quantizer of a layer: its role in tensor names and the tensor it quantizes (null: activations). */
interface QuantizerEntry {
  role: 'weight' | 'act' | 'bn_gamma' | 'bn_beta';
  quantizer: Quantizer;
  input: tf.Tensor | null;
}

function layerQuantizers(layer: ModelLayer): QuantizerEntry[] {
  const { weight, act, bn } = layer.quantizers;
  return [
    { role: 'weight', quantizer: weight, input: layer.weight },
    { role: 'act', quantizer: act, input: null },
    ...(bn && layer.bn
      ? [
          { role: 'bn_gamma' as const, quantizer: bn.gamma, input: layer.bn.gamma },
          { role: 'bn_beta' as const, quantizer: bn.beta, input: layer.bn.beta },
        ]
      : []),
  ];
}

/**
 * The settings that decide what a quantizer's state means (everything but the gradient
 * estimator), by role: a quantizer's saved state is loaded only where these are unchanged.
 */
function quantizerSettings(exp: Experiment, spec: LayerSpec): Record<string, string> {
  const key = (o: QuantizerOptions) => JSON.stringify({ ...o, estimator: undefined });
  const bn = spec.batchNorm && exp.quant.quantNorm ? key(bnQuantizerOptions(exp, spec)) : undefined;
  return {
    weight: key(weightQuantizerOptions(exp, spec)),
    act: key(actQuantizerOptions(exp, spec)),
    ...(bn && { bn_gamma: bn, bn_beta: bn }),
  };
}

/** The scale and zero point a quantizer would use now ([C] each; new tensors). */
function usedScale(entry: QuantizerEntry): NamedTensors {
  const { quantizer: q, input } = entry;
  if (q.grid.bits >= FLOAT_BITS) return {};
  const params = input && q.codeParams?.(input);
  if (params) return { scale: params.scale, zero_point: params.zeroPoint };
  return { scale: q.scale(), zero_point: q.zeroPoint() };
}

/**
 * Every variable and every quantizer's persistent state of `model`, by checkpoint name, plus the
 * scale and zero point each quantizer would use now (written for readers, not read back). New
 * tensors the caller owns.
 */
export function modelState(model: QuantModel): NamedTensors {
  const out: NamedTensors = {};
  for (const layer of model.layers) {
    for (const [name, v] of Object.entries(layerVariables(layer))) out[name] = v.clone();
    for (const entry of layerQuantizers(layer)) {
      const prefix = `${layer.spec.name}/quant/${entry.role}/`;
      Object.assign(out, withPrefix({ ...entry.quantizer.saveState(), ...usedScale(entry) }, prefix));
    }
  }
  return out;
}

/**
 * Null when `exp`'s model has the same layers as `saved`'s (names and weight shapes, in order),
 * else a message naming the first difference.
 */
export function architectureMismatch(saved: Experiment, exp: Experiment): string | null {
  const was = describeModel(saved);
  const now = describeModel(exp);
  const text = (l: LayerSpec) => `${l.name} ${shapeText(l.weightShape)}`;
  for (let i = 0; i < Math.max(was.length, now.length); i += 1) {
    const a = was[i];
    const b = now[i];
    if (!a) return `architecture differs: the experiment has a layer ${text(b)} the checkpoint lacks`;
    if (!b) return `architecture differs: the checkpoint has a layer ${text(a)} the experiment lacks`;
    if (a.name !== b.name || a.weightShape.join() !== b.weightShape.join())
      return `architecture differs: layer ${i + 1} is ${text(a)} in the checkpoint, ${text(b)} in the experiment`;
  }
  return null;
}

/** Outcome of loading: which quantizers start fresh because their settings changed. */
export type LoadModelResult = { ok: true; fresh: string[] } | { ok: false; error: string };

/**
 * Loads `named` (a checkpoint's tensors, written under `saved`) into `model` (built for `exp`):
 * every variable, and the state of each quantizer whose settings are unchanged (the others are
 * listed in `fresh`, e.g. `fc1/quant/weight`, and calibrate as in a new run). With
 * `options.frozen`, the weights the saved run had frozen are frozen again (a model without a
 * trainer; in a trainer the oscillation controller owns the frozen set). Checks everything before
 * changing anything: on failure the model is untouched. `named` stays the caller's.
 */
export function loadModelState(
  model: QuantModel,
  exp: Experiment,
  named: NamedTensors,
  saved: Experiment,
  options: { frozen?: boolean } = {},
): LoadModelResult {
  const arch = architectureMismatch(saved, exp);
  if (arch) return { ok: false, error: arch };
  const variables = Object.assign({}, ...model.layers.map(layerVariables)) as Record<string, tf.Variable>;
  const missing = firstMismatch(variables, named);
  if (missing) return { ok: false, error: missing };
  const load: { quantizer: Quantizer; prefix: string }[] = [];
  const fresh: string[] = [];
  const savedSpecs = describeModel(saved);
  for (const [i, layer] of model.layers.entries()) {
    const before = quantizerSettings(saved, savedSpecs[i]);
    const after = quantizerSettings(exp, layer.spec);
    for (const { role, quantizer } of layerQuantizers(layer)) {
      const prefix = `${layer.spec.name}/quant/${role}/`;
      if (before[role] !== after[role]) {
        fresh.push(prefix.slice(0, -1));
        continue;
      }
      const expected = quantizer.saveState();
      const problem = firstMismatch(expected, underPrefix(named, prefix), prefix);
      tf.dispose(Object.values(expected));
      if (problem) return { ok: false, error: problem };
      load.push({ quantizer, prefix });
    }
  }
  for (const [name, v] of Object.entries(variables)) v.assign(named[name]);
  for (const { quantizer, prefix } of load) quantizer.loadState(underPrefix(named, prefix));
  if (options.frozen) applyFrozen(model, named, fresh);
  return { ok: true, fresh };
}

/**
 * Hands each weight quantizer the frozen set the saved run's oscillation controller had given it
 * (`<layer>/osc/freezer/keep` and `codes`), so the model computes what the trained one did.
 * Skipped where the quantizer starts fresh (other settings, other codes).
 */
function applyFrozen(model: QuantModel, named: NamedTensors, fresh: readonly string[]): void {
  for (const layer of model.layers) {
    const n = layer.spec.name;
    const keep = named[`${n}/osc/freezer/keep`];
    const codes = named[`${n}/osc/freezer/codes`];
    const q = layer.quantizers.weight;
    if (!keep || !codes || !q.freeze || fresh.includes(`${n}/quant/weight`)) continue;
    if (keep.shape.join() !== layer.weight.shape.join() || codes.shape.join() !== keep.shape.join()) continue;
    tf.tidy(() => q.freeze!(tf.sub(1, keep), codes));
  }
}

/** Options of {@link modelFromCheckpoint}. */
export interface ModelFromCheckpointOptions {
  /** Build for this experiment instead of the checkpoint's (same architecture; see loadModelState). */
  experiment?: Experiment;
  /** Quantizer factory; default src/quant/quantizer.ts createQuantizer. */
  createQuantizer?: QuantizerFactory;
}

/** A model rebuilt from a checkpoint (dispose `model` when done), or what is wrong. */
export type ModelFromCheckpointResult =
  { ok: true; model: QuantModel; fresh: string[] } | { ok: false; error: string };

/**
 * The trained model of a checkpoint: built for its experiment (or `options.experiment`), with
 * bit-identical variables and quantizer state, frozen weights frozen again: its forward pass is
 * the trained model's, bit for bit. What the post-training code starts from
 * (`ptqLayersOf(model)`, src/ptq/extract.ts). Never throws on a checkpoint that does not fit.
 */
export function modelFromCheckpoint(
  ckpt: Checkpoint,
  options: ModelFromCheckpointOptions = {},
): ModelFromCheckpointResult {
  const exp = options.experiment ?? ckpt.experiment;
  const arch = architectureMismatch(ckpt.experiment, exp);
  if (arch) return { ok: false, error: arch };
  const model = QuantModel.build(exp, options.createQuantizer ?? createQuantizer);
  const named = decodeCheckpointTensors(ckpt);
  try {
    const loaded = loadModelState(model, exp, named, ckpt.experiment, { frozen: true });
    if (!loaded.ok) {
      model.dispose();
      return loaded;
    }
    return { ok: true, model, fresh: loaded.fresh };
  } finally {
    tf.dispose(Object.values(named));
  }
}
