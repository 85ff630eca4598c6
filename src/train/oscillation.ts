/**
 * Per-weight oscillation tracking in the integer domain (docs/science.md §2, after the authors'
 * `TrackOscillation` in `utils/oscillation_tracking_utils.py`):
 *
 * ```
 * Δ   = round(x_int_prev − x_int)        ∈ {−1, 0, 1} (larger jumps keep their sign)
 * dir = sign(Δ); switched = Δ ≠ 0
 * osc = prev_dir · dir == −1             (this change reverses the previous change)
 * f   = m·osc + (1−m)·f                  (EMA oscillation frequency, f0 = 0)
 * prev_dir[switched] = dir[switched]; x_int_prev = x_int
 * ```
 *
 * Truth table of `osc` (prev_dir, dir): (0, ±1) → 0 (first change), (+1, +1) → 0 (same way),
 * (+1, −1) → 1, (−1, +1) → 1, (any, 0) → 0 (no change, f decays).
 *
 * The same algorithm in the fewest, cheapest kernels (tracking runs every step; on wasm a
 * comparison or `where` over 270k weights costs 2–4× an add or a clip). Codes are integers, so
 * with s = clip(x_int − x_int_prev, −1, 1) = −dir and `last` = the last nonzero s (= −prev_dir):
 *
 * ```
 * negOsc = clip(s·last, −1, 0)           −1 exactly where osc = 1 (prev_dir·dir = s·last)
 * f      = f − m·(f + negOsc)            = m·osc + (1−m)·f
 * last   = clip(2·Δx + last, −1, 1)      Δx ≠ 0 overrides `last` with its sign, Δx = 0 keeps it
 * ```
 * The authors' round() is dropped: codes come in as exact integers (int32 or rounded floats).
 *
 * All state lives in tf.Variables and {@link OscillationTracker.update} only issues ops, so it can
 * run every training step without reading anything back; statistics are built as small tensors
 * and read back by the caller at report steps only (docs/performance.md, docs/style.md rule 5). Flip counts
 * are kept as layer totals (int32 scalars, exact) and for the sampled weights only.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensors } from '../quant/types';
import type { OscStepOutputs } from '../tensor/kernels/oscStep';
import { createRng } from '../tensor/rng';

/** Plain-number statistics of one tracked tensor (one report). */
export interface OscillationStats {
  /** Fraction of weights whose frequency f exceeds the report threshold. */
  oscillatingFraction: number;
  /** Mean of f over the tensor. */
  meanFrequency: number;
  /** Integer changes (flips) summed over the tensor since tracking started. */
  flips: number;
  /** Flips that reversed the previous flip (oscillations), summed since tracking started. */
  reversals: number;
}

/** Order of the entries of {@link OscillationTracker.statsTensor}. */
export const STATS_FIELDS = ['oscillatingFraction', 'meanFrequency', 'flips', 'reversals'] as const;

/** Tracks oscillations of one integer tensor (e.g. a layer's weight codes). Owns its variables. */
export class OscillationTracker {
  /** Number of tracked entries. */
  readonly size: number;
  /** EMA momentum m; live-changeable (a JS number, so changing it allocates nothing). */
  momentum: number;
  private readonly prevCodes: tf.Variable;
  private readonly lastDir: tf.Variable;
  private readonly freq: tf.Variable;
  private readonly flipTotal: tf.Variable;
  private readonly reversalTotal: tf.Variable;
  /** Flat indices of the sampled entries ([k] int32), or null without samples. */
  private readonly samples: tf.Tensor1D | null;
  private readonly sampleFlipCount: tf.Variable | null;
  /** False until the first update: x_int_prev is then set to the first codes (no change counted). */
  private primed = false;

  /**
   * @param shape shape of the tracked tensor
   * @param momentum EMA momentum m
   * @param sampleIndices flat indices whose flips are counted one by one (for trajectory charts)
   */
  constructor(shape: number[], momentum: number, sampleIndices: number[] = []) {
    this.size = shape.reduce((a, b) => a * b, 1);
    this.momentum = momentum;
    const k = sampleIndices.length;
    // Variables are kept by tidy; the tensors they were made from are not.
    [this.prevCodes, this.lastDir, this.freq, this.flipTotal, this.reversalTotal] = tf.tidy(() => [
      tf.variable(tf.zeros(shape), false),
      tf.variable(tf.zeros(shape), false),
      tf.variable(tf.zeros(shape), false),
      // Totals in int32: a float32 sum loses integers above 2^24.
      tf.variable(tf.scalar(0, 'int32'), false),
      tf.variable(tf.scalar(0, 'int32'), false),
    ]);
    this.samples = k ? tf.tensor1d(sampleIndices, 'int32') : null;
    this.sampleFlipCount = k ? tf.tidy(() => tf.variable(tf.zeros([k]), false)) : null;
  }

