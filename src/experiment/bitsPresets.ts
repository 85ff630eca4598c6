/**
 * The training lessons on where the bits go: the first and last layer at 8 bits, per-tensor vs
 * per-channel scales, a wider low-bit net against a narrower 8-bit one, and what a cost model
 * counts (see ./presets.ts for what a lesson is, and docs/lessons.md).
 */
import { acc, ace, acev2, mergePatch } from './claims';
import type { PresetInput } from './presets';
import { DSCNN_W3A8, SMALL_DATA } from './qatPresets';
import type { ExperimentInput } from './schema';

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

const merge = mergePatch;

/** The first/last, granularity, Pareto and cost lessons, in teaching order. */
export const BITS_INPUTS: PresetInput[] = [
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
];
