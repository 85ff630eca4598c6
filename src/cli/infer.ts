/**
 * `quant-lab infer`: a checkpoint's test accuracy, and with --integer-only the integer-only model
 * (docs/integer.md): integer codes, int32 accumulators, dyadic requantization, against the
 * fake-quant model on the same images.
 */
import { writeFile } from 'node:fs/promises';
import { modelFromCheckpoint } from '../checkpoint';
import { readCheckpointFile } from '../checkpoint/node';
import { imageBatch } from '../data/batches';
import { loadMnistNode } from '../data/node';
import { evaluateInteger, type IntegerEvaluation } from '../deploy/evaluate';
import { buildIntegerModel, integerBlocker, type IntegerModel } from '../deploy/integerModel';
import { initBackend } from '../tensor/backend';
import { evaluateSplit } from '../train/metrics';
import { commandHelp, type CommandSpec, type FlagDef, usageError } from './args';
import { BIAS_FRAC_BITS_FLAG, CALIB_SIZE_FLAG, deployFlagValues } from './deployFlags';
import { parseArgs, RUNNER_FLAGS } from './flags';

const INFER_FLAGS: readonly FlagDef[] = [
  {
    name: 'from',
    kind: 'string',
    metavar: 'FILE',
    help: 'the trained model (a checkpoint from run --checkpoint); required',
  },
  {
    name: 'integer-only',
    kind: 'bool',
    help: 'run the integer-only model (int32 accumulators, dyadic requantization) beside fake quantization',
  },
  BIAS_FRAC_BITS_FLAG,
  CALIB_SIZE_FLAG,
  { name: 'json', kind: 'bool', help: 'print the JSON to stdout instead of a table' },
];

export const INFER_SPEC: CommandSpec = {
  name: 'infer',
  summary: "a checkpoint's test accuracy; --integer-only runs it on integers and compares",
  usage: ['infer --from model.ckpt.json [--integer-only] [--bias-frac-bits K] [--json | --out F]'],
  positionals: { name: 'argument', max: 0 },
  description: `Evaluates the checkpoint's model on the first data.testSize test digits. With
--integer-only it also builds the integer-only model (docs/integer.md): b-bit codes, int32
accumulators, BN folded into per-channel scales, requantization by m·2^-s, ReLU and pooling on
integers; only the input pixels are quantized from float and only the logits are read as float.
Every layer must be quantized (weights and inputs at 2-16 bits).`,
  groups: [
    { heading: 'Inference flags', flags: INFER_FLAGS },
    {
      heading: 'Runner flags',
      flags: RUNNER_FLAGS.filter((f) => ['out', 'backend', 'quiet'].includes(f.name)),
    },
  ],
  footer: `Writes { checkpoint, backend, images, integerOnly, testAccuracy, fakeQuantTestAccuracy,
argmaxAgreement, biasFracBits, seconds, layers: [{ name, weightBits, actBits, maxCodeDiff,
codeMismatch, calibrated, input: { scale, zeroPoint, qmin, qmax }, requant: { m: [..], s: [..] } }] }.
testAccuracy is the integer model's with --integer-only, the fake-quant model's without.
Exit codes: 0 done, 2 bad arguments, checkpoint, or a model with a float layer.`,
};

export const HELP = commandHelp(INFER_SPEC);

/** The per-layer integer parameters the JSON reports beside the parity numbers. */
function layerDetails(integer: IntegerModel, ev: IntegerEvaluation) {
  return ev.layers.map((l, i) => {
    const layer = integer.layers[i]!;
    const { scale, zero, qmin, qmax } = layer.input;
    return {
      ...l,
      input: { scale, zeroPoint: zero, qmin, qmax },
      requant: layer.requant && { m: layer.requant.map((d) => d.m), s: layer.requant.map((d) => d.s) },
    };
  });
}

function table(ev: IntegerEvaluation): string {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  return [
    `integer-only ${pct(ev.testAccuracy)}, fake-quant ${pct(ev.fakeQuantTestAccuracy)}, argmax agreement ${pct(ev.argmaxAgreement)} (${ev.images} test digits)`,
    `${'layer'.padEnd(8)} bits   max |Δcode|  codes moved`,
    ...ev.layers.map(
      (l) =>
        `${l.name.padEnd(8)} W${l.weightBits}A${l.actBits}  ${String(l.maxCodeDiff).padStart(11)}  ${pct(l.codeMismatch).padStart(11)}${l.calibrated ? '  (range calibrated)' : ''}`,
    ),
  ].join('\n');
}

/** Entry point of `quant-lab infer`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, INFER_SPEC);
  if (!args.ok) return usageError(INFER_SPEC, args.error);
  const own = args.value.own;
  const from = own.get('from') as string | undefined;
  if (!from) return usageError(INFER_SPEC, '--from FILE is required: the checkpoint to run');
  const values = deployFlagValues(own);
  if ('error' in values) return usageError(INFER_SPEC, values.error);
  const { calibSize, biasFracBits } = values;
  const integerOnly = (own.get('integer-only') as boolean | undefined) ?? false;
  const { options } = args.value;
  const read = readCheckpointFile(from);
  if (!read.ok) {
    console.error(`quant-lab infer: ${from}: ${read.error}`);
    return 2;
  }
  const backend = await initBackend(options.backend);
  const built = modelFromCheckpoint(read.value);
  if (!built.ok) {
    console.error(`quant-lab infer: ${from}: ${built.error}`);
    return 2;
  }
  const model = built.model;
  try {
    const blocker = integerOnly && integerBlocker(model);
    if (blocker) {
      console.error(`quant-lab infer: ${from}: ${blocker}`);
      return 2;
    }
    const exp = read.value.experiment;
    const data = loadMnistNode();
    const start = performance.now();
    const calib = imageBatch(
      data.train,
      Array.from({ length: Math.min(calibSize, data.train.count) }, (_, i) => i),
    );
    const integer = integerOnly ? buildIntegerModel(model, exp, calib, { biasFracBits }) : null;
    calib.dispose();
    let output: Record<string, unknown>;
    let text: string;
    try {
      const count = exp.data.testSize;
      if (integer) {
        const ev = evaluateInteger(model, integer, data.test, { count });
        output = { ...ev, layers: layerDetails(integer, ev) };
        text = table(ev);
      } else {
        const { accuracy } = await evaluateSplit(model, data.test, count);
        const images = Math.min(count, data.test.count);
        output = { images, testAccuracy: accuracy, fakeQuantTestAccuracy: accuracy };
        text = `fake-quant ${(100 * accuracy).toFixed(2)}% on ${images} test digits`;
      }
    } finally {
      integer?.dispose();
    }
    const seconds = (performance.now() - start) / 1000;
    const json = JSON.stringify(
      { checkpoint: from, backend, integerOnly, biasFracBits, seconds, ...output },
      null,
      2,
    );
    if (options.out) await writeFile(options.out, json);
    if (own.get('json')) console.log(json);
    else if (!options.quiet) console.log(text);
    return 0;
  } finally {
    model.dispose();
  }
}
