/**
 * `quant-lab mixed` end to end on a small CNN checkpoint: the allocation stays within its budget,
 * its cost is what `quant-lab cost --layer-bits` prices, the infeasible budget exits 4 naming the
 * smallest budget, and `run --layer-bits` trains with the allocation's bits.
 *
 * The traces come from a trace function written for these tests (the Hessian analysis provides the
 * real one): deeper layers get a larger trace per weight, so Ω differs across layers.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main as cost } from '../../../src/cli/cost';
import { runMixed } from '../../../src/cli/mixed';
import { main as run } from '../../../src/cli/run';
import type { LayerTraceFn } from '../../../src/mixed/sensitivity';

const dir = mkdtempSync(join(tmpdir(), 'ql-mixed-'));
const ckpt = join(dir, 'cnn.ckpt.json');
const COMMON = ['--backend', 'cpu', '--quiet'];

/** Test-only traces: layer l's trace per weight is (l + 1)·0.01. */
const testTraces: LayerTraceFn = (model, _data, options) => {
  expect(options.probes).toBeGreaterThan(0);
  return Promise.resolve(
    model.layers.map((l, i) => {
      const params = l.spec.weightCount;
      return { name: l.spec.name, params, trace: (i + 1) * 0.01 * params, traceStdErr: 0 };
    }),
  );
};

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const code = await fn();
  vi.restoreAllMocks();
  return { code, out: out.join('\n'), err: err.join('\n') };
}
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

beforeAll(async () => {
  const float = ['--weight-bits', '32', '--act-bits', '32', '--batch-size', '16', '--steps', '30'];
  const args = [...COMMON, ...float, '--model', 'cnn', '--width', '0.25', '--test-size', '128'];
  expect(await run([...args, '--checkpoint', ckpt, '--out', join(dir, 'r.json')])).toBe(0);
});
afterEach(() => vi.restoreAllMocks());

/** The BOPs of every layer at `bits` (weights and activations), from `quant-lab cost`. */
async function uniformBops(bits: number): Promise<number> {
  const out = join(dir, `cost${bits}.json`);
  const flags = ['--model', 'cnn', '--width', '0.25', '--weight-bits', `${bits}`, '--act-bits', `${bits}`];
  expect(await cost([...flags, '--json', '--out', out])).toBe(0);
  return readJson(out).total.bops as number;
}

describe('quant-lab mixed', () => {
  it('allocates within the budget at the cost quant-lab cost prices, and run trains it', async () => {
    const budget = Math.round(((await uniformBops(4)) + (await uniformBops(8))) / 2);
    const out = join(dir, 'alloc.json');
    const args = [
      ...COMMON,
      '--from',
      ckpt,
      '--budget-bops',
      `${budget}`,
      '--bits',
      '2,4,8',
      '--random',
      '2',
    ];
    const { code } = await capture(() => runMixed([...args, '--out', out], testTraces));
    expect(code).toBe(0);
    const alloc = readJson(out);
    expect(alloc.layers.map((l: { name: string }) => l.name)).toEqual(['conv1', 'conv2', 'fc']);
    for (const l of alloc.layers) expect(l.actBits).toBe(l.weightBits);
    expect(alloc.cost.bops).toBeLessThanOrEqual(budget);
    expect(alloc.uniform.bits).toBe(4);
    expect(alloc.objective).toBeLessThanOrEqual(alloc.uniform.objective);
    for (const r of alloc.random) {
      expect(r.cost.bops).toBeLessThanOrEqual(budget);
      expect(alloc.objective).toBeLessThanOrEqual(r.objective);
    }
    const priced = join(dir, 'priced.json');
    const flags = ['--model', 'cnn', '--width', '0.25', '--layer-bits', out, '--json', '--out', priced];
    expect(await cost(flags)).toBe(0);
    const { total } = readJson(priced);
    expect(alloc.cost).toEqual({ bops: total.bops, size: total.sizeBits / 8, acev2: total.acev2 });

    const result = join(dir, 'trained.json');
    const train = ['--from', ckpt, '--finetune', '--steps', '4', '--layer-bits', out, '--out', result];
    expect(await run([...COMMON, '--test-size', '64', ...train])).toBe(0);
    const layers = readJson(result).experiment.quant.layers;
    for (const l of alloc.layers)
      expect(layers[l.name]).toEqual({ weightBits: l.weightBits, actBits: l.actBits });
  });

  it('exits 4 and names the smallest achievable budget when none fits', async () => {
    const all2 = await uniformBops(2);
    const args = [...COMMON, '--from', ckpt, '--budget-bops', `${all2 - 1}`, '--bits', '2,4,8'];
    const { code, err } = await capture(() => runMixed(args, testTraces));
    expect(code).toBe(4);
    expect(err).toContain(`the smallest achievable budget is ${all2}`);
  });

  it('needs --traces without a trace function, and reads them from a hessian JSON', async () => {
    const base = [...COMMON, '--from', ckpt, '--budget-size', '1000000'];
    expect((await capture(() => runMixed(base))).err).toContain('--traces FILE is required');
    const traces = join(dir, 'hessian.json');
    const layers = [
      { name: 'conv1', params: 36, trace: 1, traceStdErr: 0.1, topEigenvalues: [] },
      { name: 'conv2', params: 288, trace: 2, traceStdErr: 0.1, topEigenvalues: [] },
      { name: 'fc', params: 3920, trace: 3, traceStdErr: 0.1, topEigenvalues: [] },
    ];
    writeFileSync(traces, JSON.stringify({ layers }));
    const { code, out } = await capture(() => runMixed([...base, '--traces', traces, '--json']));
    expect(code).toBe(0);
    expect(JSON.parse(out).cost.size).toBeLessThanOrEqual(1_000_000);
  });

  it('rejects a layer-bits file naming a layer the model lacks', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ layers: [{ name: 'fc9', weightBits: 4, actBits: 4 }] }));
    const { code, err } = await capture(() => cost(['--model', 'cnn', '--layer-bits', bad]));
    expect(code).toBe(2);
    expect(err).toContain("'fc9' is not a layer of cnn");
  });
});