  /** EMA oscillation frequency f per entry (shape of the tracked tensor). Do not dispose. */
  get frequency(): tf.Variable {
    return this.freq;
  }

  /** Flips of each sampled entry since tracking started ([k] float32, exact below 2^24). Do not dispose. */
  get sampleFlips(): tf.Variable | null {
    return this.sampleFlipCount;
  }

  /** Indices of the sampled entries ([k] int32), or null. Do not dispose. */
  get sampleIndices(): tf.Tensor1D | null {
    return this.samples;
  }

  /**
   * Feeds the current integer codes (any dtype; frozen entries should already hold their frozen
   * code). Issues ops only, no readback. The first call just records the codes.
   */
  update(codes: tf.Tensor): void {
    tf.tidy(() => {
      const x = codes.dtype === 'float32' ? codes : tf.cast(codes, 'float32');
      if (!this.primed) {
        this.prevCodes.assign(x);
        this.primed = true;
        return;
      }
      const m = this.momentum;
      const dx = tf.sub(x, this.prevCodes);
      const s = tf.clipByValue(dx, -1, 1);
      const negOsc = tf.clipByValue(tf.mul(s, this.lastDir), -1, 0);
      this.freq.assign(tf.sub(this.freq, tf.mul(tf.add(this.freq, negOsc), m)));
      this.lastDir.assign(tf.clipByValue(tf.add(tf.add(dx, dx), this.lastDir), -1, 1));
      this.prevCodes.assign(x);
      const flips = tf.abs(s);
      this.flipTotal.assign(tf.add(this.flipTotal, tf.cast(tf.sum(flips), 'int32')));
      this.reversalTotal.assign(tf.sub(this.reversalTotal, tf.cast(tf.sum(negOsc), 'int32')));
      if (this.samples && this.sampleFlipCount) {
        this.sampleFlipCount.assign(
          tf.add(this.sampleFlipCount, tf.gather(tf.reshape(flips, [-1]), this.samples)),
        );
      }
    });
  }

  /** The state the fused step (src/tensor/kernels/oscStep.ts) reads. Do not dispose. */
  fusedState() {
    const samples =
      this.samples && this.sampleFlipCount
        ? { indices: this.samples, flips: this.sampleFlipCount as tf.Tensor1D }
        : null;
    const { prevCodes, lastDir, freq, flipTotal, reversalTotal, primed } = this;
    return { prevCodes, lastDir, freq, flipTotal, reversalTotal, samples, primed };
  }

  /** Takes the fused step's results: the same state {@link update} would leave. */
  adoptFused(next: OscStepOutputs): void {
    this.prevCodes.assign(next.prevCodes);
    this.lastDir.assign(next.lastDir);
    this.freq.assign(next.freq);
    this.flipTotal.assign(next.flipTotal);
    this.reversalTotal.assign(next.reversalTotal);
    if (next.sampleFlips) this.sampleFlipCount?.assign(next.sampleFlips);
    this.primed = true;
  }

  /**
   * Summary statistics as one float32 tensor [4] in {@link STATS_FIELDS} order, for the caller
   * to concatenate with other layers and read back in one go. The caller owns the result.
   */
  statsTensor(reportThreshold: number): tf.Tensor1D {
    return tf.tidy(
      () =>
        tf.stack([
          // step(f − th) is 1 exactly where f > th (f − th > 0 iff f > th, gradual underflow); on
          // wasm it is ~2× cheaper than Greater + Cast (measured on a 784×256 layer).
          tf.mean(tf.step(tf.sub(tf.reshape(this.freq, [-1]), reportThreshold))),
          tf.mean(tf.reshape(this.freq, [-1])),
          tf.cast(this.flipTotal, 'float32'),
          tf.cast(this.reversalTotal, 'float32'),
        ]) as tf.Tensor1D,
    );
  }

  /** Reads the statistics back (one readback; use at report steps only). */
  async readStats(reportThreshold: number): Promise<OscillationStats> {
    const t = this.statsTensor(reportThreshold);
    const v = await t.data();
    t.dispose();
    return statsFromArray(v, 0);
  }

