/**
 * Human-readable rendering of a CostReport (the `quant-lab cost` table; reusable in UI tooltips).
 * Pure string building; exact numbers are in the JSON form.
 */
import { ACEV2_SHORT } from './opCosts';
import { COST_KINDS } from './terms';
import type { CostReport } from './types';

/** Formats a count with an SI suffix and 3 significant digits: 100352 → "100k", 2.1e9 → "2.10G". */
export function formatCount(n: number): string {
  const abs = Math.abs(n);
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (abs >= size) return `${(n / size).toPrecision(3)}${suffix}`;
  }
  return String(Math.round(n * 100) / 100);
}

/** "4", or "f" for float (32). */
function bitsLabel(bits: number): string {
  return bits >= 32 ? 'f' : String(bits);
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
}

/** A fixed-width table: one row per layer, a total row, the ACEv2 breakdown, and the formula. */
export function formatCostTable(report: CostReport): string {
  const header = ['layer', 'W/A/out', 'macs', 'ace', 'acev2', 'bops', 'sizeBits', 'acev2/ace'];
  const rows = report.layers.map((l) => [
    l.name,
    `${bitsLabel(l.weightBits)}/${bitsLabel(l.actBits)}/${bitsLabel(l.outBits)}`,
    formatCount(l.macs),
    formatCount(l.ace),
    formatCount(l.acev2),
    formatCount(l.bops),
    formatCount(l.sizeBits),
    (l.acev2 / l.ace).toFixed(2),
  ]);
  const t = report.total;
  rows.push([
    'total',
    '',
    formatCount(t.macs),
    formatCount(t.ace),
    formatCount(t.acev2),
    formatCount(t.bops),
    formatCount(t.sizeBits),
    (t.acev2 / t.ace).toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const lines = [pad(header, widths), ...rows.map((r) => pad(r, widths))];
  const shares = COST_KINDS.map((k) => `${k} ${((100 * t.acev2Breakdown[k]) / t.acev2).toFixed(1)}%`).join(
    ', ',
  );
  const o = report.options;
  lines.push(
    '',
    `ACEv2 breakdown: ${shares}`,
    `options: quantNorm ${o.quantNorm ? 'on' : 'off'}, doubleQuant ${o.doubleQuant ? 'on' : 'off'}, ` +
      `weights ${o.weightPerChannel ? 'per-channel' : 'per-tensor'}, float priced at ${o.floatBits} bits`,
    'Costs per sample; ace/acev2/bops in bit-products (one b_w×b_a MAC = b_w·b_a).',
    ACEV2_SHORT,
    'Full formula: quant-lab cost --help.',
  );
  return lines.join('\n');
}
