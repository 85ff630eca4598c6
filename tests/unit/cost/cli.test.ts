/** `quant-lab cost`: JSON and table output; QuantNorm and double quantization show in both. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/cost';
import type { CostReport } from '../../../src/cost';

async function run(argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  const code = await main(argv);
  spy.mockRestore();
  return { code, out: lines.join('\n') };
}

afterEach(() => vi.restoreAllMocks());

describe('quant-lab cost', () => {
  it('--json prints per-layer and total macs, ace, acev2, bops, sizeBits; QuantNorm / double quant lower acev2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ql-cost-'));
    try {
      const file = join(dir, 'cnn.json');
      await writeFile(file, JSON.stringify({ model: { arch: 'cnn', widthMultiplier: 0.125 } }));
      const plain = JSON.parse((await run([file, '--json'])).out) as CostReport & { formula: string };
      for (const key of ['macs', 'ace', 'acev2', 'bops', 'sizeBits'] as const) {
        expect(typeof plain.total[key]).toBe('number');
        expect(typeof plain.layers[0][key]).toBe('number');
      }
      expect(plain.total.acev2).toBe(5402128); // tests/unit/cost/cost.test.ts derives this by hand
      expect(plain.formula).toMatch(/lab's version/);
      const qn = JSON.parse((await run([file, '--quantnorm', '--json'])).out) as CostReport;
      expect(plain.total.acev2 - qn.total.acev2).toBe(2107392);
      const dq = JSON.parse((await run([file, '--double-quant', '--json'])).out) as CostReport;
      expect(plain.total.acev2 - dq.total.acev2).toBe(1814016);
      const table = await run([file, '--quantnorm', '--double-quant']);
      expect(table.code).toBe(0);
      expect(table.out).toMatch(/quantNorm on, doubleQuant on/);
      expect(table.out).toMatch(/^total/m);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
