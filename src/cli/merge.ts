/**
 * `quant-lab merge DIR --out sweep.json`: combines the result files of an emitted sweep
 * (DIR/<id>.result.json, one per DIR/<id>.json job) into one sweep file the app opens.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { COST_AXES, formatOnAxis, type CostAxis } from '../cost/axes';
import { DEFAULT_AXIS, mergeResults } from '../sweep/file';
import type { SweepFile } from '../sweep/types';
import { commandHelp, type CommandSpec, parseCommand, usageError } from './args';

/** `quant-lab merge`: a directory of result files in, one sweep file out. */
export const MERGE_SPEC: CommandSpec = {
  name: 'merge',
  summary: 'combine result files (from --emit-jobs) into one sweep file',
  usage: [`merge DIR --out sweep.json [--axis ${COST_AXES.join('|')}]`],
  positionals: { name: 'directory', max: 1 },
  description: `Reads every DIR/<id>.result.json (written by 'quant-lab run DIR/<id>.json --out DIR/<id>.result.json',
e.g. from GNU parallel, a Kubernetes Job array or a Slurm array after 'quant-lab sweep --emit-jobs DIR'),
prices each experiment, and writes a sweep file with every point and the Pareto frontier on --axis
(default ${DEFAULT_AXIS}). Jobs without a result, and unreadable results, are listed under "failed".

Exit code: 0 when every job has a result, 1 when some are missing or invalid (the file is still written),
2 on usage errors.`,
  groups: [
    {
      heading: 'Flags',
      flags: [
        { name: 'out', kind: 'string', metavar: 'FILE', help: 'the sweep file to write (required)' },
        {
          name: 'axis',
          kind: 'enum',
          values: COST_AXES,
          help: 'cost axis of the Pareto frontier',
          default: DEFAULT_AXIS,
        },
      ],
    },
  ],
};

export const HELP = commandHelp(MERGE_SPEC);

const RESULT_SUFFIX = '.result.json';

/** Job ids and results of a directory: `<id>.json` jobs and `<id>.result.json` results. */
export async function readSweepDir(
  dir: string,
): Promise<{ jobIds: string[]; results: { id: string; json: unknown }[] }> {
  const names = (await readdir(dir)).sort();
  const jobIds = names
    .filter((n) => n.endsWith('.json') && !n.endsWith(RESULT_SUFFIX))
    .map((n) => n.slice(0, -'.json'.length));
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
  const lines = [
    `${file.points.length} points, ${file.failed.length} failed; Pareto frontier on ${file.axis}:`,
  ];
  for (const id of file.frontier) {
    const p = byId.get(id)!;
    lines.push(
      `  ${id.padEnd(24)} acc ${(100 * p.testAccuracy).toFixed(2).padStart(6)}%  ${file.axis} ${formatOnAxis(p.cost, file.axis)}`,
    );
  }
  for (const f of file.failed.slice(0, 10))
    lines.push(`  failed ${f.id}: ${f.error.split('\n')[0].slice(0, 200)}`);
  if (file.failed.length > 10) lines.push(`  … and ${file.failed.length - 10} more failed`);
  return lines.join('\n');
}

/** Entry point of `quant-lab merge`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = parseCommand(MERGE_SPEC, argv);
  if (!args.ok) return usageError(MERGE_SPEC, args.error);
  const [dir] = args.value.positionals;
  const out = args.value.values.get('out');
  if (!dir || typeof out !== 'string') return usageError(MERGE_SPEC, 'needs DIR and --out FILE');
  const axis = (args.value.values.get('axis') as CostAxis | undefined) ?? DEFAULT_AXIS;
  const { jobIds, results } = await readSweepDir(dir);
  const file = mergeResults(jobIds, results, axis);
  await writeFile(out, JSON.stringify(file, null, 2));
  console.error(formatSweepSummary(file));
  console.error(`wrote ${out}`);
  return file.failed.length ? 1 : 0;
}
