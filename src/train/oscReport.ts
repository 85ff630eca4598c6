/**
 * The oscillation statistics of one report, built as ONE tensor and read back once (docs/style.md rule 5),
 * then decoded. Layout of the readback, one block per tracked layer:
 *
 * ```
 * [oscFraction, meanF, flips, reversals, frozenFraction]   (LAYER_FIELDS numbers)
 * the layer's frequency histogram                            (edges.length − 1 numbers)
 * a [4, k] block of its k sampled weights: latent, code, frozen, flips   (k = 0: nothing)
 * ```
 * decodeReport sums the layers' histograms (exact: integer counts far below 2^24).
 *
 * On wasm each block is one kernel (src/tensor/kernels/oscReport.ts), ~20 fewer tfjs kernels per
 * layer; the sampled codes are quantized from the gathered entries with Quantizer.codeParams
 * instead of a whole-weight toInt. Elsewhere (other backends, sizes not multiples of 4, or
 * a controller built without the report kernel, KernelChoice.oscReport) the op path below builds the same block: counts, histogram, flips, frozen
 * fraction and samples identical. The mean frequency differs slightly: the kernel's is the exact
 * mean rounded once (float64 sum), tf.mean's running float32 sum drifts by up to ~1e-4 relative
 * over a layer's small frequencies (tests/unit/perf/oscReport.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelLayer } from '../models/build';
import { oscReport, oscReportAvailable } from '../tensor/kernels/oscReport';
import type { WeightFreezer } from './freezing';
import {
  STATS_FIELDS,
  frequencyEdges,
  gatherSamples,
  statsFromArray,
  type OscillationTracker,
} from './oscillation';
import type { LayerReport, StepReport, WeightSample } from './types';

/** Histogram bins of f; the range is 10× the report threshold so the threshold sits at bin 2. */
export const HISTOGRAM_BINS = 20;
const HISTOGRAM_RANGE_FACTOR = 10;
/** Numbers per tracked layer in the readback: the stats, then the frozen fraction. */
const LAYER_FIELDS = STATS_FIELDS.length + 1;
/** Rows of the per-layer sample block: latent, code, frozen, flips. */
const SAMPLE_ROWS = 4;

/** What a report reads of one tracked layer (an OscLayer of the controller, oscLayer.ts). */
export interface TrackedLayer {
  readonly layer: ModelLayer;
  readonly tracker: OscillationTracker;
  readonly freezer: WeightFreezer | null;
  readonly sampleIndices: readonly number[];
}

/** What a report adds to a step report (OscillationController.report). */
export type OscillationReport = Pick<StepReport, 'samples' | 'frequencyHistogram'> & {
  layers: Map<
    string,
    Pick<LayerReport, 'oscillatingFraction' | 'meanFrequency' | 'flips' | 'reversals' | 'frozenFraction'>
  >;
};

/** Histogram edges over [0, 10·reportThreshold] (capped at 1). */
export function histogramEdges(reportThreshold: number): number[] {
  return frequencyEdges(Math.min(1, HISTOGRAM_RANGE_FACTOR * reportThreshold), HISTOGRAM_BINS);
}

/**
 * Every statistic of every tracked layer as one flat tensor in the layout above. Caller owns it.
 * @param fused use the report kernel on the layers it covers (the controller's KernelChoice.oscReport)
 */
export function reportTensor(
  tracked: readonly TrackedLayer[],
  reportThreshold: number,
  edges: number[],
  fused: boolean,
): tf.Tensor1D {
  return tf.tidy(() => {
    const parts = tracked.flatMap(
      (t) =>
        (fused ? fusedLayerBlock(t, reportThreshold, edges) : null) ??
        layerBlockOps(t, reportThreshold, edges),
    );
    return (parts.length ? tf.concat(parts) : tf.zeros([0])) as tf.Tensor1D;
  });
}

