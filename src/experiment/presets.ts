/**
 * Lessons: named experiments that each reproduce one phenomenon from docs/science.md in a browser tab
 * within about a minute (small step counts, a 4k-image training subset, 1k test images), each with a
 * claim checked on its own runs (src/experiment/claims.ts). Where the claim compares two settings,
 * the lesson also trains the other one (its `compare` runs, same seed). Presets of one `group`
 * differ in exactly the knob being taught (a unit test checks this), so a class can run them side by
 * side. A link may open a lesson by id (`encodeLink(…, {preset})`).
 *
 * Every claim was measured at its shipped seed and at other seeds; the unit tests run them again and
 * report how often each holds. A claim that holds only under a condition says so in `condition`.
 *
 * Step budgets, from docs/performance.md §8 (wasm SIMD, 1 thread): MLP ≈ 60 steps/s at batch 128, the
 * 3-layer CNN ≈ 15 steps/s at batch 64; the depthwise CNN has about a third of the CNN's MACs.
 */
import { acc, ace, acev2, agreement, type ClaimSpec, mergePatch, oscillating, reversalRate } from './claims';
import { DEPLOY_INPUTS } from './deployPresets';
import { PRUNE_INPUTS } from './prunePresets';
import { CURVATURE_INPUTS } from './curvaturePresets';
import { PTQ_INPUTS } from './ptqPresets';
import { type Experiment, type ExperimentInput, experimentSchema } from './schema';

/** One lesson: a teaching preset and the claim it checks. */
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
  /** What the lesson says happens, checked on its runs. */
  claim: ClaimSpec;
}

