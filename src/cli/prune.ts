/**
 * `quant-lab prune`: structured pruning of a trained checkpoint by HAP's second-order score or by
 * weight magnitude, then fine-tuning with the pruned units held at zero (docs/prune.md).
 */
import { writeFile } from 'node:fs/promises';
import { readCheckpointFile, writeCheckpointFile } from '../checkpoint/node';
import { loadMnistNode } from '../data/node';
import { PRUNE_DEFAULTS, pruneCheckpoint, type PruneReport } from '../prune/run';
import { PRUNE_METHODS, type PruneMethod } from '../prune/scores';
import { initBackend } from '../tensor/backend';
import { commandHelp, type CommandSpec, type FlagDef, usageError } from './args';
import { parseArgs, RUNNER_FLAGS } from './flags';

const PRUNE_FLAGS: readonly FlagDef[] = [
  {
    name: 'from',
    kind: 'string',
    metavar: 'FILE',
    help: 'the trained model (a checkpoint from run --checkpoint); required',
  },
  {
    name: 'sparsity',
    kind: 'number',
    metavar: 'S',
    help: 'share of the prunable channels removed, 0 < S < 1; required',
  },
  { name: 'method', kind: 'enum', values: PRUNE_METHODS, help: 'unit score', default: 'hap' },
  {
    name: 'finetune-steps',
    kind: 'int',
    metavar: 'N',
    help: 'fine-tuning steps with the pruned channels held at zero (0: none)',
    default: String(PRUNE_DEFAULTS.finetuneSteps),
  },
  {
    name: 'probes',
    kind: 'int',
    metavar: 'N',
    help: "hap: Rademacher probes of each channel's Hessian trace",
    default: String(PRUNE_DEFAULTS.probes),
  },
  {
    name: 'batch-size',
    kind: 'int',
    metavar: 'N',
    help: "hap: training images of the Hessian's loss",
    default: String(PRUNE_DEFAULTS.batchSize),
  },
  {
    name: 'seed',
    kind: 'int',
    metavar: 'N',
    help: "seed of the Hessian's batch and probes",
    default: String(PRUNE_DEFAULTS.seed),
  },
  {
    name: 'checkpoint',
    kind: 'string',
    metavar: 'OUT',
    help: 'write the pruned, fine-tuned model here (pruned channels stored as zeros)',
  },
  { name: 'scores', kind: 'bool', help: "include each channel's score in the JSON" },
  { name: 'json', kind: 'bool', help: 'print the JSON to stdout instead of a table' },
];

export const PRUNE_SPEC: CommandSpec = {
  name: 'prune',
  summary: 'prune channels of a checkpoint (HAP or magnitude), then fine-tune',
  usage: ['prune --from model.ckpt.json --sparsity S [--method hap|magnitude] [--json | --out F]'],
  positionals: { name: 'argument', max: 0 },
  description: `Structured pruning: the units are the hidden neurons of the MLP and the output channels of
the CNN's conv layers (with their bias, BN γ and β, and the next layer's weights that read them);
the classes are never pruned. Every unit gets a score — hap: (tr(H_cc)/n_c)·‖w_c‖²/2 with the
channel's Hessian trace by Hutchinson, magnitude: ‖w_c‖² — and the lowest ⌊S·N⌋ of all N units
are pruned (one ranking across layers, at most 95% of a layer and never its last unit), then the
model fine-tunes for --finetune-steps steps under the checkpoint's optimizer at 0.2× its learning
rate, the pruned units held at zero (docs/prune.md).`,
  groups: [
    { heading: 'Prune flags', flags: PRUNE_FLAGS },
    {
      heading: 'Runner flags',
      flags: RUNNER_FLAGS.filter((f) => ['out', 'backend', 'quiet'].includes(f.name)),
    },
  ],
  footer: `Writes { checkpoint, backend, method, sparsity, seconds, hvpCalls, layers: [{ name, channels, kept,
pruned: [indices], scores? }], before: { testAccuracy, params, macs }, afterPrune: { testAccuracy },
afterFinetune: { testAccuracy, params, macs } }; params and MACs count the live units only.
Exit codes: 0 done, 2 bad arguments or checkpoint.`,
};

export const HELP = commandHelp(PRUNE_SPEC);

/** A short table of the report for the terminal. */
function table(r: PruneReport): string {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  return [
    ...r.layers.map((l) => `${l.name.padEnd(8)} kept ${l.kept}/${l.channels}`),
    `${'before'.padEnd(14)} ${pct(r.before.testAccuracy).padStart(7)}  params ${r.before.params}  MACs ${r.before.macs}`,
    `${'after pruning'.padEnd(14)} ${pct(r.afterPrune.testAccuracy).padStart(7)}`,
    `${'fine-tuned'.padEnd(14)} ${pct(r.afterFinetune.testAccuracy).padStart(7)}  params ${r.afterFinetune.params}  MACs ${r.afterFinetune.macs}`,
  ].join('\n');
}

/** Entry point of `quant-lab prune`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, PRUNE_SPEC);
  if (!args.ok) return usageError(PRUNE_SPEC, args.error);
  const own = args.value.own;
  const from = own.get('from') as string | undefined;
  if (!from) return usageError(PRUNE_SPEC, '--from FILE is required: the checkpoint to prune');
  const sparsity = own.get('sparsity') as number | undefined;
  if (sparsity === undefined) return usageError(PRUNE_SPEC, '--sparsity S is required');
  if (!(sparsity > 0 && sparsity < 1))
    return usageError(PRUNE_SPEC, `--sparsity must be between 0 and 1 (exclusive), got ${sparsity}`);
  for (const [name, min] of [
    ['finetune-steps', 0],
    ['probes', 1],
    ['batch-size', 1],
  ] as const) {
    const v = own.get(name) as number | undefined;
    if (v !== undefined && v < min)
      return usageError(PRUNE_SPEC, `--${name} must be at least ${min}, got ${v}`);
  }
  const { options } = args.value;
  const read = readCheckpointFile(from);
  if (!read.ok) {
    console.error(`quant-lab prune: ${from}: ${read.error}`);
    return 2;
  }
  const backend = await initBackend(options.backend);
  const get = (name: string, fallback: number) => (own.get(name) as number | undefined) ?? fallback;
  const out = own.get('checkpoint') as string | undefined;
  const start = performance.now();
  let report: PruneReport;
  try {
    report = await pruneCheckpoint(
      read.value,
      loadMnistNode(),
      {
        method: ((own.get('method') as string | undefined) ?? 'hap') as PruneMethod,
        sparsity,
        finetuneSteps: get('finetune-steps', PRUNE_DEFAULTS.finetuneSteps),
        probes: get('probes', PRUNE_DEFAULTS.probes),
        batchSize: get('batch-size', PRUNE_DEFAULTS.batchSize),
        seed: get('seed', PRUNE_DEFAULTS.seed),
        scores: (own.get('scores') as boolean | undefined) ?? false,
        log: (line) => options.quiet || process.stderr.write(`${line}\n`),
      },
      out ? (file) => writeCheckpointFile(out, file) : undefined,
    );
  } catch (error) {
    console.error(`quant-lab prune: ${from}: ${(error as Error).message}`);
    return 2;
  }
  const seconds = (performance.now() - start) / 1000;
  const text = JSON.stringify({ checkpoint: from, backend, seconds, ...report }, null, 2);
  if (options.out) await writeFile(options.out, text);
  if (own.get('json')) console.log(text);
  else console.log(table(report));
  return 0;
}
