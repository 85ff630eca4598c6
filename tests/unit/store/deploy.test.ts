/** The deploy slice and its selectors: refusals, jobs by id, options re-asking, the numbers shown. */
import { describe, expect, it } from 'vitest';
import { createLabStore } from '../../../app/store';
import {
  dyadicSummary,
  formatBytes,
  logitRows,
  modelFormRows,
  onnxVerdict,
  shownDigit,
} from '../../../app/store/deploySelectors';
import { decodeDeployQuery, deploySearch, encodeDeployQuery } from '../../../app/store/deployQuery';
import {
  applyDeployEvents,
  type DeployJobState,
  normalizeDeployOptions,
} from '../../../app/store/deploySlice';
import { LADDER_REFUSALS } from '../../../app/store/ptqSlice';
import type { DeployResult } from '../../../app/worker/protocol';
import type { DigitInspection } from '../../../src/deploy/inspect';
import type { OnnxCheck } from '../../../src/deploy/onnxCheck';
import { DEFAULT_EXPERIMENT, experimentSchema } from '../../../src/experiment/schema';
import { recordingEffects, report } from './fixtures';

const RESULT = {
  experiment: DEFAULT_EXPERIMENT,
  status: 'completed' as const,
  testAccuracy: 0.95,
  backend: 'cpu',
  wallTimeMs: 1,
  stepsPerSec: 1,
};

function trained() {
  const { fx, calls } = recordingEffects();
  const store = createLabStore(fx);
  const s = () => store.getState();
  s().play();
  const id = s().activeRunId!;
  s().ingest([{ type: 'progress', runId: id, reports: [report(5)], stepsDone: 5, stepsPerSec: 50 }]);
  s().ingest([{ type: 'done', runId: id, status: 'completed', result: RESULT }]);
  return { store, s, calls, id };
}

const digit = (index: number): DigitInspection => ({
  index,
  label: 7,
  pixels: new Array<number>(784).fill(0),
  layers: [],
  integerLogits: [0.1, 2, -1, 0, 0, 0, 0, 3, 0, 0],
  fakeQuantLogits: [0.1, 2, -1, 0, 0, 0, 0, 2.9, 0, 3.5],
});

const integerResult = (biasFracBits: number): DeployResult => ({
  kind: 'integer',
  biasFracBits,
  evaluation: { images: 10, testAccuracy: 0.9, fakeQuantTestAccuracy: 0.9, argmaxAgreement: 1, layers: [] },
  layers: [],
  digit: digit(0),
  ms: 5,
});

const check = (agreement: number, ort: number, lab: number): OnnxCheck => ({
  runtime: 'onnxruntime-web',
  version: '1.31.1',
  images: 2000,
  testAccuracy: ort,
  labTestAccuracy: lab,
  argmaxAgreement: agreement,
  agrees: agreement >= 0.999 && Math.abs(ort - lab) * 2000 <= 1,
});

describe('deploy slice', () => {
  it('refuses without a trained model and asks nothing of the worker', () => {
    const { fx, calls } = recordingEffects();
    const store = createLabStore(fx);
    store.getState().runIntegerModel();
    store.getState().checkOnnx();
    expect(store.getState().deployInteger).toMatchObject({ status: 'error', message: LADDER_REFUSALS.none });
    expect(store.getState().deployOnnx).toMatchObject({ status: 'error', message: LADDER_REFUSALS.none });
    expect(calls.filter((c) => c[0] === 'deploy')).toEqual([]);
  });

  it('asks the worker for the run at its step, and takes only its own answer', () => {
    const { s, calls, id } = trained();
    s().runIntegerModel();
    expect(calls.filter((c) => c[0] === 'deploy')).toEqual([
      ['deploy', 'deploy-1', id, { kind: 'integer', biasFracBits: 0, digit: 0 }],
    ]);
    expect(s().deployInteger).toMatchObject({ id: 'deploy-1', runId: id, step: 5, status: 'running' });
    s().ingest([{ type: 'deployDone', jobId: 'deploy-0', result: integerResult(0) }]);
    expect(s().deployInteger?.status).toBe('running');
    s().ingest([{ type: 'deployDone', jobId: 'deploy-1', result: integerResult(0) }]);
    expect(s().deployInteger).toMatchObject({ status: 'done', result: { kind: 'integer' } });
  });

  it('re-measures on a new bias, follows a new digit, and keeps the last answer while asking', () => {
    const { s, calls, id } = trained();
    s().setDeployOptions({ digit: 3 }); // nothing measured yet: only the option changes
    expect(calls.filter((c) => c[0] === 'deploy')).toEqual([]);
    s().runIntegerModel();
    s().ingest([{ type: 'deployDone', jobId: 'deploy-1', result: integerResult(0) }]);
    s().setDeployOptions({ digit: 4.7 });
    s().setDeployOptions({ biasFracBits: 8 });
    expect(calls.filter((c) => c[0] === 'deploy').slice(1)).toEqual([
      ['deploy', 'deploy-2', id, { kind: 'digit', biasFracBits: 0, digit: 4 }],
      ['deploy', 'deploy-3', id, { kind: 'integer', biasFracBits: 8, digit: 4 }],
    ]);
    expect(s().deployInteger).toMatchObject({ status: 'running', result: { biasFracBits: 0 } });
  });

  it('ends a running job on a crash or a refusal from the worker', () => {
    const running: DeployJobState<'onnx'> = { id: 'deploy-2', runId: 'r', step: 1, status: 'running' };
    expect(applyDeployEvents(running, [{ type: 'crashed', runIds: [], message: 'boom' }])).toMatchObject({
      status: 'error',
      message: 'The training worker crashed (boom).',
    });
    const refused = applyDeployEvents(running, [
      { type: 'deployDone', jobId: 'deploy-2', message: 'layer fc1 is float (W32A32)' },
    ]);
    expect(refused).toMatchObject({ status: 'error', message: 'layer fc1 is float (W32A32)' });
  });
});

