/**
 * `quant-lab parity`: one batch of test digits through the float model, fake quantization, the
 * integer-only model and the ONNX export in onnxruntime-node, side by side per layer, worst layer
 * first, with the cause of every moved code (docs/integer.md §8).
 */
import { writeFile } from 'node:fs/promises';
import { modelFromCheckpoint } from '../checkpoint';
import { readCheckpointFile } from '../checkpoint/node';
import { loadMnistNode } from '../data/node';
import { integerBlocker } from '../deploy/integerModel';
import type { ParityReport } from '../deploy/parity';
import { measureParity, PARITY_COUNT } from '../deploy/parityNode';
import { initBackend } from '../tensor/backend';
import { commandHelp, type CommandSpec, type FlagDef, usageError } from './args';
import { parseArgs, RUNNER_FLAGS } from './flags';
import { BIAS_FRAC_BITS_FLAG, CALIB_SIZE_FLAG, deployFlagValues } from './deployFlags';

const PARITY_FLAGS: readonly FlagDef[] = [
  {
    name: 'from',
    kind: 'string',
    metavar: 'FILE',
    help: 'the trained model (a checkpoint from run --checkpoint); required',
  },
  {
    name: 'batch-size',
    kind: 'int',
    metavar: 'N',
    help: 'test digits in the one batch the table reads',
    default: String(PARITY_COUNT),
  },
  BIAS_FRAC_BITS_FLAG,
  CALIB_SIZE_FLAG,
  { name: 'json', kind: 'bool', help: 'print the JSON to stdout instead of a table' },
];

export const PARITY_SPEC: CommandSpec = {
  name: 'parity',
  summary: 'float, fake-quant, integer-only and onnxruntime side by side per layer',
  usage: ['parity --from model.ckpt.json [--batch-size N] [--bias-frac-bits K] [--json | --out F]'],
  positionals: { name: 'argument', max: 0 },
  description: `Runs one batch of test digits (the first --batch-size) through four forms of the
checkpoint's model: the float model (latent weights, no quantizers), fake quantization, the
integer-only model (infer --integer-only) and the QDQ ONNX export in onnxruntime-node, whose layer
codes are read from its own QuantizeLinear outputs. Per layer input: SQNR of each form against the
float model and against fake quantization, the largest code difference and the share of codes
moved, and what moved them (rounding ties, the int32 bias, the order of rounding, zero point and
clamp). Rows are ordered worst layer first (docs/integer.md §8).`,
  groups: [
    { heading: 'Parity flags', flags: PARITY_FLAGS },
    {
      heading: 'Runner flags',
      flags: RUNNER_FLAGS.filter((f) => ['out', 'backend', 'quiet'].includes(f.name)),
    },
  ],
  footer: `Writes { checkpoint, backend, runtime, images, biasFracBits, seconds, accuracy, argmaxAgreement,
logitsSqnrDb, layers: [{ index, name, weightBits, actBits, codes, calibrated, sqnrDb,
sqnrVsFakeQuantDb, maxCodeDiff, codesMoved, causes: { fakeQuantTies, integerTies, nearTies,
roundingOrder, clampBeforeZeroPoint, codesMovedBiasFrac8 }, cause }] }; per-form objects have keys
float, fakeQuant, integer, onnx. An SQNR of null means identical. Fields: docs/runner.md.
Exit codes: 0 done, 2 bad arguments, checkpoint, or a model with a float layer.`,
};

export const HELP = commandHelp(PARITY_SPEC);

const pct = (x: number | null, digits = 2) => (x === null ? '—' : `${(100 * x).toFixed(digits)}%`);
const db = (x: number | null) => (x === null ? '∞' : x.toFixed(1));

/** The table the command prints. */
export function parityText(r: ParityReport): string {
  const { accuracy: a, argmaxAgreement: g } = r;
  return [
    `${r.images} test digits. accuracy: float ${pct(a.float)}, fake-quant ${pct(a.fakeQuant)}, integer ${pct(a.integer)}, onnxruntime ${pct(a.onnx)}`,
    `argmax agreement with fake-quant: integer ${pct(g.integer)}, onnxruntime ${pct(g.onnx)} (fake-quant with float ${pct(g.fakeQuant)})`,
    `${'layer'.padEnd(8)} bits   SQNR vs float dB (fq/int/ort)  max|Δcode| int/ort  moved int/ort    ties fq/int  order  int@8  cause`,
    ...r.layers.map((l) =>
      [
        `${l.name.padEnd(8)} W${l.weightBits}A${l.actBits}`,
        `${db(l.sqnrDb.fakeQuant)}/${db(l.sqnrDb.integer)}/${db(l.sqnrDb.onnx)}`.padStart(30),
        `${l.maxCodeDiff.integer}/${l.maxCodeDiff.onnx ?? '—'}`.padStart(19),
        `${pct(l.codesMoved.integer, 3)}/${pct(l.codesMoved.onnx, 3)}`.padStart(17),
        `${l.causes.fakeQuantTies}/${l.causes.integerTies}`.padStart(12),
        String(l.causes.roundingOrder).padStart(6),
        pct(l.causes.codesMovedBiasFrac8, 3).padStart(7),
        ` ${l.cause}${l.calibrated ? ' (range calibrated)' : ''}`,
      ].join(' '),
    ),
  ].join('\n');
}

/** Entry point of `quant-lab parity`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, PARITY_SPEC);
  if (!args.ok) return usageError(PARITY_SPEC, args.error);
  const own = args.value.own;
  const from = own.get('from') as string | undefined;
  if (!from) return usageError(PARITY_SPEC, '--from FILE is required: the checkpoint to compare');
  const count = (own.get('batch-size') as number | undefined) ?? PARITY_COUNT;
  if (count < 1) return usageError(PARITY_SPEC, `--batch-size must be at least 1, got ${count}`);
  const values = deployFlagValues(own);
  if ('error' in values) return usageError(PARITY_SPEC, values.error);
  const { calibSize, biasFracBits } = values;
  const { options } = args.value;
  const read = readCheckpointFile(from);
  if (!read.ok) {
    console.error(`quant-lab parity: ${from}: ${read.error}`);
    return 2;
  }
  const backend = await initBackend(options.backend);
  const built = modelFromCheckpoint(read.value);
  if (!built.ok) {
    console.error(`quant-lab parity: ${from}: ${built.error}`);
    return 2;
  }
  const model = built.model;
  try {
    const blocker = integerBlocker(model);
    if (blocker) {
      console.error(`quant-lab parity: ${from}: ${blocker}`);
      return 2;
    }
    const start = performance.now();
    const report = await measureParity(model, read.value.experiment, loadMnistNode(), {
      count,
      biasFracBits,
      calibSize,
    });
    const seconds = (performance.now() - start) / 1000;
    const json = JSON.stringify({ checkpoint: from, backend, seconds, ...report }, null, 2);
    if (options.out) await writeFile(options.out, json);
    if (own.get('json')) console.log(json);
    else if (!options.quiet) console.log(parityText(report));
    return 0;
  } finally {
    model.dispose();
  }
}
