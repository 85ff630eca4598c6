/**
 * `quant-lab hessian`: the curvature of a trained checkpoint's float model (docs/hessian.md): per
 * layer and for the whole model, top Hessian eigenvalues, Hutchinson traces with their standard
 * errors, and optionally the SLQ eigenvalue density.
 */
import { writeFile } from 'node:fs/promises';
import { modelFromCheckpoint } from '../checkpoint';
import { readCheckpointFile } from '../checkpoint/node';
import { loadMnistNode } from '../data/node';
import {
  analyzeHessian,
  disposeBatch,
  HESSIAN_DEFAULTS,
  sampleBatch,
  type HessianReport,
} from '../hessian/analyze';
import { LANDSCAPE_DEFAULTS } from '../hessian/landscape';
import { initBackend } from '../tensor/backend';
import { commandHelp, type CommandSpec, type FlagDef, usageError } from './args';
import { parseArgs, RUNNER_FLAGS } from './flags';

/** Images in the Hessian's batch unless --batch-size says otherwise. */
export const HESSIAN_BATCH_SIZE = 128;

const HESSIAN_FLAGS: readonly FlagDef[] = [
  {
    name: 'from',
    kind: 'string',
    metavar: 'FILE',
    help: 'the trained model (a checkpoint from run --checkpoint); required',
  },
  {
    name: 'top-k',
    kind: 'int',
    metavar: 'K',
    help: 'top eigenvalues per layer and of the model, by power iteration (0: none)',
    default: String(HESSIAN_DEFAULTS.topK),
  },
  {
    name: 'trace-probes',
    kind: 'int',
    metavar: 'N',
    help: 'Rademacher probes of the Hutchinson traces (0: none)',
    default: String(HESSIAN_DEFAULTS.traceProbes),
  },
  {
    name: 'density',
    kind: 'bool',
    help: `the model's eigenvalue density by stochastic Lanczos quadrature (${HESSIAN_DEFAULTS.slq.steps} steps)`,
  },
  {
    name: 'landscape',
    kind: 'bool',
    help: "the loss along the model's top eigenvector and over its top two (PyHessian's plot; top-k at least 2)",
  },
  {
    name: 'landscape-points',
    kind: 'int',
    metavar: 'N',
    help: 'points per axis of the landscape on [−0.5, 0.5] (the 2-D grid is N × N)',
    default: String(LANDSCAPE_DEFAULTS.points),
  },
  {
    name: 'batch-size',
    kind: 'int',
    metavar: 'N',
    help: "training images of the loss (drawn with the checkpoint's seed)",
    default: String(HESSIAN_BATCH_SIZE),
  },
  {
    name: 'seed',
    kind: 'int',
    metavar: 'N',
    help: 'seed of the probe, start and Lanczos vectors',
    default: String(HESSIAN_DEFAULTS.seed),
  },
  { name: 'json', kind: 'bool', help: 'print the JSON to stdout instead of a table' },
];

export const HESSIAN_SPEC: CommandSpec = {
  name: 'hessian',
  summary: "a checkpoint's Hessian: top eigenvalues, traces, density and loss landscape",
  usage: [
    'hessian --from model.ckpt.json [--top-k K] [--trace-probes N] [--density] [--landscape [--landscape-points N]] [--json | --out F]',
  ],
  positionals: { name: 'argument', max: 0 },
  description: `The Hessian of the float model's loss (quantizers off, BN with its running statistics, mean
cross-entropy on --batch-size training images), through Hessian-vector products by double
backprop (docs/hessian.md). A layer's block is the Hessian of its weights; the model's is over
every trainable parameter (weights, biases, BN γ and β).`,
  groups: [
    { heading: 'Hessian flags', flags: HESSIAN_FLAGS },
    {
      heading: 'Runner flags',
      flags: RUNNER_FLAGS.filter((f) => ['out', 'backend', 'quiet'].includes(f.name)),
    },
  ],
  footer: `Writes { checkpoint, backend, batchSize, seed, seconds, hvpCalls, layers: [{ name, params, trace,
traceStdErr, topEigenvalues }], model: { params, topEigenvalues, trace, traceStdErr, density?,
landscape? } }; density is { nodes, weights }: the SLQ Ritz values and quadrature weights of each
run. landscape is { alphas, loss1d, accuracy1d, quantLoss1d?, quantAccuracy1d?, grid2d: { alphas,
betas, loss } }: the float model's loss (and batch accuracy) with every parameter moved to
θ + α·v₁, and over θ + α·v₁ + β·v₂ (loss[i][j] at alphas[i], betas[j]), v₁ and v₂ the model's
unit-norm top eigenvectors; the latent float parameters move, and a quantized model adds its
quantized forward's loss and accuracy along v₁ (docs/hessian.md §7).
Exit codes: 0 done, 2 bad arguments or checkpoint.`,
};

