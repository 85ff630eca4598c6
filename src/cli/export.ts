/**
 * `quant-lab export`: a checkpoint as ONNX (docs/integer.md §5), the fake-quant model in QDQ form
 * or the float model, optionally checked in onnxruntime on the test digits; or as a tfjs
 * LayersModel folder (docs/integer.md §9).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { modelFromCheckpoint } from '../checkpoint';
import { readCheckpointFile } from '../checkpoint/node';
import { imageBatch } from '../data/batches';
import { loadMnistNode } from '../data/node';
import { packedBytes } from '../deploy/modelForms';
import { checkOnnxNode } from '../deploy/onnxCheckNode';
import { exportOnnx, type OnnxForm } from '../deploy/onnxExport';
import { buildTfjsModel, TFJS_WEIGHTS_FILE, type TfjsForm, tfjsFiles } from '../deploy/tfjsExport';
import type { QuantModel } from '../models/build';
import { initBackend } from '../tensor/backend';
import { commandHelp, type CommandSpec, type FlagDef, usageError } from './args';
import { parseArgs, RUNNER_FLAGS } from './flags';
import { CALIB_SIZE_FLAG, deployFlagValues } from './deployFlags';

const EXPORT_FLAGS: readonly FlagDef[] = [
  {
    name: 'from',
    kind: 'string',
    metavar: 'FILE',
    help: 'the trained model (a checkpoint from run --checkpoint); required',
  },
  {
    name: 'format',
    kind: 'enum',
    values: ['onnx', 'tfjs'],
    help: "onnx (one file) or tfjs (a folder: tfjs's model.json and weights.bin)",
    default: 'onnx',
  },
  {
    name: 'float',
    kind: 'bool',
    help: 'export the float model (latent weights, no quantizers) instead of the fake-quant model',
  },
  {
    name: 'check',
    kind: 'bool',
    help: "run the export in onnxruntime (onnxruntime-node) on the test digits against the lab's model",
  },
  CALIB_SIZE_FLAG,
  { name: 'json', kind: 'bool', help: 'print the summary JSON to stdout instead of a line' },
];

export const EXPORT_SPEC: CommandSpec = {
  name: 'export',
  summary: 'write a checkpoint as ONNX (QDQ or float; --check runs it in onnxruntime) or as tfjs',
  usage: [
    'export --from model.ckpt.json --out model.onnx [--float] [--check] [--json]',
    'export --from model.ckpt.json --format tfjs --out DIR [--float] [--json]',
  ],
  positionals: { name: 'argument', max: 0 },
  description: `Writes the checkpoint's model as ONNX (opset 13) to --out. Input 'input': float32 pixels
in [0, 1], [N, 784] for the MLP and [N, 1, 28, 28] for conv models; output 'logits' [N, 10].
Quantized layer inputs pass QuantizeLinear/DequantizeLinear, quantized weights are stored as
integer codes behind a per-channel DequantizeLinear; b-bit grids use 8-bit containers (int8 or
uint8, activations clipped to the b-bit range first), so the file is as large at 4 bits as at 8:
packedBytes says what the weights take packed at their bit widths (docs/integer.md §5).
With --format tfjs, --out is a folder: model.json and weights.bin of a tfjs LayersModel (load it
with tf.loadLayersModel), holding the fake-quant weights dequantized (or with --float the latent
weights) and no activation quantizers; its metadata says so (docs/integer.md §9).`,
  groups: [
    { heading: 'Export flags', flags: EXPORT_FLAGS },
    {
      heading: 'Runner flags',
      flags: RUNNER_FLAGS.filter((f) => ['out', 'backend', 'quiet'].includes(f.name)),
    },
  ],
  footer: `--out is required (the ONNX file or the tfjs folder). Prints { checkpoint, out, format, form, bytes,
packedBytes, inputShape, check?: { runtime, version, optimization, images, testAccuracy,
labTestAccuracy, argmaxAgreement } }; form is qdq or float for onnx, weights or float for tfjs.
Exit codes: 0 done, 2 bad arguments or checkpoint, 3 --check found the runtime disagreeing
(argmax agreement below 99.9% or accuracy off by more than one digit in 2,000).`,
};

export const HELP = commandHelp(EXPORT_SPEC);

/** Entry point of `quant-lab export`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, EXPORT_SPEC);
  if (!args.ok) return usageError(EXPORT_SPEC, args.error);
  const own = args.value.own;
  const { options } = args.value;
  const from = own.get('from') as string | undefined;
  if (!from) return usageError(EXPORT_SPEC, '--from FILE is required: the checkpoint to export');
  if (!options.out) return usageError(EXPORT_SPEC, '--out is required: where the exported model goes');
  const values = deployFlagValues(own);
  if ('error' in values) return usageError(EXPORT_SPEC, values.error);
  const { calibSize } = values;
  const form: OnnxForm = own.get('float') ? 'float' : 'qdq';
  const tfjs = own.get('format') === 'tfjs';
  if (tfjs && own.get('check')) return usageError(EXPORT_SPEC, '--check runs ONNX exports only');
  const read = readCheckpointFile(from);
  if (!read.ok) {
    console.error(`quant-lab export: ${from}: ${read.error}`);
    return 2;
  }
  await initBackend(options.backend);
  const built = modelFromCheckpoint(read.value);
  if (!built.ok) {
    console.error(`quant-lab export: ${from}: ${built.error}`);
    return 2;
  }
  const model = built.model;
  if (tfjs) {
    try {
      const summary = await writeTfjs(model, options.out, form === 'float' ? 'float' : 'weights');
      if (own.get('json')) console.log(JSON.stringify({ checkpoint: from, ...summary }, null, 2));
      else if (!options.quiet)
        console.log(`${options.out}: tfjs LayersModel (${summary.form}), ${summary.bytes} bytes of weights`);
      return 0;
    } finally {
      model.dispose();
    }
  }
  try {
    const exp = read.value.experiment;
    const data = loadMnistNode();
    const calib = imageBatch(
      data.train,
      Array.from({ length: Math.min(calibSize, data.train.count) }, (_, i) => i),
    );
    const onnx = exportOnnx(model, exp, calib, form);
    calib.dispose();
    await writeFile(options.out, onnx.bytes);
    const summary: Record<string, unknown> = {
      checkpoint: from,
      out: options.out,
      format: 'onnx',
      form,
      bytes: onnx.bytes.length,
      packedBytes: packedBytes(exp, form === 'float' ? 'float' : 'qdq'),
      inputShape: onnx.inputShape,
    };
    let agreeing = true;
    if (own.get('check')) {
      const check = await checkOnnxNode(onnx, model, data.test, exp.data.testSize);
      summary.check = check;
      agreeing = check.agrees;
    }
    if (own.get('json')) console.log(JSON.stringify(summary, null, 2));
    else if (!options.quiet) console.log(line(summary));
    return agreeing ? 0 : 3;
  } finally {
    model.dispose();
  }
}

/** Writes the tfjs export of `model` into the folder `dir`. */
async function writeTfjs(model: QuantModel, dir: string, form: TfjsForm) {
  const seq = buildTfjsModel(model, form);
  try {
    const files = await tfjsFiles(seq);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'model.json'), files.modelJson);
    await writeFile(join(dir, TFJS_WEIGHTS_FILE), files.weights);
    return { out: dir, format: 'tfjs', form, bytes: files.weights.length };
  } finally {
    seq.dispose();
  }
}

function line(s: Record<string, unknown>): string {
  const check = s.check as
    { argmaxAgreement: number; testAccuracy: number; labTestAccuracy: number; version: string } | undefined;
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  return [
    `${String(s.out)}: ONNX ${String(s.form)}, ${String(s.bytes)} bytes (weights packed at their bits: ${String(s.packedBytes)} bytes)`,
    ...(check
      ? [
          `onnxruntime ${check.version}: ${pct(check.testAccuracy)} (lab ${pct(check.labTestAccuracy)}), argmax agreement ${pct(check.argmaxAgreement)}`,
        ]
      : []),
  ].join('\n');
}
