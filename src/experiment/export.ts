/**
 * Runs out of the app and files into it, pure: CSV of all histories (one row per history point),
 * JSON files the `quant-lab` runner reads and writes, and the reverse — {@link parseRunFile} opens a
 * runner result or an experiment file (read with the schema in ./result.ts). Also flattening/diffing
 * of experiments for the run table.
 */

import { type HistoryPoint, type RunResult, runResultSchema } from './result';
import { loadExperiment } from './load';
import type { Experiment, ParseResult } from './schema';

/** What CSV export needs of a run; the app's stored runs satisfy it structurally. */
export interface ExportableRun {
  id: string;
  name: string;
  status: string;
  experiment: Experiment;
  history: readonly HistoryPoint[];
}

/** Flat `dotted.path → value` view of an experiment (arrays as `256x256`, absent as ''). */
export function flattenExperiment(exp: Experiment): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  const walk = (node: unknown, prefix: string) => {
    if (Array.isArray(node)) out[prefix] = node.join('x');
    else if (typeof node === 'object' && node !== null) {
      for (const [k, v] of Object.entries(node)) walk(v, prefix ? `${prefix}.${k}` : k);
    } else if (node !== undefined) out[prefix] = node as string | number | boolean;
  };
  walk(exp, '');
  return out;
}

/** Dotted paths whose values differ between experiments (for highlighting in the run table), sorted. */
export function diffExperiments(...exps: Experiment[]): string[] {
  const flats = exps.map(flattenExperiment);
  const keys = new Set(flats.flatMap((f) => Object.keys(f)));
  return [...keys].filter((k) => flats.some((f) => f[k] !== flats[0][k])).sort();
}

/** Config columns in the CSV: the knobs that tell runs apart in a spreadsheet. */
export const CSV_CONFIG_COLUMNS = [
  'seed',
  'model.arch',
  'model.hidden',
  'model.widthMultiplier',
  'quant.weight.bits',
  'quant.act.bits',
  'quant.weight.perChannel',
  'quant.weight.range',
  'quant.act.range',
  'quant.firstLastBits8',
  'estimator.name',
  'estimator.param',
  'train.optimizer',
  'train.lr',
  'train.schedule',
  'train.steps',
  'train.batchSize',
  'oscillation.dampening',
  'oscillation.freezeThreshold',
  'twin.estimator.name',
  'twin.map',
] as const;

/** Measured columns per history point. */
export const CSV_POINT_COLUMNS = ['step', 'loss', 'trainAccuracy', 'testAccuracy', 'testLoss', 'lr'] as const;

/** Full CSV header: run id, name and status, then the history point, then the config. */
export const CSV_HEADER = ['runId', 'runName', 'status', ...CSV_POINT_COLUMNS, ...CSV_CONFIG_COLUMNS];

/**
 * One CSV cell, RFC 4180 quoted when it holds `,`, `"`, CR or LF. Text starting with = + - @ or a
 * tab is prefixed with `'` so a spreadsheet does not run it as a formula (CSV injection via a run
 * name); numbers are never prefixed.
 */
export function csvCell(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** All runs as CSV (CRLF line ends, header row first, one row per history point). */
export function runsToCsv(runs: readonly ExportableRun[]): string {
  const rows = [CSV_HEADER.join(',')];
  for (const run of runs) {
    const flat = flattenExperiment(run.experiment);
    const config = CSV_CONFIG_COLUMNS.map((c) => csvCell(flat[c]));
    for (const p of run.history) {
      const point = CSV_POINT_COLUMNS.map((c) => csvCell(p[c]));
      rows.push([csvCell(run.id), csvCell(run.name), csvCell(run.status), ...point, ...config].join(','));
    }
  }
  return rows.join('\r\n') + '\r\n';
}

/**
 * Parses RFC 4180 CSV (quoted fields with `""`, embedded newlines, CRLF or LF) into rows of cells.
 * A final line end does not make an empty row.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else cell += ch;
      i++;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      if (ch === '\r' && text[i + 1] === '\n') i++;
    } else cell += ch;
    i++;
  }
  if (cell !== '' || row.length) rows.push([...row, cell]);
  return rows;
}

/** Pretty JSON of an experiment: the file `quant-lab run` reads. */
export function experimentToJson(exp: Experiment): string {
  return JSON.stringify(exp, null, 2) + '\n';
}

/** Pretty JSON of a run result: the file `quant-lab run` writes (NaN/∞ become null, as in the runner). */
export function resultToJson(result: RunResult): string {
  return JSON.stringify(result, null, 2) + '\n';
}

/** A safe download file name: `quant-lab-<slug>.<ext>`. */
export function exportFileName(name: string, ext: 'csv' | 'json' | 'png'): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `quant-lab${slug ? `-${slug}` : ''}.${ext}`;
}

// ---- Import ----------------------------------------------------------------------------------

/** A file the app can open. */
export type RunFile =
  | { kind: 'result'; result: RunResult; warnings: string[] }
  | { kind: 'experiment'; experiment: Experiment; warnings: string[] };

function parseAnyExperiment(
  raw: unknown,
  where: string,
): ParseResult<{ experiment: Experiment; warnings: string[] }> {
  const loaded = loadExperiment(raw);
  if (!loaded.ok) return { ok: false, error: `${where}: ${loaded.error}` };
  return { ok: true, value: { experiment: loaded.value, warnings: loaded.warnings } };
}

/**
 * Opens a parsed JSON file: a runner result (`{experiment, status, history, …}`) or an experiment
 * (any version; older ones are migrated). Returns a typed value or an error naming the bad field.
 */
export function parseRunFile(json: unknown): ParseResult<RunFile> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return {
      ok: false,
      error: 'not a Quant Lab file: expected a JSON object (an experiment or a run result)',
    };
  }
  const obj = json as Record<string, unknown>;
  if (!('history' in obj) && !('status' in obj)) {
    const exp = parseAnyExperiment(obj, 'experiment file');
    return exp.ok ? { ok: true, value: { kind: 'experiment', ...exp.value } } : exp;
  }
  const res = runResultSchema.safeParse(obj);
  if (!res.success) {
    const issue = res.error.issues[0];
    return { ok: false, error: `run result file: ${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  const exp = parseAnyExperiment(obj.experiment, 'run result file, experiment');
  if (!exp.ok) return exp;
  const result = { ...res.data, experiment: exp.value.experiment } as RunResult;
  return { ok: true, value: { kind: 'result', result, warnings: exp.value.warnings } };
}

/** Largest file {@link parseRunFileText} reads (results with `--save-weights` can be large). */
export const MAX_FILE_CHARS = 64 * 1024 * 1024;

/** {@link parseRunFile} on file text, with a size cap and a clear message for bad JSON. */
export function parseRunFileText(text: string): ParseResult<RunFile> {
  if (text.length > MAX_FILE_CHARS)
    return { ok: false, error: `file is too large (over ${MAX_FILE_CHARS / 2 ** 20} MB)` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      error: `not a JSON file (${err instanceof Error ? err.message.slice(0, 100) : 'parse error'})`,
    };
  }
  return parseRunFile(json);
}
