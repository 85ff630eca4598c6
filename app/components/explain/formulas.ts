/**
 * Every formula the UI explains, filled in with live numbers: ONE place for the strings, pure
 * functions of plain data (Node-tested in tests/unit/explain). Components render an
 * {@link Explanation} with `<Explain>`; they build it only when the tooltip opens.
 *
 * Notation as in docs/science.md: q = clamp(round(x/s) + z, q_min, q_max), x̂ = s·(q − z), v = x/s + z.
 */
import { formatCount } from '../../../src/cost/format';
import { costAxisDef } from '../../../src/cost/axes';
import { ELEMENTWISE_KINDS } from '../../../src/cost/terms';
import type { CostAxis, CostReport, LayerCost } from '../../../src/cost/types';
import { estimatorDerivative, resolveParam } from '../../../src/estimators/registry';
import { roundHalfEven } from '../../../src/estimators/periodic';
import type { EstimatorSpec } from '../../../src/estimators/types';
import { FLOAT_BITS, type Experiment, type SignedGrid } from '../../../src/experiment/schema';
import { layerKindDef } from '../../../src/models/layers/registry';
import { describeModel, type LayerSpec } from '../../../src/models/spec';
import { isSignedRole, makeGrid } from '../../../src/quant/grid';
import type { Grid, QuantRole } from '../../../src/quant/types';
import type { TwinPoint } from '../../../src/train/types';

/** One formula: what it computes, the general form, and the same with the live values filled in. */
export interface FormulaLine {
  label: string;
  formula: string;
  filled: string;
}

/** What a tooltip shows: a title, formula lines, and plain-language notes (conventions, gaps). */
export interface Explanation {
  title: string;
  lines: FormulaLine[];
  notes: string[];
}

/** A number for a formula: integers as is, others to 4 significant digits; a true minus sign. */
export function num(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const text = Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(4)));
  return text.replace(/^-/, '−');
}

/** A share 0–1 as a percentage with one decimal. */
export const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

/**
 * The integer grid of a layer's weights or input activations, as the quantizer builds it
 * (src/quant/quantizer.ts gridFor): weights signed, activations unsigned when symmetric, every
 * asymmetric grid [0, 2^b − 1]; `signedGrid` as the config's (docs/conventions.md §1).
 */
export function gridOf(
  bits: number,
  symmetric: boolean,
  role: QuantRole,
  signedGrid: SignedGrid = 'qmax',
): Grid {
  return makeGrid(bits, {
    symmetric,
    signed: isSignedRole(role),
    narrowRange: signedGrid === 'narrow',
    fullRange: signedGrid === 'full',
  });
}

/** "3-bit signed symmetric grid [−4, 3]". */
export function describeGrid(grid: Grid, symmetric: boolean): string {
  if (grid.bits >= FLOAT_BITS) return 'float (no grid)';
  const kind = !symmetric ? 'asymmetric' : grid.qmin < 0 ? 'signed symmetric' : 'unsigned symmetric';
  return `${grid.bits}-bit ${kind} grid [${num(grid.qmin)}, ${num(grid.qmax)}] (${grid.qmax - grid.qmin + 1} levels)`;
}

// ---------------------------------------------------------------------------------------------
// The lab's own conventions, named where they apply (the "i" notes)

/** Short notes on conventions a student meets next to a control or chart. */
export const CONVENTIONS = {
  pixels:
    'Inputs: MNIST pixels are scaled to x = pixel/255 ∈ [0, 1] (src/data/batches.ts), so the first layer’s input activations are non-negative.',
  grids:
    'Grids: symmetric weights use the full signed grid q ∈ [−2^(b−1), 2^(b−1)−1] with z = 0 (3 bits: [−4, 3], 8 levels) with s = max|x|/qmax, so a min-max range uses 7 of them; Conventions → signed grid offers the narrow grid or PyTorch’s full-range scale. Symmetric activations use [0, 2^b−1] (inputs are pixels or ReLU outputs). Asymmetric grids are [0, 2^b−1] with a zero point z = round(−x_min/s).',
  ewgs: 'EWGS δ is in code units: the gradient is scaled by 1 + δ·sign(g)·(v − round(v)), with v = x/s + z and |v − round(v)| ≤ ½, so δ = 0.2 changes a gradient by at most ±10%. Conventions → EWGS δ units takes the paper’s δ, which is (2^b − 1) times larger.',
  mse: 'MSE range: a 1-D search over a shrink factor k/100 (k = 1…100) of the min–max range, keeping the range with the smallest Σ(x − x̂)². Asymmetric ranges shrink both ends together, so z stays put (Conventions → MSE search 2d also moves the range). Re-run every 100 training calls.',
} as const;