  /**
   * Counts of f per histogram bin (float32 [bins]); `edges` from {@link frequencyEdges}. Values at or
   * above the last edge land in the last bin so no weight is lost. The caller owns the result.
   */
  histogramTensor(edges: number[]): tf.Tensor1D {
    const bins = edges.length - 1;
    const width = (edges[bins] - edges[0]) / bins;
    return tf.tidy(() => {
      const flat = tf.reshape(this.freq, [-1]);
      const idx = tf.cast(
        tf.clipByValue(tf.floor(tf.div(tf.sub(flat, edges[0]), width)), 0, bins - 1),
        'int32',
      ) as tf.Tensor1D;
      return tf.bincount(idx, tf.tensor1d([], 'float32'), bins) as tf.Tensor1D;
    });
  }

  /**
   * The state a checkpoint stores (docs/checkpoints.md): `prev_codes`, `last_dir`, `frequency`
   * (shape of the tracked tensor), `flips`, `reversals` (int32 scalars), `sample_flips` ([k], with
   * samples) and `primed` (int32 0/1). New tensors the caller owns.
   */
  saveState(): NamedTensors {
    return {
      prev_codes: this.prevCodes.clone(),
      last_dir: this.lastDir.clone(),
      frequency: this.freq.clone(),
      flips: this.flipTotal.clone(),
      reversals: this.reversalTotal.clone(),
      ...(this.sampleFlipCount && { sample_flips: this.sampleFlipCount.clone() }),
      primed: tf.scalar(this.primed ? 1 : 0, 'int32'),
    };
  }

  /** Restores {@link saveState}'s tensors (names and shapes checked by the caller). */
  loadState(named: NamedTensors): void {
    this.prevCodes.assign(named.prev_codes);
    this.lastDir.assign(named.last_dir);
    this.freq.assign(named.frequency);
    this.flipTotal.assign(named.flips);
    this.reversalTotal.assign(named.reversals);
    if (named.sample_flips) this.sampleFlipCount?.assign(named.sample_flips);
    this.primed = named.primed.dataSync()[0] === 1;
  }

  /** Forgets the history (after a bitwidth or scale change makes old codes meaningless). */
  reset(): void {
    tf.tidy(() => {
      for (const v of [this.lastDir, this.freq, this.flipTotal, this.reversalTotal, this.sampleFlipCount])
        v?.assign(tf.zerosLike(v));
    });
    this.primed = false;
  }

  dispose(): void {
    tf.dispose([this.prevCodes, this.lastDir, this.freq, this.flipTotal, this.reversalTotal]);
    this.samples?.dispose();
    this.sampleFlipCount?.dispose();
  }
}

/** Decodes {@link STATS_FIELDS}-ordered numbers starting at `offset` of a read-back array. */
export function statsFromArray(values: ArrayLike<number>, offset: number): OscillationStats {
  return {
    oscillatingFraction: values[offset],
    meanFrequency: values[offset + 1],
    flips: values[offset + 2],
    reversals: values[offset + 3],
  };
}

/**
 * Fixed histogram edges over [0, maxFrequency] (bins + 1 numbers). Fixed so histograms of
 * different reports and runs line up in the UI.
 */
export function frequencyEdges(maxFrequency: number, bins = 20): number[] {
  return Array.from({ length: bins + 1 }, (_, i) => (maxFrequency * i) / bins);
}

/**
 * `count` distinct flat indices in [0, size), chosen by a seeded RNG and sorted, for the sampled
 * weight trajectories. All indices when `count ≥ size`. Same seed and stream → same indices.
 */
export function pickSampleIndices(
  size: number,
  count: number,
  seed: number | string,
  stream = 'osc-samples',
): number[] {
  if (count >= size) return Array.from({ length: size }, (_, i) => i);
  const rng = createRng(seed, stream);
  const chosen = new Set<number>();
  // Rejection sampling is fine here: count ≤ 64 is small against any real layer.
  while (chosen.size < count) chosen.add(Math.floor(rng() * size));
  return [...chosen].sort((a, b) => a - b);
}

/**
 * Gathers the sampled entries of `tensors` (each flattened) into one float32 tensor
 * [tensors.length, indices.length], for one readback at report steps. The caller owns the result.
 */
export function gatherSamples(indices: tf.Tensor1D, tensors: tf.Tensor[]): tf.Tensor2D {
  return tf.tidy(
    () =>
      tf.stack(
        tensors.map((t) => tf.cast(tf.gather(tf.reshape(t, [-1]), indices), 'float32')),
      ) as tf.Tensor2D,
  );
}
