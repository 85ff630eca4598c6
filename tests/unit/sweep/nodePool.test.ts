/** The Node child-process pool against a fake runner (no training): layout, concurrency, failures. */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_EXPERIMENT } from '../../../src/experiment/schema';
import { expandGrid } from '../../../src/sweep/grid';
import { runSweepInNode } from '../../../src/sweep/nodePool';

// Speaks `run <exp.json> --out <result.json>`: accuracy = bits/100, and 3-bit runs crash.
const FAKE_RUNNER = `
import { readFileSync, writeFileSync } from 'node:fs';
const [, , cmd, expFile, flag, out] = process.argv;
if (cmd !== 'run' || flag !== '--out') { console.error('bad args'); process.exit(2); }
const experiment = JSON.parse(readFileSync(expFile, 'utf8'));
if (experiment.quant.weight.bits === 3) { console.error('simulated crash'); process.exit(1); }
writeFileSync(out, JSON.stringify({ experiment, status: 'completed', testAccuracy: experiment.quant.weight.bits / 100, wallTimeMs: 7, history: [] }));
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ql-pool-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('runSweepInNode', () => {
  it('runs each point as `run <id>.json --out <id>.result.json` and collects failures', async () => {
    const bin = join(dir, 'fake-runner.mjs');
    await writeFile(bin, FAKE_RUNNER);
    const work = join(dir, 'work');
    const points = expandGrid(DEFAULT_EXPERIMENT, { weightBits: [2, 3, 4] });
    const settled: string[] = [];
    const out = await runSweepInNode(points, {
      jobs: 2,
      workDir: work,
      binPath: bin,
      onSettled: (_o, p) => settled.push(p.id),
    });
    expect(out.points.map((p) => [p.id, p.testAccuracy, p.wallTimeMs])).toEqual([
      ['w2a2-x1-s1', 0.02, 7],
      ['w4a4-x1-s1', 0.04, 7],
    ]);
    expect(out.failed).toEqual([
      { id: 'w3a3-x1-s1', error: expect.stringMatching(/exited with 1: simulated crash/) },
    ]);
    expect(settled.sort()).toEqual(points.map((p) => p.id).sort());
    expect((await readdir(work)).sort()).toEqual([
      'w2a2-x1-s1.json',
      'w2a2-x1-s1.result.json',
      'w3a3-x1-s1.json',
      'w4a4-x1-s1.json',
      'w4a4-x1-s1.result.json',
    ]);
  });
});