// ---------------------------------------------------------------------------------------------
// One weight

/** One sampled weight at one report. */
export interface WeightValues {
  /** Latent (float) weight x. */
  x: number;
  /** Scale s (the layer's; see `scaleNote`). */
  s: number;
  /** Zero point z. */
  z: number;
  grid: Grid;
  symmetric: boolean;
  estimator: EstimatorSpec;
  frozen?: boolean;
  /** The integer code the worker reported, to check the formula against. */
  reportedCode?: number;
  /** Why s or z may not be this weight's exact value (e.g. per-channel scale not reported). */
  gaps?: string[];
}

/** How a layer's weights are quantized, from the run's experiment. */
export interface WeightQuantInfo {
  grid: Grid;
  symmetric: boolean;
  estimator: EstimatorSpec;
  /** What the report does not give exactly for one weight. */
  gaps: string[];
}

/** The weight quantizer of `layer` in `exp` (null for an unknown or float layer). */
export function weightQuantInfo(exp: Experiment, layer: string): WeightQuantInfo | null {
  const spec = describeModel(exp).find((l) => l.name === layer);
  if (!spec || spec.weightBits >= FLOAT_BITS) return null;
  const { symmetric, perChannel, signedGrid } = exp.quant.weight;
  const gaps = perChannel
    ? [
        `Per-channel: s${symmetric ? '' : ' and z'} shown are the layer’s mean over channels; this weight’s own channel scale is not reported.`,
      ]
    : [];
  const grid = gridOf(spec.weightBits, symmetric, 'weight', signedGrid);
  return { grid, symmetric, estimator: exp.estimator, gaps };
}

/** What the backward pass does to a weight's gradient. */
export interface GradientVerdict {
  passes: boolean;
  /** Multiplier of the gradient (EWGS: for a positive gradient). */
  factor: number;
  line: FormulaLine;
}

/**
 * The estimator's gradient rule at v = x/s + z (docs/science.md §1; src/estimators/*), with the
 * spec's clip mask (src/estimators/conventions.ts) applied.
 */
export function gradientOf(v: number, grid: Grid, estimator: EstimatorSpec, frozen = false): GradientVerdict {
  const label = 'gradient ∂x̂/∂x';
  if (frozen)
    return {
      passes: false,
      factor: 0,
      line: { label, formula: 'frozen weight: its code is fixed', filled: 'no gradient (×0)' },
    };
  const tested = estimator.maskOn === 'rounded' ? roundHalfEven(v) : v;
  const inside = tested >= grid.qmin && tested <= grid.qmax;
  const range = `[${num(grid.qmin)}, ${num(grid.qmax)}]`;
  if (estimator.clipMask && estimator.name !== 'clipped-ste' && !inside)
    return {
      passes: false,
      factor: 0,
      line: {
        label,
        formula: `${estimator.name} with the clip mask: 0 outside the grid`,
        filled: `v = ${num(v)} outside ${range} → masked (×0)`,
      },
    };
  switch (estimator.name) {
    case 'ste':
      return {
        passes: true,
        factor: 1,
        line: {
          label,
          formula: 'STE: 1 everywhere (the lab’s STE passes the clamp too)',
          filled: `v = ${num(v)} → passes (×1)`,
        },
      };
    case 'clipped-ste':
      return {
        passes: inside,
        factor: inside ? 1 : 0,
        line: {
          label,
          formula: `clipped STE: 1 if q_min ≤ ${tested === v ? 'v' : 'round(v)'} ≤ q_max, else 0 (v = x/s + z)`,
          filled: inside
            ? `v = ${num(v)} ∈ ${range} → passes (×1)`
            : `v = ${num(v)} outside ${range} → masked (×0)`,
        },
      };
    case 'ewgs': {
      const delta = resolveParam(estimator, grid.bits);
      const off = v - roundHalfEven(v);
      const up = 1 + delta * off;
      const down = 1 - delta * off;
      return {
        passes: true,
        factor: up,
        line: {
          label,
          formula: 'EWGS: ×(1 + δ·sign(g)·(v − round(v))), δ in code units',
          filled: `δ = ${num(delta)}, v − round(v) = ${num(off)} → passes, ×${num(up)} if g > 0, ×${num(down)} if g < 0`,
        },
      };
    }
    default: {
      const d = estimatorDerivative(estimator, v);
      return {
        passes: d > 0,
        factor: d,
        line: {
          label,
          formula: `${estimator.name}: ×Q̂′(v), the surrogate derivative (no mask outside the grid)`,
          filled: `Q̂′(${num(v)}) = ${num(d)} → ${d > 0 ? 'passes' : 'masked'} (×${num(d)})`,
        },
      };
    }
  }
}