/** One report of `tracked`: builds {@link reportTensor}, reads it back once, decodes it. */
export async function readReport(
  tracked: readonly TrackedLayer[],
  reportThreshold: number,
  fused: boolean,
): Promise<OscillationReport> {
  if (tracked.length === 0) return { layers: new Map(), samples: [] };
  const edges = histogramEdges(reportThreshold);
  const t = reportTensor(tracked, reportThreshold, edges, fused);
  const v = await t.data();
  t.dispose();
  return decodeReport(v, tracked, edges);
}

/** One layer's block through the op path, as the parts to concatenate (inside a tidy). */
function layerBlockOps(t: TrackedLayer, reportThreshold: number, edges: number[]): tf.Tensor[] {
  const parts: tf.Tensor[] = [
    t.tracker.statsTensor(reportThreshold),
    tf.reshape(t.freezer ? t.freezer.frozenFractionTensor() : tf.scalar(0), [1]),
    t.tracker.histogramTensor(edges),
  ];
  const idx = t.tracker.sampleIndices;
  const flips = t.tracker.sampleFlips;
  if (idx && flips) {
    const w = t.layer.weight;
    const codes = t.layer.quantizers.weight.toInt(w);
    const frozen = t.freezer ? tf.sub(1, t.freezer.state.keep) : tf.zerosLike(w);
    parts.push(tf.reshape(gatherSamples(idx, [w, codes, frozen]), [-1]), flips);
  }
  return parts;
}

/**
 * One layer's block as the fused kernel (inside a tidy), or null where it does not apply: not wasm, a size not a multiple of 4, or samples from a quantizer without codeParams. The
 * sample codes are toInt's: the quantizer's scale and zero point for the weight (codeParams moves
 * the range state exactly as toInt would) and, with a freeze hook, the freezer's frozen codes, which
 * the quantizer holds (by reference or as a copy) or which are still all free (keep 1, codes 0).
 */
function fusedLayerBlock(t: TrackedLayer, reportThreshold: number, edges: number[]): tf.Tensor[] | null {
  const bins = edges.length - 1;
  const width = (edges[bins] - edges[0]) / bins;
  if (!(width > 0) || !oscReportAvailable(t.tracker.size)) return null;
  const { weight, quantizers } = t.layer;
  const q = quantizers.weight;
  const { freq, flipTotal, reversalTotal, samples } = t.tracker.fusedState();
  if (samples && (!q.codeParams || weight.dtype !== 'float32')) return null;
  const params = samples ? q.codeParams!(weight) : null;
  const inner = params?.axis == null ? 1 : weight.shape.slice(params.axis + 1).reduce((a, b) => a * b, 1);
  const block = oscReport(
    {
      freq,
      flipTotal,
      reversalTotal,
      frozen: t.freezer ? t.freezer.state : null,
      samples:
        samples && params
          ? {
              weight,
              scale: params.scale,
              zeroPoint: params.zeroPoint,
              indices: samples.indices,
              flips: samples.flips,
            }
          : null,
    },
    {
      threshold: reportThreshold,
      e0: edges[0],
      width,
      bins,
      qmin: q.grid.qmin,
      qmax: q.grid.qmax,
      inner,
      applyCodes: q.freeze !== undefined,
    },
  );
  return [block];
}

/** Decodes a readback of {@link reportTensor} (same `tracked`, same `edges`). */
export function decodeReport(
  v: ArrayLike<number>,
  tracked: readonly TrackedLayer[],
  edges: number[],
): OscillationReport {
  const out: OscillationReport = { layers: new Map(), samples: [] };
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  let offset = 0;
  for (const tl of tracked) {
    const { oscillatingFraction, meanFrequency, flips, reversals } = statsFromArray(v, offset);
    const frozenFraction = v[offset + STATS_FIELDS.length];
    out.layers.set(tl.layer.spec.name, {
      oscillatingFraction,
      meanFrequency,
      flips,
      reversals,
      frozenFraction,
    });
    offset += LAYER_FIELDS;
    for (let b = 0; b < bins; b++) counts[b] += v[offset + b];
    offset += bins;
    offset = readSamples(tl, v, offset, out.samples);
  }
  out.frequencyHistogram = { edges, counts };
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
