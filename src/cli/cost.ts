/**
 * `quant-lab cost`: per-layer and total MACs, ACE, ACEv2, BOPs and size of an experiment's model,
 * as a table or JSON. Also home of the argument helpers the sweep command shares.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { ACEV2_FORMULA, costOfExperiment, formatCostTable } from '../cost';
import { loadExperimentText } from '../experiment/load';
import type { Experiment } from '../experiment/schema';
import { flagHelp, parseArgs, type RunnerOptions } from './flags';

/** The run flags' help lines, minus `exclude` (flags a command gives another meaning). */
export function runFlagsHelp(exclude: string[] = []): string {
  const lines = flagHelp()
    .split('\n')
    .filter((line) => !exclude.some((name) => line.startsWith(`  --${name} `) || line.trimEnd() === `  --${name}`));
  return `Run flags (override the experiment file, as in 'quant-lab run'):\n${lines.join('\n')}`;
}

export const HELP = `quant-lab cost [experiment.json] [flags as in run] [--quantnorm] [--double-quant] [--float-bits 16] [--json]

Prints per-layer and total cost of the experiment's model, per sample (one image):
  macs      multiply-accumulates
  ace       PokeBNN ACE = Σ MACs·b_w·b_a (float priced at 32 bits; --float-bits 16 for AQT's bf16)
  acev2     the lab's ACEv2: ACE + BN, ReLU, requantization, bias and pooling ops at their widths
  bops      HAWQ-V3 BOPs = Σ MACs·b_w·b_a with float = 32 (equal to ace at the default float bits)
  sizeBits  weights·b_w + bias + BN parameters + quantization scales

Flags:
  --quantnorm        BN parameters at the weight bits (PikeLPN QuantNorm)
  --double-quant     requantization scales at 8 bits (PikeLPN double quantization)
  --float-bits N     width float operands are priced at in ace/acev2 (default 32)
  --json             print the CostReport as JSON ({ layers: [...], total: {...}, options, formula });
                     with --out FILE, the JSON goes to FILE
${runFlagsHelp()}

${ACEV2_FORMULA}`;

/** Which flags a command handles itself (before the run flags): `bool` flags take no value. */
export type FlagTable = Record<string, 'bool' | 'value'>;

/** argv split into the command's own flags and everything else (left for the run-flag parser). */
export interface SplitArgs {
  own: Map<string, string | true>;
  rest: string[];
}

/** Takes the command's own flags (`--name value`, `--name=value`, `--bool`) out of argv. */
export function splitArgs(argv: readonly string[], table: FlagTable): SplitArgs {
  const own = new Map<string, string | true>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? arg.slice(2, eq < 0 ? undefined : eq) : undefined;
    const kind = name === undefined ? undefined : table[name];
    if (kind === undefined) {
      rest.push(arg);
    } else if (kind === 'bool') {
      own.set(name!, true);
    } else {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new Error(`--${name} needs a value`);
      own.set(name!, value);
    }
  }
  return { own, rest };
}

/** An experiment from `[experiment.json] [run flags]`, and the runner options those flags set. */
export interface LoadedExperiment {
  experiment: Experiment;
  options: RunnerOptions;
}

/**
 * Reads the experiment file (migrating older versions; none = the defaults), applies the run
 * flags of src/cli/flags.ts, and validates. Throws with a message naming the bad flag or field.
 */
export async function loadExperiment(argv: readonly string[]): Promise<LoadedExperiment> {
  const args = parseArgs(argv);
  if (!args.ok) throw new Error(args.error);
  const { file, overrides, options } = args.value;
  let text = '{}';
  if (file !== undefined) {
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new Error(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  const loaded = loadExperimentText(text, { overrides });
  if (!loaded.ok) throw new Error(`${file ?? 'experiment'}: ${loaded.error}`);
  return { experiment: loaded.value, options };
}

const COST_FLAGS: FlagTable = { json: 'bool', 'float-bits': 'value' };

/** Entry point of `quant-lab cost`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const { own, rest } = splitArgs(argv, COST_FLAGS);
  const { experiment: exp, options } = await loadExperiment(rest);
  const floatBits = own.has('float-bits') ? Number(own.get('float-bits')) : undefined;
  if (floatBits !== undefined && !(Number.isInteger(floatBits) && floatBits >= 1 && floatBits <= 64)) {
    console.error(`quant-lab cost: --float-bits must be an integer in 1..64, got '${String(own.get('float-bits'))}'`);
    return 2;
  }
  const report = costOfExperiment(exp, floatBits === undefined ? {} : { floatBits });
  if (!own.has('json')) console.log(formatCostTable(report));
  else if (options.out) await writeFile(options.out, JSON.stringify({ ...report, formula: ACEV2_FORMULA }, null, 2));
  else console.log(JSON.stringify({ ...report, formula: ACEV2_FORMULA }, null, 2));
  return 0;
}
