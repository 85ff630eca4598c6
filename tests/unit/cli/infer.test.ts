/**
 * `quant-lab infer` and `quant-lab export`: run a checkpoint written by `run --checkpoint` (with
 * --integer-only its integer model beside fake quantization), write it as ONNX and check it in
 * onnxruntime, and reject what they cannot use with exit code 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main as exportMain } from '../../../src/cli/export';
import { main as infer } from '../../../src/cli/infer';
import { main as run } from '../../../src/cli/run';

const dir = mkdtempSync(join(tmpdir(), 'ql-infer-'));
const w8 = join(dir, 'w8.ckpt.json');
const float = join(dir, 'float.ckpt.json');
const COMMON = ['--backend', 'wasm', '--quiet', '--test-size', '200', '--hidden', '32', '--steps', '30'];

async function capture(fn: () => Promise<number>): Promise<{ code: number; err: string }> {
  const lines: string[] = [];
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  const code = await fn();
  vi.restoreAllMocks();
  return { code, err: lines.join('\n') };
}
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

beforeAll(async () => {
  const bits = (w: string) => ['--weight-bits', w, '--act-bits', w];
  expect(await run([...COMMON, ...bits('8'), '--checkpoint', w8, '--out', join(dir, 'a.json')])).toBe(0);
  expect(await run([...COMMON, ...bits('32'), '--checkpoint', float, '--out', join(dir, 'b.json')])).toBe(0);
}, 60_000);
afterEach(() => vi.restoreAllMocks());

describe('quant-lab infer', () => {
  it('reports the integer model against fake quantization, per layer', async () => {
    const out = join(dir, 'int.json');
    expect(await infer(['--from', w8, '--integer-only', '--backend', 'wasm', '--quiet', '--out', out])).toBe(
      0,
    );
    const r = readJson(out);
    expect(r).toMatchObject({ checkpoint: w8, integerOnly: true, biasFracBits: 0, images: 200 });
    expect(r.argmaxAgreement).toBeGreaterThanOrEqual(0.99);
    expect(Math.abs(r.testAccuracy - r.fakeQuantTestAccuracy)).toBeLessThanOrEqual(0.01);
    expect(r.layers.map((l: { name: string }) => l.name)).toEqual(['fc1', 'fc2']);
    const [first, last] = r.layers;
    expect(first).toMatchObject({ weightBits: 8, actBits: 8, maxCodeDiff: 0, calibrated: false });
    expect(first.requant.m).toHaveLength(32);
    expect(first.requant.s).toHaveLength(32);
    expect(last.requant).toBeNull();
    expect(first.input.qmax).toBe(255);
  });

  it('without --integer-only reports the fake-quant accuracy alone', async () => {
    const out = join(dir, 'fq.json');
    expect(await infer(['--from', float, '--backend', 'wasm', '--quiet', '--out', out])).toBe(0);
    const r = readJson(out);
    expect(r.integerOnly).toBe(false);
    expect(r.testAccuracy).toBe(r.fakeQuantTestAccuracy);
    expect(r.layers).toBeUndefined();
  });

  it('refuses a float model, a malformed checkpoint and bad flags with exit code 2', async () => {
    const floatRun = await capture(() => infer(['--from', float, '--integer-only', '--backend', 'wasm']));
    expect(floatRun.code).toBe(2);
    expect(floatRun.err).toMatch(
      /fc1 is float .*integer-only inference needs every weight and input quantized/,
    );
    const bad = join(dir, 'bad.ckpt.json');
    writeFileSync(bad, readFileSync(w8, 'utf8').slice(0, 500));
    const truncated = await capture(() => infer(['--from', bad, '--integer-only']));
    expect(truncated.code).toBe(2);
    expect(truncated.err).toContain('bad.ckpt.json');
    expect((await capture(() => infer(['--integer-only']))).code).toBe(2);
    expect((await capture(() => infer(['--from', w8, '--bias-frac-bits', '40']))).code).toBe(2);
  });
});

describe('quant-lab export', () => {
  it('writes the QDQ model and checks it in onnxruntime-node', async () => {
    const out = join(dir, 'w8.onnx');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await exportMain(['--from', w8, '--out', out, '--check', '--json', '--backend', 'wasm'])).toBe(0);
    const summary = JSON.parse(log.mock.calls.flat().join('\n'));
    expect(summary).toMatchObject({ format: 'onnx', form: 'qdq', inputShape: ['N', 784] });
    expect(summary.bytes).toBe(readFileSync(out).length);
    expect(summary.packedBytes).toBeLessThan(summary.bytes);
    expect(summary.check).toMatchObject({ runtime: 'onnxruntime-node', images: 200, agrees: true });
  });

  it('refuses a malformed checkpoint and a missing --out with exit code 2', async () => {
    const bad = join(dir, 'bad2.ckpt.json');
    writeFileSync(bad, '{"format": "quant-lab-checkpoint", "version": 99}');
    const res = await capture(() => exportMain(['--from', bad, '--out', join(dir, 'x.onnx')]));
    expect(res.code).toBe(2);
    expect(res.err).toContain('bad2.ckpt.json');
    expect((await capture(() => exportMain(['--from', w8]))).code).toBe(2);
  });
});
