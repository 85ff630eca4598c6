/**
 * `quant-lab cost`: per-layer and total MACs, ACE, ACEv2, BOPs and size of an experiment's model,
 * as a table or JSON.
 */
import { writeFile } from 'node:fs/promises';
import { ACEV2_FORMULA, costOfExperiment, formatCostTable } from '../cost';
import { commandHelp, type CommandSpec, usageError } from './args';
import { EXPERIMENT_FLAGS, LAYER_BITS_FLAGS, parseArgs, RUNNER_FLAGS } from './flags';
import { experimentFromArgs } from './run';

/** `quant-lab cost`: the experiment and runner flags of `run`, and its own. */
export const COST_SPEC: CommandSpec = {
  name: 'cost',
  summary: 'print per-layer and total cost (MACs, ACE, ACEv2, BOPs, size)',
  usage: [
    'cost [experiment.json] [flags as in run] [--quantnorm] [--double-quant] [--float-bits 16] [--json]',
  ],
  positionals: { name: 'experiment file', max: 1 },
  description: `Prints per-layer and total cost of the experiment's model, per sample (one image):
  macs      multiply-accumulates
  ace       PokeBNN ACE = Σ MACs·b_w·b_a (float priced at 32 bits; --float-bits 16 for AQT's bf16)
  acev2     the lab's ACEv2: ACE + BN, ReLU, requantization, bias and pooling ops at their widths
  bops      HAWQ-V3 BOPs = Σ MACs·b_w·b_a with float = 32 (equal to ace at the default float bits)
  sizeBits  weights·b_w + bias + BN parameters + quantization scales
(--quantnorm prices BN parameters at the weight bits, --double-quant the requantization scales at 8.)`,
  groups: [
    {
      heading: 'Cost flags',
      flags: [
        {
          name: 'float-bits',
          kind: 'int',
          metavar: 'N',
          help: 'width float operands are priced at in ace/acev2',
          default: '32',
        },
        {
          name: 'json',
          kind: 'bool',
          help: 'print the CostReport as JSON ({ layers, total, options, formula }); with --out FILE, to FILE',
        },
      ],
    },
    {
      heading: "Experiment flags (override the experiment file, as in 'quant-lab run')",
      flags: EXPERIMENT_FLAGS,
    },
    { heading: 'Mixed precision', flags: LAYER_BITS_FLAGS },
    { heading: 'Runner flags', flags: RUNNER_FLAGS.filter((f) => f.name !== 'preset') },
  ],
  footer: ACEV2_FORMULA,
};

export const HELP = commandHelp(COST_SPEC);

/** Entry point of `quant-lab cost`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, COST_SPEC);
  if (!args.ok) return usageError(COST_SPEC, args.error);
  const exp = experimentFromArgs(args.value);
  if (!exp.ok) {
    console.error(`quant-lab cost: ${exp.error}`);
    return 2;
  }
  const floatBits = args.value.own.get('float-bits') as number | undefined;
  if (floatBits !== undefined && !(floatBits >= 1 && floatBits <= 64))
    return usageError(COST_SPEC, `--float-bits must be an integer in 1..64, got '${floatBits}'`);
  const report = costOfExperiment(exp.value, floatBits === undefined ? {} : { floatBits });
  const { out } = args.value.options;
  if (!args.value.own.get('json')) console.log(formatCostTable(report));
  else if (out) await writeFile(out, JSON.stringify({ ...report, formula: ACEV2_FORMULA }, null, 2));
  else console.log(JSON.stringify({ ...report, formula: ACEV2_FORMULA }, null, 2));
  return 0;
}