export const HELP = commandHelp(HESSIAN_SPEC);

/** A short table of the report for the terminal. */
function table(report: HessianReport): string {
  const num = (x: number) => (Number.isFinite(x) ? x.toPrecision(4) : '–');
  const row = (name: string, params: number, trace: number, err: number, eig: number[]) =>
    `${name.padEnd(8)} ${String(params).padStart(7)}  ${`${num(trace)} ± ${num(err)}`.padEnd(22)} ${eig.map(num).join(', ')}`;
  const m = report.model;
  return [
    `${'layer'.padEnd(8)} ${'params'.padStart(7)}  ${'trace ± stderr'.padEnd(22)} top eigenvalues`,
    ...report.layers.map((l) => row(l.name, l.params, l.trace, l.traceStdErr, l.topEigenvalues)),
    row('model', m.params, m.trace, m.traceStdErr, m.topEigenvalues),
  ].join('\n');
}

/** Entry point of `quant-lab hessian`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, HESSIAN_SPEC);
  if (!args.ok) return usageError(HESSIAN_SPEC, args.error);
  const own = args.value.own;
  const from = own.get('from') as string | undefined;
  if (!from) return usageError(HESSIAN_SPEC, '--from FILE is required: the checkpoint to analyze');
  for (const [name, min] of [
    ['top-k', 0],
    ['trace-probes', 0],
    ['batch-size', 1],
    ['landscape-points', 2],
  ] as const) {
    const v = own.get(name) as number | undefined;
    if (v !== undefined && v < min)
      return usageError(HESSIAN_SPEC, `--${name} must be at least ${min}, got ${v}`);
  }
  const { options } = args.value;
  const read = readCheckpointFile(from);
  if (!read.ok) {
    console.error(`quant-lab hessian: ${from}: ${read.error}`);
    return 2;
  }
  const backend = await initBackend(options.backend);
  const built = modelFromCheckpoint(read.value);
  if (!built.ok) {
    console.error(`quant-lab hessian: ${from}: ${built.error}`);
    return 2;
  }
  const batchSize = (own.get('batch-size') as number | undefined) ?? HESSIAN_BATCH_SIZE;
  const seed = (own.get('seed') as number | undefined) ?? HESSIAN_DEFAULTS.seed;
  const batch = sampleBatch(loadMnistNode().train, batchSize, read.value.experiment.seed);
  const start = performance.now();
  try {
    const report = analyzeHessian(built.model, batch, {
      ...HESSIAN_DEFAULTS,
      topK: (own.get('top-k') as number | undefined) ?? HESSIAN_DEFAULTS.topK,
      traceProbes: (own.get('trace-probes') as number | undefined) ?? HESSIAN_DEFAULTS.traceProbes,
      density: (own.get('density') as boolean | undefined) ?? false,
      ...(own.get('landscape') === true && {
        landscape: {
          ...LANDSCAPE_DEFAULTS,
          points: (own.get('landscape-points') as number | undefined) ?? LANDSCAPE_DEFAULTS.points,
        },
      }),
      seed,
      log: (line) => options.quiet || process.stderr.write(`${line}\n`),
    });
    const seconds = (performance.now() - start) / 1000;
    const output = { checkpoint: from, backend, batchSize: batch.x.shape[0], seed, seconds, ...report };
    const text = JSON.stringify(output, null, 2);
    if (options.out) await writeFile(options.out, text);
    if (own.get('json')) console.log(text);
    else console.log(`${table(report)}\n${report.hvpCalls} Hessian-vector products, ${seconds.toFixed(1)} s`);
    return 0;
  } finally {
    disposeBatch(batch);
    built.model.dispose();
  }
}