/** Phenomenon groups, in teaching order, with their headings. */
export const PRESET_GROUPS = {
  oscillations: 'Weight oscillations at low bits (docs/science.md §2)',
  twins: 'Custom gradient estimators are STEs in disguise (docs/science.md §1)',
  firstLast: 'Keeping the first and last layer at 8 bits (docs/science.md §4)',
  granularity: 'Per-tensor vs per-channel weight scales (docs/science.md §5)',
  pareto: 'Pareto: a wider 4-bit net vs a narrower 8-bit net (docs/science.md §4)',
  cost: 'What a cost model counts: ACE vs ACEv2 (docs/science.md §3)',
  ptq: 'Post-training quantization beside QAT (docs/ptq.md)',
  curvature: 'Curvature: where bits and weights matter (docs/hessian.md, docs/mixed.md, docs/prune.md)',
  deploy: 'Deployment: integer-only inference and onnxruntime against fake quantization (docs/integer.md)',
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
  // cosine(a = 0.5) has the closed-form α = √(1 − a²) ≈ 0.866 (docs/science.md §1), handy for checking.
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

/** A 4-bit CNN whose BN and scaling run in float: the setting where ACE and ACEv2 part. */
const CNN_W4A4: ExperimentInput = {
  seed: 1,
  data: SMALL_DATA,
  model: { arch: 'cnn' },
  quant: { weight: { bits: 4 }, act: { bits: 4 } },
  train: { optimizer: 'adam', lr: 3e-3, steps: 200, batchSize: 64, evalEvery: 50, reportEvery: 5 },
  oscillation: { track: false },
};

/** A lesson as written: its experiment before the schema resolves it. */
export type PresetInput = Omit<Preset, 'experiment'> & { experiment: ExperimentInput };

const merge = mergePatch;

const INPUTS: PresetInput[] = [
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
  {
    id: 'w2a2-mlp',
    group: 'firstLast',
    title: 'Everything at 2 bits',
    explanation:
      'All layers, including the first (which sees raw pixels) and the last (which produces the class scores), use 2-bit weights and activations. Those two layers are small but have the most direct effect on accuracy.',
    watch: 'Final test accuracy, compared with the first/last 8-bit preset.',
    experiment: MLP_W2A2,
    claim: {
      text: 'At 2 bits everywhere, the MLP loses at least 1 pt of test accuracy against keeping its first and last layers at 8 bits.',
      predicate: 'acc(first/last 8) − acc ≥ 0.01',
      condition:
        'Measured on the 4k-image split after 400 steps; both runs use the same seed and batch order.',
      compare: { fl8: { quant: { firstLastBits8: true } } },
      measure: ({ self, fl8 }) => ({ acc: acc(self), 'acc(first/last 8)': acc(fl8) }),
      holds: (m) => m['acc(first/last 8)'] - m.acc >= 0.01,
    },
  },
  {
    id: 'w2a2-mlp-first-last-8bit',
    group: 'firstLast',
    title: 'First and last layer at 8 bits',
    explanation:
      'The same 2-bit network with only the first and last layer kept at 8 bits, as AQT’s best ResNet configurations do. In a ResNet those layers hold a small share of the cost; in this MLP the first layer (784 inputs) holds most of the MACs, so the rule recovers accuracy at a large price.',
    watch:
      'Test accuracy against the all-2-bit preset, and the cost panel: the first layer’s share of the cost.',
    experiment: merge(MLP_W2A2, { quant: { firstLastBits8: true } }),
    claim: {
      text: 'Keeping the first and last layers at 8 bits recovers at least 1 pt of accuracy, but in this MLP it is not cheap: the first layer holds most of the MACs, so ACEv2 grows more than 4×.',
      predicate: 'acc − acc(all 2-bit) ≥ 0.01 && acev2 ≥ 4·acev2(all 2-bit)',
      condition:
        'The cheap recovery reported for convolutional networks relies on small first and last layers; a 784-input MLP has a large first layer, so the same rule costs much more here.',
      compare: { w2: { quant: { firstLastBits8: false } } },
      measure: ({ self, w2 }) => ({
        acc: acc(self),
        'acc(all 2-bit)': acc(w2),
        acev2: acev2(self),
        'acev2(all 2-bit)': acev2(w2),
      }),
      holds: (m) => m.acc - m['acc(all 2-bit)'] >= 0.01 && m.acev2 >= 4 * m['acev2(all 2-bit)'],
    },
  },
  {
    id: 'w4-dscnn-per-tensor',
    group: 'granularity',
    title: 'Per-tensor scales on depthwise layers, with BN unfolded',
    explanation:
      'One scale per tensor must cover the channel with the largest weights, so channels with small weights get fewer grid points. Depthwise networks are where this is said to fail, because their channels are trained independently. Here every depthwise layer is followed by its own BatchNorm, trained unfolded, and the channel ranges stay close enough that per-tensor scales hold up.',
    watch: 'Per-layer weight scales and clipping, and test accuracy compared with the per-channel preset.',
    experiment: DSCNN_W4A8,
    claim: {
      text: 'With BatchNorm after every depthwise layer (not folded into the weights), per-tensor 4-bit weight scales stay within 1 pt of per-channel ones.',
      predicate: '|acc − acc(per-channel)| ≤ 0.01',
      condition:
        'The per-tensor collapse reported for depthwise networks comes from folding BatchNorm into the weights, which spreads channel ranges apart; trained with BN unfolded, as here, the depthwise channels keep similar ranges.',
      compare: { perChannel: { quant: { weight: { perChannel: true } } } },
      measure: ({ self, perChannel }) => ({ acc: acc(self), 'acc(per-channel)': acc(perChannel) }),
      holds: (m) => Math.abs(m.acc - m['acc(per-channel)']) <= 0.01,
    },
  },
  {
    id: 'w4-dscnn-per-channel',
    group: 'granularity',
    title: 'Per-channel scales recover it',
    explanation:
      'With one scale per output channel, every channel uses the whole 4-bit grid. This is the default for weights in AQT and the Qualcomm white paper, and what a deployment that folds BatchNorm into the weights needs.',
    watch: 'Test accuracy compared with the per-tensor preset.',
    experiment: merge(DSCNN_W4A8, { quant: { weight: { perChannel: true } } }),
    claim: {
      text: 'Per-channel 4-bit weight scales are at least as accurate as per-tensor ones (within 0.5 pt).',
      predicate: 'acc ≥ acc(per-tensor) − 0.005',
      condition:
        'With BN unfolded the gap is small (see the per-tensor lesson); it opens when BN is folded into the weights.',
      compare: { perTensor: { quant: { weight: { perChannel: false } } } },
      measure: ({ self, perTensor }) => ({ acc: acc(self), 'acc(per-tensor)': acc(perTensor) }),
      holds: (m) => m.acc >= m['acc(per-tensor)'] - 0.005,
    },
  },
  {
    id: 'pareto-w4a4-mlp-wide',
    group: 'pareto',
    title: 'Pareto: a wide 4-bit MLP',
    explanation:
      'Cost grows with MACs × weight bits × activation bits, so halving the bits buys four times the MACs. This 4-bit MLP is 3× wider than the 8-bit one yet cheaper (≈3.0 M vs ≈3.5 M bit-MACs).',
    watch: 'The cost-vs-accuracy chart: the 4-bit point should sit up and to the left of the 8-bit one.',
    experiment: merge(PARETO_MLP, {
      model: { widthMultiplier: 0.75 },
      quant: { weight: { bits: 4 }, act: { bits: 4 } },
    }),
    claim: {
      text: 'The wide 4-bit MLP costs less (ACEv2) than the narrow 8-bit one and is at least as accurate.',
      predicate: 'acev2 ≤ acev2(narrow 8-bit) && acc ≥ acc(narrow 8-bit)',
      condition:
        'Holds at this training length; with very short training the wider net has not yet used its capacity.',
      compare: {
        narrow8: { model: { widthMultiplier: 0.25 }, quant: { weight: { bits: 8 }, act: { bits: 8 } } },
      },
      measure: ({ self, narrow8 }) => ({
        acc: acc(self),
        'acc(narrow 8-bit)': acc(narrow8),
        acev2: acev2(self),
        'acev2(narrow 8-bit)': acev2(narrow8),
      }),
      holds: (m) => m.acev2 <= m['acev2(narrow 8-bit)'] && m.acc >= m['acc(narrow 8-bit)'],
    },
  },
  {
    id: 'pareto-w8a8-mlp-narrow',
    group: 'pareto',
    title: 'Pareto: a narrow 8-bit MLP',
    explanation:
      'An 8-bit MLP at about the same cost as the wide 4-bit one must be 3× narrower. Eight bits lose almost nothing to quantization, but the narrow network has less capacity.',
    watch: 'Its point on the cost-vs-accuracy chart, next to the wide 4-bit preset.',
    experiment: merge(PARETO_MLP, {
      model: { widthMultiplier: 0.25 },
      quant: { weight: { bits: 8 }, act: { bits: 8 } },
    }),
    claim: {
      text: 'The narrow 8-bit MLP costs more (ACEv2) than the wide 4-bit one and is no more accurate: it is off the frontier.',
      predicate: 'acev2 ≥ acev2(wide 4-bit) && acc ≤ acc(wide 4-bit)',
      condition: 'The same comparison as the wide 4-bit lesson, from the other side.',
      compare: {
        wide4: { model: { widthMultiplier: 0.75 }, quant: { weight: { bits: 4 }, act: { bits: 4 } } },
      },
      measure: ({ self, wide4 }) => ({
        acc: acc(self),
        'acc(wide 4-bit)': acc(wide4),
        acev2: acev2(self),
        'acev2(wide 4-bit)': acev2(wide4),
      }),
      holds: (m) => m.acev2 >= m['acev2(wide 4-bit)'] && m.acc <= m['acc(wide 4-bit)'],
    },
  },
  {
    id: 'ace-vs-acev2-cnn',
    group: 'cost',
    title: 'ACE counts the MACs; ACEv2 also counts the float work around them',
    explanation:
      'ACE prices each multiply-accumulate at b_w·b_a and nothing else. At 4 bits that makes the MACs cheap, and the float operations around them (BatchNorm, the quantization scales) become a large share of the real cost. The lab’s ACEv2 counts those too, so the same model costs several times more under ACEv2; quantizing BN and the scales (QuantNorm, double quantization) brings it back down.',
    watch:
      'The cost panel: ACE against ACEv2 per layer, then the claim’s second run with QuantNorm and double quantization.',
    experiment: CNN_W4A4,
    claim: {
      text: 'For this 4-bit CNN, ACEv2 is at least twice ACE (the float elementwise terms match or exceed the MAC term), and QuantNorm with double quantization lowers ACEv2.',
      predicate: 'acev2 ≥ 2·ace && acev2(quantized BN) < acev2',
      condition:
        'ACEv2 is the lab’s formulation (the paper’s equation is not public). At 8 bits the MAC term dominates and the two models agree more closely.',
      compare: { qbn: { quant: { quantNorm: true, doubleQuant: true } } },
      measure: ({ self, qbn }) => ({
        ace: ace(self),
        acev2: acev2(self),
        'acev2(quantized BN)': acev2(qbn),
        acc: acc(self),
        'acc(quantized BN)': acc(qbn),
      }),
      holds: (m) => m.acev2 >= 2 * m.ace && m['acev2(quantized BN)'] < m.acev2,
    },
  },
  ...PTQ_INPUTS,
  ...PRUNE_INPUTS,
  ...CURVATURE_INPUTS,
  ...DEPLOY_INPUTS,
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
