/**
 * Teaching presets: named experiments that each reproduce one phenomenon from SCIENCE.md in a
 * browser tab within about a minute (small step counts, a 4k-image training subset, 1k test images).
 * Presets of one `group` differ in exactly the knob being taught (a unit test checks this), so a
 * class can run them side by side and compare. A link may open a preset by id (`encodeLink(…, {preset})`).
 *
 * Step budgets, from PERFORMANCE.md (wasm SIMD, 1 thread): MLP ≈ 60 steps/s at batch 128, the
 * 3-layer CNN ≈ 15 steps/s at batch 64; the depthwise CNN has about a third of the CNN's MACs.
 */
import { type Experiment, type ExperimentInput, experimentSchema } from './schema';

/** One teaching preset. */
export interface Preset {
  /** Stable id, used in links (`p`) and by the UI; never renamed once shipped. */
  id: string;
  /** Phenomenon this preset belongs to; presets of a group are meant to be compared. */
  group: PresetGroup;
  title: string;
  /** What happens and why, in a few sentences a student can follow. */
  explanation: string;
  /** Which charts to look at. */
  watch: string;
  /** The fully resolved experiment (its `name` is the title). */
  experiment: Experiment;
}

/** Phenomenon groups, in teaching order, with their headings. */
export const PRESET_GROUPS = {
  oscillations: 'Weight oscillations at low bits (SCIENCE §2)',
  twins: 'Custom gradient estimators are STEs in disguise (SCIENCE §1)',
  firstLast: 'Keeping the first and last layer at 8 bits (SCIENCE §4)',
  granularity: 'Per-tensor vs per-channel weight scales (SCIENCE §5)',
  pareto: 'Pareto: a wider 4-bit net vs a narrower 8-bit net (SCIENCE §4)',
} as const;
export type PresetGroup = keyof typeof PRESET_GROUPS;

const SMALL_DATA = { trainSize: 4000, testSize: 1000 };

/** Depthwise CNN with 3-bit weights and 8-bit activations: oscillations without activation noise. */
const DSCNN_W3A8: ExperimentInput = {
  seed: 1,
  data: SMALL_DATA,
  model: { arch: 'dscnn' },
  quant: { weight: { bits: 3 }, act: { bits: 8 } },
  estimator: { name: 'ste' },
  train: { optimizer: 'adam', lr: 3e-3, steps: 400, batchSize: 64, evalEvery: 100, reportEvery: 5 },
  oscillation: { track: true, momentum: 0.01, reportThreshold: 0.02, sampleWeights: 16 },
  // Re-estimated BN statistics show how much the flips corrupt the running ones.
  bn: { reestimate: true, reestimateBatches: 20 },
};

/** Small MLP with only the weights quantized, the setting of the STE-equivalence theorem. */
const TWIN_MLP: ExperimentInput = {
  seed: 1,
  data: SMALL_DATA,
  model: { arch: 'mlp', hidden: [128] },
  // A fixed grid: the EMA range with momentum 1e-6 keeps the first scale. A min-max grid moves with
  // the largest weight, so one twin crossing a bin edge shifts the scale of every weight it has and
  // the comparison measures the recalibration instead of the estimator (and the SGD mapping, which
  // assumes a fixed grid, then makes agreement worse: 0.80 mapped vs 0.90 unmapped, measured).
  quant: { weight: { bits: 4, range: 'ema', rangeMomentum: 1e-6 }, act: { bits: 32 } },
  // The main run is the STE side; the twin runs the custom estimator (src/train/twin.ts).
  estimator: { name: 'ste' },
  // Adam at 1e-4: 95% identical integer weights after 300 steps (93% at 3e-4, 85% at 1e-3).
  train: { optimizer: 'adam', lr: 1e-4, steps: 300, batchSize: 64, evalEvery: 100, reportEvery: 5 },
  oscillation: { track: false },
  // cosine(a = 0.5) has the closed-form α = √(1 − a²) ≈ 0.866 (SCIENCE §1), handy for checking.
  twin: { estimator: { name: 'cosine', param: 0.5 }, map: false, compareEvery: 10 },
};

const MLP_W2A2: ExperimentInput = {
  seed: 1,
  data: SMALL_DATA,
  model: { arch: 'mlp', hidden: [256, 256] },
  quant: { weight: { bits: 2 }, act: { bits: 2 } },
  train: { optimizer: 'adam', lr: 2e-3, steps: 400, batchSize: 128, evalEvery: 100, reportEvery: 10 },
  oscillation: { track: false },
};

