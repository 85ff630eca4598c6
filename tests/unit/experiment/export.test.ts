import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CSV_HEADER,
  csvCell,
  diffExperiments,
  experimentToJson,
  exportFileName,
  type ExportableRun,
  flattenExperiment,
  parseCsv,
  parseRunFile,
  parseRunFileText,
  resultToJson,
  runsToCsv,
} from '../../../src/experiment/export';
import { getPreset } from '../../../src/experiment/presets';
import { DEFAULT_EXPERIMENT } from '../../../src/experiment/schema';
import type { HistoryPoint, RunResult } from '../../../src/train/types';

const history: HistoryPoint[] = [
  { step: 10, loss: 2.1, trainAccuracy: 0.2, lr: 1e-3 },
  { step: 20, loss: 1.5, trainAccuracy: 0.5, lr: 1e-3, testAccuracy: 0.55, testLoss: 1.4 },
  { step: 30, loss: NaN, trainAccuracy: 0.1, lr: 1e-3 },
];

const runs: ExportableRun[] = [
  { id: 'r1', name: 'plain', status: 'completed', experiment: DEFAULT_EXPERIMENT, history },
  {
    id: 'r2',
    name: 'has "quotes", commas\nand a newline',
    status: 'diverged',
    experiment: getPreset('twin-sgd-cosine-vs-ste-mapped')!.experiment,
    history: history.slice(0, 2),
  },
  {
    id: 'r3',
    name: '=HYPERLINK("http://evil")',
    status: 'stopped',
    experiment: DEFAULT_EXPERIMENT,
    history: [],
  },
];

const result: RunResult = {
  experiment: DEFAULT_EXPERIMENT,
  status: 'completed',
  testAccuracy: 0.93,
  history,
  backend: 'wasm',
  wallTimeMs: 1234,
  stepsPerSec: 50,
  oscillation: {
    fraction: 0.01,
    frozenFraction: 0,
    history: [{ step: 10, fraction: 0.02, frozenFraction: 0 }],
    layers: {},
  },
};
/** The runner's `cost` block is kept as written (checked loosely: it comes from src/cost). */
const COST = { total: { ace: 1 } };

describe('runsToCsv / parseCsv', () => {
  it('writes one row per history point and parses back', () => {
    const rows = parseCsv(runsToCsv(runs));
    expect(rows[0]).toEqual(CSV_HEADER);
    expect(rows).toHaveLength(1 + 3 + 2);
    const records = rows.slice(1).map((r) => Object.fromEntries(CSV_HEADER.map((h, i) => [h, r[i]])));
    expect(records.map((r) => [r.runId, r.step, r.loss, r.testAccuracy])).toEqual([
      ['r1', '10', '2.1', ''],
      ['r1', '20', '1.5', '0.55'],
      ['r1', '30', 'NaN', ''],
      ['r2', '10', '2.1', ''],
      ['r2', '20', '1.5', '0.55'],
    ]);
    expect(records[3].runName).toBe(runs[1].name);
    expect(records[3]['train.optimizer']).toBe('sgd');
    expect(records[3]['twin.map']).toBe('true');
    expect(records[0]['twin.map']).toBe('');
    expect(records[0]['model.hidden']).toBe('256x256');
    expect(records[0]['quant.weight.bits']).toBe('4');
  });

  it('round-trips any cell text through quoting', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { minLength: 2, maxLength: 5 }), {
          minLength: 1,
          maxLength: 5,
        }),
        (table) => {
          // A cell starting with a formula character gets a leading apostrophe (CSV-injection guard).
          const expected = table.map((row) => row.map((c) => (/^[=+\-@\t\r]/.test(c) ? `'${c}` : c)));
          const text = table.map((row) => row.map(csvCell).join(',')).join('\r\n');
          expect(parseCsv(text)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('defuses formulas in names but not negative numbers', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell(-0.5)).toBe('-0.5');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
  });

  it('parses LF files and a last line without line end', () => {
    expect(parseCsv('a,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(parseCsv('a,"x\r\ny"\r\n')).toEqual([['a', 'x\r\ny']]);
    expect(parseCsv('')).toEqual([]);
  });
});

describe('flattenExperiment / diffExperiments', () => {
  it('lists dotted paths that differ', () => {
    expect(flattenExperiment(DEFAULT_EXPERIMENT)['quant.act.range']).toBe('ema');
    const other = { ...DEFAULT_EXPERIMENT, seed: 2, train: { ...DEFAULT_EXPERIMENT.train, lr: 0.1 } };
    expect(diffExperiments(DEFAULT_EXPERIMENT, other)).toEqual(['seed', 'train.lr']);
    expect(diffExperiments(DEFAULT_EXPERIMENT, DEFAULT_EXPERIMENT, other)).toEqual(['seed', 'train.lr']);
  });
});

describe('parseRunFile', () => {
  it('opens a runner result, turning JSON nulls back into NaN', () => {
    const r = parseRunFileText(JSON.stringify({ ...result, cost: COST }));
    expect(r.ok).toBe(true);
    if (!r.ok || r.value.kind !== 'result') return;
    expect(r.value.result.testAccuracy).toBe(0.93);
    expect(r.value.result.history[2].loss).toBeNaN();
    expect(r.value.result.cost).toEqual(COST);
    expect(r.value.result.experiment).toEqual(DEFAULT_EXPERIMENT);
    expect({ ...r.value.result, history: [] }).toEqual({ ...result, cost: COST, history: [] });
    expect(parseRunFileText(resultToJson(result)).ok).toBe(true);
  });

  it('opens an experiment file, including partial and v0 files', () => {
    const exp = getPreset('w2a2-mlp')!.experiment;
    expect(parseRunFileText(experimentToJson(exp))).toEqual({
      ok: true,
      value: { kind: 'experiment', experiment: exp, warnings: [] },
    });
    const partial = parseRunFile({ seed: 3 });
    expect(partial.ok && partial.value.kind === 'experiment' && partial.value.experiment.seed).toBe(3);
    const v0 = parseRunFile({ bits: 2, lr: 0.1 });
    expect(v0.ok && v0.value.kind === 'experiment' && v0.value.experiment.quant.weight.bits).toBe(2);
    expect(v0.ok && v0.value.warnings[0]).toMatch(/v0/);
  });

  it('gives clear errors', () => {
    const err = (x: unknown) => {
      const r = parseRunFile(x);
      return r.ok ? 'ok' : r.error;
    };
    expect(err([1])).toMatch(/^not a Quant Lab file/);
    expect(err({ quant: { weight: { bits: 1 } } })).toMatch(/^experiment file: quant\.weight\.bits: /);
    expect(err({ ...result, status: 'exploded' })).toMatch(/^run result file: status: /);
    expect(err({ ...result, history: [{ step: 'x' }] })).toMatch(/^run result file: history\.0\.step: /);
    expect(err({ ...result, experiment: { version: 9 } })).toMatch(
      /^run result file, experiment: .*newer version \(v9\)/,
    );
    const bad = parseRunFileText('{"seed": 1,');
    expect(!bad.ok && bad.error).toMatch(/^not a JSON file/);
  });
});

describe('exportFileName', () => {
  it('makes a safe name', () => {
    expect(exportFileName('W4 MLP / run #2', 'json')).toBe('quant-lab-w4-mlp-run-2.json');
    expect(exportFileName('', 'csv')).toBe('quant-lab.csv');
  });
});