describe('deploy selectors', () => {
  it('summarizes the dyadic multipliers in a line', () => {
    expect(dyadicSummary(null)).toBe('none: the logits are read as float');
    expect(dyadicSummary({ m: [1 << 30, 3 << 29], s: [40, 40] })).toBe(
      `2 ch, m ${1 << 30}…${3 << 29}, s 40, M 0.000977…0.00146`,
    );
  });

  it("puts a digit's logits side by side with each model's pick", () => {
    const { rows, integerArgmax, fakeQuantArgmax } = logitRows(digit(2));
    expect(rows).toHaveLength(10);
    expect(rows[7]).toMatchObject({ digit: 7, integer: 3, fakeQuant: 2.9 });
    expect(rows[7]!.difference).toBeCloseTo(0.1);
    expect([integerArgmax, fakeQuantArgmax]).toEqual([7, 9]);
  });

  it('shows the newest digit among the integer and digit jobs', () => {
    const done = <K extends 'integer' | 'digit'>(id: string, result: Extract<DeployResult, { kind: K }>) => ({
      id,
      runId: 'r',
      step: 1,
      status: 'done' as const,
      result,
    });
    const integer = done('deploy-2', integerResult(0) as Extract<DeployResult, { kind: 'integer' }>);
    const later = done('deploy-10', { kind: 'digit', biasFracBits: 0, digit: digit(5), ms: 1 });
    expect(shownDigit({ deployInteger: integer, deployDigit: later })?.digit.index).toBe(5);
    expect(
      shownDigit({ deployInteger: { ...integer, id: 'deploy-11' }, deployDigit: later })?.digit.index,
    ).toBe(0);
    expect(shownDigit({ deployInteger: null, deployDigit: null })).toBeNull();
  });

  it('judges the ONNX check against the 99.9% bar and the one-in-2,000 accuracy bar', () => {
    expect(onnxVerdict(check(1, 0.95, 0.95))).toEqual({
      pass: true,
      text: 'Pass: argmax agreement 100.00% ≥ 99.9%.',
    });
    expect(onnxVerdict(check(0.998, 0.95, 0.95)).text).toBe('Fail: argmax agreement 99.80% < 99.9%.');
    expect(onnxVerdict(check(0.9995, 0.95, 0.951)).text).toMatch(/^Fail: accuracies part/);
  });

  it('prices every form: packed bits shrink with the bit width, the QDQ file is its own size', () => {
    const at = (bits: number) =>
      modelFormRows(experimentSchema.parse({ quant: { weight: { bits }, act: { bits: 8 } } }), 1234);
    const [w8, w4] = [at(8), at(4)];
    expect(w8.map((r) => r.form)).toEqual(['float', 'fakeQuant', 'qdq', 'integer']);
    expect(w8[0]!.packedBytes).toBe(w4[0]!.packedBytes); // float: 32 bits either way
    expect(w4[3]!.packedBytes).toBeLessThan(w8[3]!.packedBytes);
    expect(w8[3]!.packedBytes).toBeLessThan(w8[0]!.packedBytes / 3);
    expect(w8.map((r) => r.fileBytes)).toEqual([null, null, 1234, null]);
    expect(w8[3]!.label).toMatch(/^true integer/);
    expect([formatBytes(999), formatBytes(12_345)]).toEqual(['999 B', '12.3 kB']);
  });
});

describe('deploy options in the link', () => {
  it('writes only what differs from the defaults and reads it back', () => {
    expect(encodeDeployQuery({ biasFracBits: 0, digit: 0 })).toBe('');
    expect(encodeDeployQuery({ biasFracBits: 8, digit: 12 })).toBe('bias.8_digit.12');
    expect(decodeDeployQuery('bias.8_digit.12')).toEqual({
      options: { biasFracBits: 8, digit: 12 },
      warnings: [],
    });
    expect(deploySearch('?ws=deploy', { biasFracBits: 8, digit: 3 })).toBe(
      '?ws=deploy&deploy=bias.8_digit.3',
    );
    expect(deploySearch('?ws=deploy&deploy=digit.3', { biasFracBits: 0, digit: 0 })).toBe('?ws=deploy');
  });

  it('says what it could not read or had to change, and applies the rest', () => {
    const { options, warnings } = decodeDeployQuery('bias.5_digit.99999_nope.1');
    expect(options).toEqual({ biasFracBits: 0, digit: 1999 });
    expect(warnings).toEqual([
      'deploy option "nope.1" is not one this lab reads',
      'deploy option bias 5 became 0',
      'deploy option digit 99999 became 1999',
    ]);
    expect(normalizeDeployOptions({ digit: -3.5 })).toEqual({ biasFracBits: 0, digit: 0 });
  });
});