const DSCNN_W4A8: ExperimentInput = {
  ...DSCNN_W3A8,
  quant: { weight: { bits: 4, range: 'minmax', perChannel: false }, act: { bits: 8 } },
  oscillation: { track: false },
  bn: { reestimate: false },
};

const PARETO_MLP: ExperimentInput = {
  seed: 1,
  data: SMALL_DATA,
  model: { arch: 'mlp', hidden: [256, 256] },
  train: { optimizer: 'adam', lr: 2e-3, steps: 600, batchSize: 128, evalEvery: 100, reportEvery: 10 },
  oscillation: { track: false },
};

type PresetInput = Omit<Preset, 'experiment'> & { experiment: ExperimentInput };

function merge<T extends Record<string, unknown>>(base: T, patch: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const b = out[k];
    const isPlain = (x: unknown) => typeof x === 'object' && x !== null && !Array.isArray(x);
    out[k] = isPlain(b) && isPlain(v) ? merge(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out as T;
}

const INPUTS: PresetInput[] = [
  {
    id: 'oscillations-w3-dscnn',
    group: 'oscillations',
    title: 'Oscillations at 3 bits (depthwise CNN)',
    explanation:
      'With the straight-through estimator, a latent weight whose best value lies between two grid points never settles: it keeps crossing the rounding threshold back and forth. Depthwise layers have only 9 weights per channel, so each flip moves the output a lot and corrupts the BatchNorm running statistics.',
    watch: 'Integer-code traces of dw2/dw3, the oscillation-frequency histogram, and test accuracy with vs without BN re-estimation.',
    experiment: DSCNN_W3A8,
  },
  {
    id: 'oscillations-w3-dscnn-freeze',
    group: 'oscillations',
    title: 'Freezing stops the oscillations',
    explanation:
      'Iterative freezing tracks how often each weight flips direction (an EMA of oscillations). Once a weight flips more often than the threshold it is frozen at the rounded average of its past integer values and gets no more updates. The threshold starts 10× higher and falls over the last 75% of training.',
    watch: 'The frozen fraction rising while the oscillating fraction falls, compared with the first preset.',
    experiment: merge(DSCNN_W3A8, { oscillation: { freezeThreshold: 0.02, freezeUseEma: true } }),
  },
  {
    id: 'oscillations-w3-dscnn-dampen',
    group: 'oscillations',
    title: 'Dampening pulls weights to their grid points',
    explanation:
      'Dampening adds λ·Σ(q(w) − clip(w))² to the loss: each latent weight is pulled towards the grid point it currently rounds to, away from the threshold where it would flip. λ is 0 for the first 25% of training, then rises to its final value. The paper used λ = 0.1 over a long run; this short run uses 1.',
    watch: 'Latent weights bunching at grid points (distance-to-threshold chart) and fewer oscillations than the first preset.',
    experiment: merge(DSCNN_W3A8, { oscillation: { dampening: 1 } }),
  },
  {
    id: 'twin-adam-cosine-vs-ste',
    group: 'twins',
    title: 'Adam: a custom estimator behaves like the STE',
    explanation:
      'Two twin runs share the seed, initialization and batch order and differ only in the gradient estimator: cosine (a = 0.5) vs the plain STE. Adam divides each update by a running gradient scale, so the estimator’s per-weight factor nearly cancels out and both twins end with nearly the same integer weights (about 95% identical here). The grid is held fixed, so only the estimator differs between the twins.',
    watch: 'Twin agreement (fraction of identical integer weights) staying near 1, and the alignment error staying small; then raise the learning rate tenfold and watch agreement fall.',
    experiment: TWIN_MLP,
  },
  {
    id: 'twin-sgd-cosine-vs-ste',
    group: 'twins',
    title: 'SGD without the mapping: the twins drift apart',
    explanation:
      'With plain SGD nothing normalizes the update, so the estimator rescales every step by its derivative and the cosine twin takes a different path from the STE twin.',
    watch: 'Twin agreement falling over training, compared with the mapped preset.',
    experiment: merge(TWIN_MLP, { train: { optimizer: 'sgd', lr: 0.02 } }),
  },
  {
    id: 'twin-sgd-cosine-vs-ste-mapped',
    group: 'twins',
    title: 'SGD with the mapping: the twins agree again',
    explanation:
      'The theorem says training with a custom estimator at learning rate η equals STE training at α·η from initialization M(w0). With the mapping applied to the STE twin, the twins hold the same integer weights (99.8% here, against 96% without it). The theorem assumes a fixed grid, which these presets use; switch the weight range to min-max and the recalibrating scale breaks it. Raise the learning rate and the agreement degrades, as the O(η²) error term predicts.',
    watch: 'Twin agreement near 1 and the reported α ≈ 0.866; then try a 5× larger learning rate.',
    experiment: merge(TWIN_MLP, { train: { optimizer: 'sgd', lr: 0.02 }, twin: { map: true } }),
  },
  {
    id: 'w2a2-mlp',
    group: 'firstLast',
    title: 'Everything at 2 bits',
    explanation:
      'All layers, including the first (which sees raw pixels) and the last (which produces the class scores), use 2-bit weights and activations. Those two layers are small but have the most direct effect on accuracy.',
    watch: 'Final test accuracy, compared with the first/last 8-bit preset.',
    experiment: MLP_W2A2,
  },
  {
    id: 'w2a2-mlp-first-last-8bit',
    group: 'firstLast',
    title: 'First and last layer at 8 bits',
    explanation:
      'The same 2-bit network with only the first and last layer kept at 8 bits, as AQT’s best ResNet configurations do. They hold a small share of the cost but recover much of the accuracy.',
    watch: 'Test accuracy against the all-2-bit preset, and the cost panel: the extra cost is small.',
    experiment: merge(MLP_W2A2, { quant: { firstLastBits8: true } }),
  },
  {
    id: 'w4-dscnn-per-tensor',
    group: 'granularity',
    title: 'Per-tensor min-max at 4 bits fails on depthwise layers',
    explanation:
      'One scale per tensor must cover the channel with the largest weights, so channels with small weights get only one or two grid points and collapse to zero. Depthwise layers, whose channels are trained independently, have very different ranges per channel.',
    watch: 'Per-layer weight scales and clipping, and test accuracy compared with the per-channel preset.',
    experiment: DSCNN_W4A8,
  },
  {
    id: 'w4-dscnn-per-channel',
    group: 'granularity',
    title: 'Per-channel scales recover it',
    explanation:
      'With one scale per output channel, every channel uses the whole 4-bit grid. This is the default for weights in AQT and the Qualcomm white paper.',
    watch: 'Test accuracy back near the float network, compared with the per-tensor preset.',
    experiment: merge(DSCNN_W4A8, { quant: { weight: { perChannel: true } } }),
  },
  {
    id: 'pareto-w4a4-mlp-wide',
    group: 'pareto',
    title: 'Pareto: a wide 4-bit MLP',
    explanation:
      'Cost grows with MACs × weight bits × activation bits, so halving the bits buys four times the MACs. This 4-bit MLP is 3× wider than the 8-bit one yet cheaper (≈3.0 M vs ≈3.5 M bit-MACs).',
    watch: 'The cost-vs-accuracy chart: the 4-bit point should sit up and to the left of the 8-bit one.',
    experiment: merge(PARETO_MLP, { model: { widthMultiplier: 0.75 }, quant: { weight: { bits: 4 }, act: { bits: 4 } } }),
  },
  {
    id: 'pareto-w8a8-mlp-narrow',
    group: 'pareto',
    title: 'Pareto: a narrow 8-bit MLP',
    explanation:
      'An 8-bit MLP at about the same cost as the wide 4-bit one must be 3× narrower. Eight bits lose almost nothing to quantization, but the narrow network has less capacity.',
    watch: 'Its point on the cost-vs-accuracy chart, next to the wide 4-bit preset.',
    experiment: merge(PARETO_MLP, { model: { widthMultiplier: 0.25 }, quant: { weight: { bits: 8 }, act: { bits: 8 } } }),
  },
];

/** All presets, in teaching order. Resolved once at load; a bad preset fails the unit tests. */
export const PRESETS: readonly Preset[] = INPUTS.map((p) => ({
  ...p,
  experiment: experimentSchema.parse({ ...p.experiment, name: p.title }),
}));

const BY_ID = new Map(PRESETS.map((p) => [p.id, p]));

/** The preset with this id, or undefined (ids come from links, so any string is allowed). */
export function getPreset(id: string): Preset | undefined {
  return BY_ID.get(id);
}

/** Presets of one phenomenon group, in teaching order. */
export function presetsInGroup(group: PresetGroup): Preset[] {
  return PRESETS.filter((p) => p.group === group);
}
