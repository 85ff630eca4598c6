/** The ladder as a host asks for it: normalized requests, and summarized cells over a trained MLP. */
import { describe, expect, it } from 'vitest';
import { experimentSchema } from '../../../src/experiment/schema';
import {
  LADDER_REQUEST_DEFAULTS,
  ladderColumns,
  ladderExperiment,
  ladderQatOptions,
  normalizeLadderRequest,
  runLadderRequest,
  type LadderCellSummary,
} from '../../../src/ptq/ladderRequest';
import { decodeLadderQuery, encodeLadderQuery } from '../../../src/ptq/ladderQuery';
import { useTrainedFloatMlp } from '../../helpers/trained';

describe('normalizeLadderRequest', () => {
  it('keeps known bits and rungs in table order and clamps numbers', () => {
    const r = normalizeLadderRequest({
      weightBits: [3, 8, 5],
      rungs: ['adaround', 'nearest', 'bogus'],
      adaroundIterations: 0,
      calibSize: 1e9,
      actRange: 'lsq' as never,
    });
    expect(r.weightBits).toEqual([8, 3]);
    expect(r.rungs).toEqual(['nearest', 'adaround']);
    expect(r.adaroundIterations).toBe(1);
    expect(r.calibSize).toBe(2048);
    expect(r.actRange).toBe('minmax');
    expect(normalizeLadderRequest({})).toEqual(LADDER_REQUEST_DEFAULTS);
  });

  it('keeps a second calibration source, distillation iterations and QAT steps when valid', () => {
    const r = normalizeLadderRequest({
      weightBits: [8, 4],
      compareCalibData: 'distilled',
      distillIterations: 1e6,
      qatSteps: 200,
    });
    expect(r).toMatchObject({ compareCalibData: 'distilled', distillIterations: 2000, qatSteps: 200 });
    expect(ladderColumns(r)).toEqual([
      { weightBits: 8, actBits: 8 },
      { weightBits: 8, actBits: 8, calibData: 'distilled' },
      { weightBits: 4, actBits: 8 },
      { weightBits: 4, actBits: 8, calibData: 'distilled' },
    ]);
    expect(ladderQatOptions(r)).toEqual({ steps: 200, evalEvery: 20 });
    const plain = normalizeLadderRequest({ compareCalibData: 'web' as never, qatSteps: 0 });
    expect(plain).toEqual(LADDER_REQUEST_DEFAULTS);
    expect(ladderQatOptions(plain)).toBeUndefined();
  });

  it('sets the granularity and activation range on the experiment, bits untouched', () => {
    const exp = experimentSchema.parse({ quant: { weight: { bits: 4 }, act: { range: 'ema' } } });
    const e = ladderExperiment(exp, { ...LADDER_REQUEST_DEFAULTS, perChannel: true, actRange: 'mse' });
    expect(e.quant.weight).toMatchObject({ bits: 4, perChannel: true });
    expect(e.quant.act.range).toBe('mse');
  });
});

describe('runLadderRequest', () => {
  const { exp, data, trainer } = useTrainedFloatMlp({
    hidden: [48],
    trainSize: 2000,
    testSize: 300,
    steps: 150,
  });

  it('yields one plain-data cell per rung and column, column by column', async () => {
    const req = normalizeLadderRequest({
      weightBits: [8, 2],
      rungs: ['nearest', 'adaround'],
      adaroundIterations: 20,
    });
    const cells: LadderCellSummary[] = [];
    for await (const cell of runLadderRequest(trainer().model, exp, data, req)) cells.push(cell);
    expect(cells.map((c) => `${c.rung}@${c.weightBits}`)).toEqual([
      'nearest@8',
      'adaround@8',
      'nearest@2',
      'adaround@2',
    ]);
    // Structured-clone safe: what crosses the worker boundary is plain data.
    expect(structuredClone(cells)).toEqual(cells);
    const [w8] = cells;
    expect(Math.abs(w8!.testAccuracy - w8!.floatTestAccuracy)).toBeLessThan(0.03);
    expect(cells[2]!.testAccuracy).toBeLessThan(w8!.testAccuracy);
    expect(w8!.layers.map((l) => l.name)).toEqual(['fc1', 'fc2']);
    const fc1 = cells[1]!.layers[0]!;
    expect(fc1.adaroundFlipped).toBeGreaterThanOrEqual(0);
    expect(fc1.weightRange[0]).toBeLessThan(0);
    expect(fc1.weightRange[1]).toBeGreaterThan(0);
    expect(fc1.actRange[1]).toBeGreaterThan(0);
    expect(cells[0]!.layers[0]!.adaroundFlipped).toBeUndefined();
  });

  it('with qatSteps, ends each column with a qat cell: its curve and when it passed the best rung', async () => {
    const req = normalizeLadderRequest({ weightBits: [2], rungs: ['nearest'], qatSteps: 20 });
    const cells: LadderCellSummary[] = [];
    for await (const cell of runLadderRequest(trainer().model, exp, data, req)) cells.push(cell);
    expect(cells.map((c) => `${c.rung}@${c.weightBits}`)).toEqual(['nearest@2', 'qat@2']);
    expect(cells.every((c) => c.calibData === 'train')).toBe(true);
    const qat = cells[1]!.qat!;
    expect(qat.curve.map((p) => p.step)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
    expect(qat.curve[0]!.testAccuracy).toBe(cells[0]!.testAccuracy);
    expect(qat).toMatchObject({ bestRung: 'nearest', bestAccuracy: cells[0]!.testAccuracy });
    const passed = qat.curve.find((p) => p.step > 0 && p.testAccuracy > qat.bestAccuracy);
    expect(qat.stepsToPassBest).toBe(passed?.step ?? null);
    expect(cells[1]!.testAccuracy).toBe(qat.curve.at(-1)!.testAccuracy);
  });
});

describe('the ladder in a link', () => {
  it('writes only what differs from the defaults and reads it back', () => {
    expect(encodeLadderQuery(LADDER_REQUEST_DEFAULTS)).toBe('');
    const req = normalizeLadderRequest({
      weightBits: [8, 2],
      rungs: ['nearest', 'adaround'],
      adaroundIterations: 200,
      calibData: 'distilled',
      perChannel: true,
      actRange: 'mse',
      qatSteps: 300,
    });
    const value = encodeLadderQuery(req);
    expect(value).toBe('bits.8-2_rungs.nearest-adaround_iters.200_data.distilled_pc.1_act.mse_qat.300');
    // Characters a query keeps as they are: the link stays readable.
    expect(new URLSearchParams({ ladder: value }).toString()).toBe(`ladder=${value}`);
    expect(decodeLadderQuery(value)).toEqual({ request: req, warnings: [] });
  });

  it('drops what it cannot read, says so, and applies the rest', () => {
    const { request, warnings } = decodeLadderQuery('bits.8-5_iters.x_zzz.1_qat.99999_calib.64');
    expect(request).toEqual({
      ...LADDER_REQUEST_DEFAULTS,
      weightBits: [8],
      calibSize: 64,
      qatSteps: 5000,
    });
    expect(warnings).toEqual([
      'ladder option "iters.x" is not one this lab reads',
      'ladder option "zzz.1" is not one this lab reads',
      'ladder option bits 8-5 became 8',
      'ladder option qat 99999 became 5000',
    ]);
  });
});
