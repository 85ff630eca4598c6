/**
 * `quant-lab merge DIR --out sweep.json`: combines the result files of an emitted sweep
 * (DIR/<id>.result.json, one per DIR/<id>.json job) into one sweep file the app opens.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatCount } from '../cost/format';
import { COST_AXES, type CostAxis } from '../cost/types';
import { DEFAULT_AXIS, mergeResults } from '../sweep/file';
import type { SweepFile } from '../sweep/types';
import { splitArgs } from './cost';

export const HELP = `quant-lab merge DIR --out sweep.json [--axis ${COST_AXES.join('|')}]

Reads every DIR/<id>.result.json (written by 'quant-lab run DIR/<id>.json --out DIR/<id>.result.json',
e.g. from GNU parallel, a Kubernetes Job array or a Slurm array after 'quant-lab sweep --emit-jobs DIR'),
prices each experiment, and writes a sweep file with every point and the Pareto frontier on --axis
(default ${DEFAULT_AXIS}). Jobs without a result, and unreadable results, are listed under "failed".

Exit code: 0 when every job has a result, 1 when some are missing or invalid (the file is still written),
2 on usage errors.`;

const RESULT_SUFFIX = '.result.json';

/** Validates an --axis value. */
export function parseAxis(value: string | true | undefined): CostAxis {
  if (value === undefined) return DEFAULT_AXIS;
  if (typeof value === 'string' && (COST_AXES as readonly string[]).includes(value)) return value as CostAxis;
  throw new Error(`--axis must be one of ${COST_AXES.join(', ')}`);
}

/** Job ids and results of a directory: `<id>.json` jobs and `<id>.result.json` results. */
export async function readSweepDir(dir: string): Promise<{ jobIds: string[]; results: { id: string; json: unknown }[] }> {
  const names = (await readdir(dir)).sort();
  const jobIds = names.filter((n) => n.endsWith('.json') && !n.endsWith(RESULT_SUFFIX)).map((n) => n.slice(0, -'.json'.length));
  const results: { id: string; json: unknown }[] = [];
  for (const name of names.filter((n) => n.endsWith(RESULT_SUFFIX))) {
    const id = name.slice(0, -RESULT_SUFFIX.length);
    try {
      results.push({ id, json: JSON.parse(await readFile(join(dir, name), 'utf8')) });
    } catch (error) {
      results.push({ id, json: { error: error instanceof Error ? error.message : String(error) } });
    }
  }
  return { jobIds, results };
}

/** A short text summary: counts and the frontier (id, accuracy, cost on the axis). */
export function formatSweepSummary(file: SweepFile): string {
  const byId = new Map(file.points.map((p) => [p.id, p]));
  const lines = [`${file.points.length} points, ${file.failed.length} failed; Pareto frontier on ${file.axis}:`];
  for (const id of file.frontier) {
    const p = byId.get(id)!;
    lines.push(`  ${id.padEnd(24)} acc ${(100 * p.testAccuracy).toFixed(2).padStart(6)}%  ${file.axis} ${formatCount(p.cost[file.axis])}`);
  }
  for (const f of file.failed.slice(0, 10)) lines.push(`  failed ${f.id}: ${f.error.split('\n')[0].slice(0, 200)}`);
  if (file.failed.length > 10) lines.push(`  … and ${file.failed.length - 10} more failed`);
  return lines.join('\n');
}

/** Entry point of `quant-lab merge`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const { own, rest } = splitArgs(argv, { out: 'value', axis: 'value' });
  const dir = rest.find((a) => !a.startsWith('-'));
  const unknown = rest.filter((a) => a !== dir);
  const out = own.get('out');
  if (!dir || typeof out !== 'string' || unknown.length) {
    console.error(`quant-lab merge: ${unknown.length ? `unknown arguments ${unknown.join(' ')}` : 'needs DIR and --out FILE'}\n\n${HELP}`);
    return 2;
  }
  const axis = parseAxis(own.get('axis'));
  const { jobIds, results } = await readSweepDir(dir);
  const file = mergeResults(jobIds, results, axis);
  await writeFile(out, JSON.stringify(file, null, 2));
  console.error(formatSweepSummary(file));
  console.error(`wrote ${out}`);
  return file.failed.length ? 1 : 0;
}
