/**
 * The training lessons on how QAT behaves: weight oscillations and estimator twins, each an
 * experiment trained in the tab and a claim checked on its own runs (see ./presets.ts for what a
 * lesson is, and docs/lessons.md). Where the bits go (first/last layer, granularity, Pareto, cost)
 * is ./bitsPresets.ts; the post-training, curvature and deploy lessons live beside them.
 */
import { acc, agreement, mergePatch, oscillating, reversalRate } from './claims';
import type { PresetInput } from './presets';
import type { ExperimentInput } from './schema';

export const SMALL_DATA = { trainSize: 4000, testSize: 1000 };

/** Depthwise CNN with 3-bit weights and 8-bit activations: oscillations without activation noise. */
export const DSCNN_W3A8: ExperimentInput = {
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
  // cosine(a = 0.5) has the closed-form α = √(1 − a²) ≈ 0.866 (docs/science.md §1), handy for checking.
  twin: { estimator: { name: 'cosine', param: 0.5 }, map: false, compareEvery: 10 },
};

const merge = mergePatch;

/** The oscillation and twin lessons, in teaching order. */
export const QAT_INPUTS: PresetInput[] = [
  {
    id: 'oscillations-w3-dscnn',
    group: 'oscillations',
    title: 'Oscillations at 3 bits (depthwise CNN)',
    explanation:
      'With the straight-through estimator, a latent weight whose best value lies between two grid points never settles: it keeps crossing the rounding threshold back and forth. Depthwise layers have only 9 weights per channel, so each flip moves the output a lot and corrupts the BatchNorm running statistics.',
    watch:
      'Integer-code traces of dw2/dw3, the oscillation-frequency histogram, and test accuracy with vs without BN re-estimation.',
    experiment: DSCNN_W3A8,
    claim: {
      text: 'At 3 bits with the STE, weights oscillate: at the end of training at least 2% of the weights flip back and forth often (EMA oscillation frequency above 0.02).',
      predicate: 'osc ≥ 0.02',
      condition:
        'Holds for the depthwise CNN at 3 bits with Adam; at 8 bits the grid is fine enough that almost no weight oscillates.',
      measure: ({ self }) => ({ osc: oscillating(self), acc: acc(self) }),
      holds: (m) => m.osc >= 0.02,
    },
  },
  {
    id: 'oscillations-w3-dscnn-freeze',
    group: 'oscillations',
    title: 'Freezing stops the oscillations',
    explanation:
      'Iterative freezing tracks how often each weight flips direction (an EMA of oscillations). Once a weight flips more often than the threshold it is frozen at the rounded average of its past integer values and gets no more updates. The threshold starts 10× higher and falls over the last 75% of training.',
    watch: 'The frozen fraction rising while the oscillating fraction falls, compared with the first preset.',
    experiment: merge(DSCNN_W3A8, { oscillation: { freezeThreshold: 0.02, freezeUseEma: true } }),
    claim: {
      text: 'Freezing cuts how often weights oscillate over the last quarter of training by at least 1.5×, and test accuracy does not drop (by more than 0.5 pt).',
      predicate: 'rate(freeze) ≤ rate(base)/1.5 && acc(freeze) ≥ acc(base) − 0.005',
      condition:
        'The rate counts reversals of integer weights per 1000 weights per 100 steps; measured at seeds 1–4 it falls 1.8–2.1×, not the 3× a long run shows. The EMA oscillating share barely moves in a run this short: a frozen weight stops flipping at once, but its frequency EMA only decays at rate m = 0.01 per step, so it is still counted as oscillating at the end.',
      compare: { base: { oscillation: { freezeThreshold: 0 } } },
      measure: ({ self, base }) => ({
        'rate(freeze)': reversalRate(self),
        'rate(base)': reversalRate(base),
        'acc(freeze)': acc(self),
        'acc(base)': acc(base),
      }),
      holds: (m) => m['rate(freeze)'] <= m['rate(base)'] / 1.5 && m['acc(freeze)'] >= m['acc(base)'] - 0.005,
    },
  },
  {
    id: 'oscillations-w3-dscnn-dampen',
    group: 'oscillations',
    title: 'Dampening pulls weights to their grid points',
    explanation:
      'Dampening adds λ·Σ(q(w) − clip(w))² to the loss: each latent weight is pulled towards the grid point it currently rounds to, away from the threshold where it would flip. λ is 0 for the first 25% of training, then rises to its final value. The paper used λ = 0.1 over a long run; this short run uses 1.',
    watch:
      'Latent weights bunching at grid points (distance-to-threshold chart) and fewer oscillations than the first preset.',
    experiment: merge(DSCNN_W3A8, { oscillation: { dampening: 1 } }),
    claim: {
      text: 'Dampening cuts the share of oscillating weights at least 10×.',
      predicate: 'osc(dampen) ≤ osc(base)/10',
      condition:
        'It is not free in a run this short: λ = 1 pulls weights to their grid points before they have learned, and test accuracy ends about 1 pt below the undampened run (see acc).',
      compare: { base: { oscillation: { dampening: 0 } } },
      measure: ({ self, base }) => ({
        'osc(dampen)': oscillating(self),
        'osc(base)': oscillating(base),
        'acc(dampen)': acc(self),
        'acc(base)': acc(base),
      }),
      holds: (m) => m['osc(dampen)'] <= m['osc(base)'] / 10,
    },
  },
  {
    id: 'twin-adam-cosine-vs-ste',
    group: 'twins',
    title: 'Adam: a custom estimator behaves like the STE',
    explanation:
      'Two twin runs share the seed, initialization and batch order and differ only in the gradient estimator: cosine (a = 0.5) vs the plain STE. Adam divides each update by a running gradient scale, so the estimator’s per-weight factor nearly cancels out and both twins end with nearly the same integer weights (about 95% identical here). The grid is held fixed, so only the estimator differs between the twins.',
    watch:
      'Twin agreement (fraction of identical integer weights) staying near 1, and the alignment error staying small; then raise the learning rate tenfold and watch agreement fall.',
    experiment: TWIN_MLP,
    claim: {
      text: 'Under Adam, training with the cosine estimator ends with at least 90% of the integer weights identical to training with the STE.',
      predicate: 'agree ≥ 0.9',
      condition:
        'Holds at small learning rates: the equivalence error grows with the learning rate (see the lesson on Adam and the learning rate), and on a fixed grid only (a min-max grid moves with the largest weight).',
      measure: ({ self }) => ({ agree: agreement(self) }),
      holds: (m) => m.agree >= 0.9,
    },
  },
  {
    id: 'twin-sgd-cosine-vs-ste',
    group: 'twins',
    title: 'SGD without the mapping: the twins drift apart',
    explanation:
      'With plain SGD nothing normalizes the update, so the estimator rescales every step by its derivative and the cosine twin takes a different path from the STE twin.',
    watch: 'Twin agreement falling over training, compared with the mapped preset.',
    experiment: merge(TWIN_MLP, { train: { optimizer: 'sgd', lr: 0.02 } }),
    claim: {
      text: 'Under plain SGD without the mapping, the twins agree on fewer integer weights than with the mapping (at least 1 pt fewer).',
      predicate: 'agree ≤ agree(mapped) − 0.01',
      condition:
        'At this short run and small learning rate most weights agree either way; the gap grows with training length and learning rate.',
      compare: { mapped: { twin: { map: true } } },
      measure: ({ self, mapped }) => ({ agree: agreement(self), 'agree(mapped)': agreement(mapped) }),
      holds: (m) => m.agree <= m['agree(mapped)'] - 0.01,
    },
  },
  {
    id: 'twin-sgd-cosine-vs-ste-mapped',
    group: 'twins',
    title: 'SGD with the mapping: the twins agree again',
    explanation:
      'The theorem says training with a custom estimator at learning rate η equals STE training at α·η from initialization M(w0). With the mapping applied to the STE twin, the twins hold the same integer weights (99.8% here, against 96% without it). The theorem assumes a fixed grid, which these presets use; switch the weight range to min-max and the recalibrating scale breaks it. Raise the learning rate and the agreement degrades, as the O(η²) error term predicts.',
    watch: 'Twin agreement near 1 and the reported α ≈ 0.866; then try a 5× larger learning rate.',
    experiment: merge(TWIN_MLP, { train: { optimizer: 'sgd', lr: 0.02 }, twin: { map: true } }),
    claim: {
      text: 'Under SGD, an STE twin trained at α·η from M(w₀) holds at least 99% of the integer weights of the cosine twin.',
      predicate: 'agree ≥ 0.99',
      condition:
        'The theorem assumes a fixed grid (these lessons use one) and its error term grows with the learning rate.',
      measure: ({ self }) => ({ agree: agreement(self) }),
      holds: (m) => m.agree >= 0.99,
    },
  },
  {
    id: 'twin-adam-lr-fading',
    group: 'twins',
    title: 'Adam: the equivalence fades as the learning rate grows',
    explanation:
      'The theorem behind the twins says Adam makes a custom estimator train like the STE up to an error that grows with the learning rate. This lesson trains the same twins at three learning rates, 2e-5, 2e-4 and 1e-3, and compares how many integer weights they share at the end.',
    watch: 'Twin agreement of this run (lr 1e-3) against the two smaller learning rates in the claim.',
    experiment: merge(TWIN_MLP, { train: { lr: 1e-3 } }),
    claim: {
      text: 'Under Adam, twin agreement falls as the learning rate grows: it is highest at 2e-5, lower at 2e-4 and lowest at 1e-3.',
      predicate: 'agree(lr 2e-5) > agree(lr 2e-4) > agree(lr 1e-3)',
      condition: 'The theorem’s error term is O(lr): the equivalence is a small-learning-rate statement.',
      compare: { lr2e5: { train: { lr: 2e-5 } }, lr2e4: { train: { lr: 2e-4 } } },
      measure: ({ self, lr2e5, lr2e4 }) => ({
        'agree(lr 2e-5)': agreement(lr2e5),
        'agree(lr 2e-4)': agreement(lr2e4),
        'agree(lr 1e-3)': agreement(self),
      }),
      holds: (m) => m['agree(lr 2e-5)'] > m['agree(lr 2e-4)'] && m['agree(lr 2e-4)'] > m['agree(lr 1e-3)'],
    },
  },
];