/** Fake quantization of one weight, every step filled in. */
export function explainWeight(
  w: WeightValues,
): Explanation & { q: number; xHat: number; v: number; gradient: GradientVerdict } {
  const { x, s, z, grid } = w;
  const ratio = x / s;
  const rounded = roundHalfEven(ratio);
  const q = Math.min(Math.max(rounded + z, grid.qmin), grid.qmax);
  const xHat = s * (q - z);
  const v = ratio + z;
  const gradient = gradientOf(v, grid, w.estimator, w.frozen);
  const notes = [...(w.gaps ?? [])];
  if (w.frozen) notes.push('Frozen: the network uses the code fixed at freezing time, whatever x does now.');
  else if (w.reportedCode !== undefined && w.reportedCode !== q)
    notes.push(
      `The worker reported code ${num(w.reportedCode)}: the scale shown is not exactly this weight’s.`,
    );
  return {
    title: 'One weight, fake-quantized',
    q,
    xHat,
    v,
    gradient,
    notes,
    lines: [
      { label: 'latent weight', formula: 'x', filled: `x = ${num(x)}` },
      { label: 'scale, zero point', formula: 's, z', filled: `s = ${num(s)}, z = ${num(z)}` },
      { label: 'grid', formula: 'q ∈ [q_min, q_max]', filled: describeGrid(grid, w.symmetric) },
      {
        label: 'integer code',
        formula: 'q = clamp(round(x/s) + z, q_min, q_max)',
        filled: `q = clamp(round(${num(ratio)}) + ${num(z)}, ${num(grid.qmin)}, ${num(grid.qmax)}) = ${num(q)}`,
      },
      {
        label: 'quantized weight',
        formula: 'x̂ = s·(q − z)',
        filled: `x̂ = ${num(s)}·(${num(q)} − ${num(z)}) = ${num(xHat)}`,
      },
      gradient.line,
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Loss and accuracy

/** Where a metric was measured. */
export type MetricSplit = 'train' | 'test' | 'testBn';

export interface MetricValues {
  metric: 'loss' | 'accuracy';
  split: MetricSplit;
  value: number;
  step: number;
  batchSize: number;
  testSize: number;
  /** Training batches used to re-estimate BN statistics (split `testBn`). */
  reestimateBatches?: number;
}

/** Loss or accuracy, saying what it was measured on. */
export function explainMetric(m: MetricValues): Explanation {
  const n = m.split === 'train' ? m.batchSize : m.testSize;
  const where =
    m.split === 'train'
      ? `the ${n} images of the training batch of step ${m.step}`
      : `all ${n} images of the test split, at step ${m.step}`;
  const notes =
    m.split === 'testBn'
      ? [`BN statistics re-estimated first over ${m.reestimateBatches ?? '?'} training batches.`]
      : m.split === 'train'
        ? ['Measured on one batch: noisy, and on images the model trains on.']
        : ['Images the model never trains on.'];
  if (m.metric === 'loss') {
    if (m.split === 'train') notes.push('Task loss only: dampening and weight decay terms are not included.');
    return {
      title: m.split === 'train' ? 'Training loss' : 'Test loss',
      notes,
      lines: [
        {
          label: 'cross-entropy',
          formula: 'L = −(1/N)·Σᵢ log p(yᵢ | xᵢ)',
          filled: `N = ${n} (${where}): L = ${num(m.value)}`,
        },
      ],
    };
  }
  const correct = Math.round(m.value * n);
  return {
    title: m.split === 'train' ? 'Training-batch accuracy' : 'Test accuracy',
    notes,
    lines: [
      {
        label: 'accuracy',
        formula: 'correct / N',
        filled: `${correct} / ${n} = ${pct(m.value)} (${where})`,
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Oscillations

export interface OscillationValues {
  momentum: number;
  reportThreshold: number;
  /** f_th at the end of training; 0 = freezing off. */
  freezeThreshold: number;
  layer?: string;
  /** Latest oscillating / frozen fraction of `layer`. */
  oscillatingFraction?: number;
  frozenFraction?: number;
  step?: number;
}

/** The EMA frequency and the fractions built on it (docs/science.md §2, src/train/oscillation.ts). */
export function explainOscillation(o: OscillationValues): Explanation {
  const m = num(o.momentum);
  const lines: FormulaLine[] = [
    {
      label: 'oscillation event',
      formula: 'osc = 1 when a code change reverses the previous change (+1 then −1, or −1 then +1)',
      filled: 'checked every step on the integer code q',
    },
    {
      label: 'frequency (EMA)',
      formula: 'f ← m·osc + (1 − m)·f, f₀ = 0',
      filled: `f ← ${m}·osc + ${num(1 - o.momentum)}·f`,
    },
    {
      label: 'oscillating fraction',
      formula: '#{weights with f > threshold} / #{tracked weights}',
      filled:
        o.oscillatingFraction === undefined
          ? `threshold = ${num(o.reportThreshold)}`
          : `threshold = ${num(o.reportThreshold)}; ${o.layer} at step ${o.step}: ${pct(o.oscillatingFraction)}`,
    },
  ];
  if (o.freezeThreshold > 0)
    lines.push({
      label: 'frozen fraction',
      formula:
        'a weight freezes once f > f_th(t); f_th falls by cosine from 10·f_th to f_th after 25% of training',
      filled: `f_th = ${num(o.freezeThreshold)}${o.frozenFraction === undefined ? '' : `; frozen now: ${pct(o.frozenFraction)}`}`,
    });
  return {
    title: 'Oscillation frequency',
    lines,
    notes: [
      `With m = ${m}, f is roughly the share of the last ~${Math.round(1 / o.momentum)} steps that were oscillations.`,
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Twin runs

/** The twin agreement metrics at one point (docs/science.md §1). */
export function explainTwin(p: TwinPoint): Explanation {
  return {
    title: 'Twin agreement',
    lines: [
      {
        label: 'identical integer weights',
        formula: 'mean(q_STE == q_other) over all weights',
        filled: `${pct(p.agreement)} at step ${p.step}`,
      },
      {
        label: 'alignment error',
        formula: '‖w_other − w_STE‖ / ‖w_STE‖ (with the SGD mapping: ‖M(w_other) − w_STE‖ / ‖w_STE‖)',
        filled: `${num(p.alignmentError)} at step ${p.step}`,
      },
      {
        label: 'same latent sign',
        formula: 'mean(sign(w_STE) == sign(w_other))',
        filled: pct(p.signAgreement),
      },
    ],
    notes: ['Both twins start from the same seed and see the same batches.'],
  };
}

// ---------------------------------------------------------------------------------------------
// Cost of one layer

/** MACs of a layer from its shapes, as its kind spells them out (src/models/layers). */
export function macsLine(spec: LayerSpec): FormulaLine {
  return { label: 'MACs per image', ...layerKindDef(spec.kind).macsFormula(spec) };
}

const bitsText = (b: number, floatBits: number) => (b >= FLOAT_BITS ? `${floatBits} (float)` : String(b));

/** MACs, BOPs, ACE, the lab's ACEv2 and size of one layer, filled in from its cost report. */
export function explainLayerCost(
  cost: LayerCost,
  spec: LayerSpec | undefined,
  floatBits: number,
): Explanation {
  const bw = bitsText(cost.weightBits, 32);
  const ba = bitsText(cost.actBits, 32);
  const lines: FormulaLine[] = [];
  if (spec) lines.push(macsLine(spec));
  else lines.push({ label: 'MACs per image', formula: 'Σ over layers', filled: `${cost.macs}` });
  lines.push(
    {
      label: 'BOPs',
      formula: 'MACs·b_w·b_a (float = 32)',
      filled: `${cost.macs}·${bw}·${ba} = ${cost.bops} (${formatCount(cost.bops)})`,
    },
    {
      label: 'ACE',
      formula: `MACs·b_w·b_a (float priced at ${floatBits})`,
      filled: `${cost.macs}·${bitsText(cost.weightBits, floatBits)}·${bitsText(cost.actBits, floatBits)} = ${cost.ace} (${formatCount(cost.ace)})`,
    },
  );
  const b = cost.acev2Breakdown;
  const parts = ELEMENTWISE_KINDS.filter((k) => b[k] > 0).map((k) => `${formatCount(b[k])} ${k}`);
  lines.push({
    label: 'ACEv2 (the lab’s)',
    formula: 'ACE + Σ elementwise ops (requant scale, bias, BN, ReLU, pooling) at their bit widths',
    filled: `${formatCount(b.mac)} ACE${parts.length ? ` + ${parts.join(' + ')}` : ''} = ${formatCount(cost.acev2)}`,
  });
  const sz = cost.sizeBreakdown;
  lines.push({
    label: 'size',
    formula: '#weights·b_w + bias + BN params + scales/zero points, in bits; bytes = bits/8',
    filled: `${spec ? `${spec.weightCount}·${bw}` : sz.weights} + ${sz.bias} + ${sz.bn} + ${sz.scales} = ${cost.sizeBits} bits = ${num(cost.sizeBits / 8)} B`,
  });
  return {
    title: `Cost of ${cost.name}, per image`,
    lines,
    notes: ['ACEv2 is the lab’s own formula: PikeLPN’s exact equation is not verified.'],
  };
}

/** The model totals: each cost summed over its layers, the sum spelled out. */
export function explainCostTotal(report: CostReport): Explanation {
  const sum = (
    k: 'macs' | 'bops' | 'ace' | 'acev2' | 'sizeBits',
    label: string,
    formula: string,
  ): FormulaLine => ({
    label,
    formula,
    filled: `${report.layers.map((l) => formatCount(l[k])).join(' + ')} = ${formatCount(report.total[k])}`,
  });
  return {
    title: 'Cost of the whole model, per image',
    lines: [
      sum('macs', 'MACs per image', 'Σ_layers MACs'),
      sum('bops', 'BOPs', 'Σ_layers MACs·b_w·b_a'),
      sum('ace', 'ACE', 'Σ_layers MACs·b_w·b_a'),
      sum('acev2', 'ACEv2 (the lab’s)', 'Σ_layers ACEv2'),
      {
        label: 'size',
        formula: 'Σ_layers size bits / 8',
        filled: `${report.total.sizeBits} bits = ${num(report.total.sizeBits / 8)} B`,
      },
    ],
    notes: ['ACEv2 is the lab’s own formula: PikeLPN’s exact equation is not verified.'],
  };
}

/** The explanation of a cost row by name: a layer, or `total`. */
export function explainCostRow(report: CostReport, specs: LayerSpec[], name: string): Explanation | null {
  if (name === 'total') return explainCostTotal(report);
  const cost = report.layers.find((l) => l.name === name);
  return cost
    ? explainLayerCost(
        cost,
        specs.find((l) => l.name === name),
        report.options.floatBits,
      )
    : null;
}

/** A Pareto point: its final test accuracy and its cost on the plotted axis, summed over layers. */
export function explainParetoPoint(
  p: { testAccuracy: number; experiment: Experiment },
  report: CostReport,
  axis: CostAxis,
): Explanation {
  const accuracy = explainMetric({
    metric: 'accuracy',
    split: 'test',
    value: p.testAccuracy,
    step: p.experiment.train.steps,
    batchSize: p.experiment.train.batchSize,
    testSize: p.experiment.data.testSize,
  });
  const line = costAxisDef(axis).explainLine;
  const cost = line ? explainCostTotal(report).lines.find((l) => l.label === line) : undefined;
  return {
    title: 'This point',
    lines: cost ? [...accuracy.lines, cost] : accuracy.lines,
    notes: [
      'Accuracy at the end of the run, on the test split; cost per image, from the model and its bits.',
    ],
  };
}

/** One row of the bits table: the layer's weight and input grids and its weight storage. */
export function explainLayerBits(spec: LayerSpec, exp: Experiment): Explanation {
  const w = gridOf(spec.weightBits, exp.quant.weight.symmetric, 'weight', exp.quant.weight.signedGrid);
  const a = gridOf(spec.actBits, exp.quant.act.symmetric, 'act', exp.quant.act.signedGrid);
  const bits = spec.weightCount * spec.weightBits;
  return {
    title: `Layer ${spec.name}`,
    lines: [
      {
        label: 'weight grid',
        formula: 'q = clamp(round(x/s) + z, q_min, q_max)',
        filled: describeGrid(w, exp.quant.weight.symmetric),
      },
      {
        label: 'input grid',
        formula: 'q = clamp(round(x/s) + z, q_min, q_max)',
        filled: describeGrid(a, exp.quant.act.symmetric),
      },
      {
        label: 'weight storage',
        formula: '#weights·b_w bits (scales and bias extra)',
        filled: `${spec.weightCount}·${spec.weightBits} = ${bits} bits = ${num(bits / 8)} B`,
      },
    ],
    notes: spec.name === 'fc1' || spec.name === 'conv1' ? [CONVENTIONS.pixels] : [],
  };
}
