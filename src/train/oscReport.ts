/**
 * The oscillation statistics of one report, built as ONE tensor and read back once (STYLE rule 5),
 * then decoded. Layout of the readback:
 *
 * ```
 * per tracked layer  [oscFraction, meanF, flips, reversals, frozenFraction]
 * then               the frequency histogram summed over layers   (HISTOGRAM_BINS numbers)
 * then per layer     a [4, k] block of its k sampled weights: latent, code, frozen, flips
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelLayer } from '../models/build';
import type { WeightFreezer } from './freezing';
import { STATS_FIELDS, frequencyEdges, gatherSamples, statsFromArray, type OscillationTracker } from './oscillation';
import type { LayerReport, OscillationSummary, StepReport, WeightSample } from './types';

/** Histogram bins of f; the range is 10× the report threshold so the threshold sits at bin 2. */
export const HISTOGRAM_BINS = 20;
const HISTOGRAM_RANGE_FACTOR = 10;
/** Numbers per tracked layer in the readback: the stats, then the frozen fraction. */
const LAYER_FIELDS = STATS_FIELDS.length + 1;
/** Rows of the per-layer sample block: latent, code, frozen, flips. */
const SAMPLE_ROWS = 4;

/** One tracked layer of a run (owned by OscillationHooks). */
export interface TrackedLayer {
  layer: ModelLayer;
  tracker: OscillationTracker;
  freezer: WeightFreezer | null;
  /** The weight quantizer reads the freezer's set by reference (shareFrozen) since freezing began. */
  shared: boolean;
  sampleIndices: number[];
  history: OscillationSummary['history'];
}

/** What {@link OscillationHooks.report} adds to a step report. */
export type OscillationReport = Pick<StepReport, 'samples' | 'frequencyHistogram'> & {
  layers: Map<string, Pick<LayerReport, 'oscillatingFraction' | 'meanFrequency' | 'flips' | 'frozenFraction'>>;
};

/** Histogram edges over [0, 10·reportThreshold] (capped at 1). */
export function histogramEdges(reportThreshold: number): number[] {
  return frequencyEdges(Math.min(1, HISTOGRAM_RANGE_FACTOR * reportThreshold), HISTOGRAM_BINS);
}

/** Every statistic of every tracked layer as one flat tensor in the layout above. Caller owns it. */
export function reportTensor(tracked: readonly TrackedLayer[], reportThreshold: number, edges: number[]): tf.Tensor1D {
  return tf.tidy(() => {
    const parts: tf.Tensor[] = [];
    const hist = tracked.map((t) => t.tracker.histogramTensor(edges));
    for (const t of tracked) {
      parts.push(t.tracker.statsTensor(reportThreshold), tf.reshape(t.freezer ? t.freezer.frozenFractionTensor() : tf.scalar(0), [1]));
    }
    parts.push(hist.length ? tf.addN(hist) : tf.zeros([HISTOGRAM_BINS]));
    for (const t of tracked) {
      const idx = t.tracker.sampleIndices;
      const flips = t.tracker.sampleFlips;
      if (!idx || !flips) continue;
      const w = t.layer.weight;
      const codes = t.layer.quantizers.weight.toInt(w);
      const frozen = t.freezer ? tf.sub(1, t.freezer.state.keep) : tf.zerosLike(w);
      parts.push(tf.reshape(gatherSamples(idx, [w, codes, frozen]), [-1]), flips);
    }
    return tf.concat(parts) as tf.Tensor1D;
  });
}

/** Decodes a readback of {@link reportTensor} (same `tracked`, same `edges`). */
export function decodeReport(v: ArrayLike<number>, tracked: readonly TrackedLayer[], edges: number[]): OscillationReport {
  const out: OscillationReport = { layers: new Map(), samples: [] };
  tracked.forEach((tl, i) => {
    const stats = statsFromArray(v, i * LAYER_FIELDS);
    const frozenFraction = v[i * LAYER_FIELDS + STATS_FIELDS.length];
    const { oscillatingFraction, meanFrequency, flips } = stats;
    out.layers.set(tl.layer.spec.name, { oscillatingFraction, meanFrequency, flips, frozenFraction });
  });
  let offset = tracked.length * LAYER_FIELDS;
  out.frequencyHistogram = { edges, counts: Array.from({ length: HISTOGRAM_BINS }, (_, b) => v[offset + b]) };
  offset += HISTOGRAM_BINS;
  for (const tl of tracked) offset = readSamples(tl, v, offset, out.samples);
  return out;
}

/** Decodes one layer's [4, k] sample block starting at `offset`; returns the next offset. */
function readSamples(t: TrackedLayer, v: ArrayLike<number>, offset: number, into: WeightSample[]): number {
  const k = t.sampleIndices.length;
  t.sampleIndices.forEach((index, j) => {
    into.push({
      layer: t.layer.spec.name,
      index,
      latent: v[offset + j],
      code: v[offset + k + j],
      frozen: v[offset + 2 * k + j] > 0.5,
      flips: v[offset + 3 * k + j],
    });
  });
  return offset + SAMPLE_ROWS * k;
}
