/**
 * Pure selectors of the Deploy workspace (docs/integer.md §6): what each model form is and what it
 * weighs, the dyadic multipliers in a line, a digit's logits side by side, the ONNX check's verdict.
 */
import type { DigitInspection, IntegerLayerView } from '../../src/deploy/inspect';
import { MODEL_FORM_LABELS, type ModelForm, packedBytes } from '../../src/deploy/modelForms';
import { argmaxRows, MIN_AGREEMENT } from '../../src/deploy/agreement';
import type { OnnxCheck } from '../../src/deploy/onnxCheck';
import type { Experiment } from '../../src/experiment/schema';
import { deployJobNumber } from './deploySlice';
import type { LabState } from './types';

/** One row of the model-forms table. */
export interface ModelFormRow {
  form: ModelForm;
  label: string;
  /** Weights packed at their bit widths (the float form at 32 bits). */
  packedBytes: number;
  /** The exported file's size (the QDQ form, once exported). */
  fileBytes: number | null;
}

/** Every form the workspace shows, priced on the run's experiment. */
export function modelFormRows(exp: Experiment, onnxBytes: number | null): ModelFormRow[] {
  return (['float', 'fakeQuant', 'qdq', 'integer'] as const).map((form) => ({
    form,
    label: MODEL_FORM_LABELS[form],
    packedBytes: packedBytes(exp, form),
    fileBytes: form === 'qdq' ? onnxBytes : null,
  }));
}

/** The per-channel dyadic multipliers in a line: channel count, mantissa and shift ranges, M's range. */
export function dyadicSummary(requant: IntegerLayerView['requant']): string {
  if (!requant) return 'none: the logits are read as float';
  const { m, s } = requant;
  const M = m.map((mi, i) => mi * 2 ** -s[i]!);
  const range = (xs: number[], fmt: (x: number) => string) => {
    const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
    return lo === hi ? fmt(lo) : `${fmt(lo)}…${fmt(hi)}`;
  };
  return `${m.length} ch, m ${range(m, String)}, s ${range(s, String)}, M ${range(M, (x) => x.toPrecision(3))}`;
}

/** One class of a digit's logits. */
export interface LogitRow {
  digit: number;
  integer: number;
  fakeQuant: number;
  difference: number;
}

/** The digit's logits per class, with the argmax of each model. */
export function logitRows(d: DigitInspection): {
  rows: LogitRow[];
  integerArgmax: number;
  fakeQuantArgmax: number;
} {
  const rows = d.integerLogits.map((v, k) => ({
    digit: k,
    integer: v,
    fakeQuant: d.fakeQuantLogits[k]!,
    difference: v - d.fakeQuantLogits[k]!,
  }));
  const argmax = (xs: number[]) => argmaxRows(xs, xs.length)[0]!;
  return {
    rows,
    integerArgmax: argmax(d.integerLogits),
    fakeQuantArgmax: argmax(d.fakeQuantLogits),
  };
}

/** The digit on screen: the newest answer among the integer job's and the digit job's. */
export function shownDigit(
  s: Pick<LabState, 'deployInteger' | 'deployDigit'>,
): { digit: DigitInspection; biasFracBits: number } | null {
  const candidates = [s.deployInteger, s.deployDigit]
    .filter((j) => j?.result !== undefined)
    .sort((a, b) => deployJobNumber(b!.id) - deployJobNumber(a!.id));
  const newest = candidates[0]?.result;
  return newest ? { digit: newest.digit, biasFracBits: newest.biasFracBits } : null;
}

/** The ONNX check in words: pass or fail against the lab's bar, and why. */
export function onnxVerdict(check: OnnxCheck): { pass: boolean; text: string } {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const bar = `${(100 * MIN_AGREEMENT).toFixed(1)}%`;
  if (check.agrees)
    return { pass: true, text: `Pass: argmax agreement ${pct(check.argmaxAgreement)} ≥ ${bar}.` };
  const why =
    check.argmaxAgreement < MIN_AGREEMENT
      ? `argmax agreement ${pct(check.argmaxAgreement)} < ${bar}`
      : `accuracies part by more than one digit in 2,000 (${pct(check.testAccuracy)} against ${pct(check.labTestAccuracy)})`;
  return { pass: false, text: `Fail: ${why}.` };
}

/** Bytes as text: "1,234 B" below 10 kB, else kB with one decimal. */
export function formatBytes(n: number): string {
  return n < 10_000 ? `${n.toLocaleString('en')} B` : `${(n / 1000).toFixed(1)} kB`;
}
