/**
 * `quant-lab ptq`: post-training quantization of a checkpoint (docs/ptq.md), one configuration or
 * the whole ladder, written as a result file (`run`'s shape plus a `ptq` section).
 */
import { writeFile } from 'node:fs/promises';
import { modelFromCheckpoint } from '../checkpoint';
import { readCheckpointFile, writeCheckpointFile } from '../checkpoint/node';
import { costOfExperiment } from '../cost/report';
import { loadMnistNode } from '../data/node';
import type { Experiment } from '../experiment/schema';
import { NoBatchNormError } from '../ptq/distill';
import { ptqCheckpoint } from '../ptq/export';
import type { PtqModel } from '../ptq/pipeline';
import { runLadder, type LadderCell } from '../ptq/ladder';
import { qatOptions } from '../ptq/qat';
import { runPtq, PTQ_RUN_DEFAULTS, type PtqRunOptions } from '../ptq/run';
import { initBackend } from '../tensor/backend';
import { commandHelp, type CommandSpec, type FlagDef, usageError } from './args';
import { EXPERIMENT_FLAGS, parseArgs, RUNNER_FLAGS } from './flags';
import { resolveExperiment } from './run';

/** The quantizer flags `ptq` shares with `run` (declared once, in ./flags.ts). */
const QUANT_FLAG_NAMES = [
  'weight-bits',
  'act-bits',
  'per-channel',
  'weight-range',
  'act-range',
  'first-last-8bit',
  'weight-grid',
  'act-grid',
  'weight-mse',
  'act-mse',
  'test-size',
];

const PTQ_FLAGS: readonly FlagDef[] = [
  {
    name: 'from',
    kind: 'string',
    metavar: 'FILE',
    help: 'the trained model (a checkpoint from run --checkpoint); required',
  },
  { name: 'cle', kind: 'bool', help: 'cross-layer equalization with BN folding and high-bias absorption' },
  {
    name: 'bias-correction',
    kind: 'enum',
    values: ['none', 'empirical', 'analytic'],
    help: 'remove the output shift quantization causes: measured, or from BN statistics',
    default: 'none',
  },
  {
    name: 'rounding',
    kind: 'enum',
    values: ['nearest', 'adaround'],
    help: 'weight rounding',
    default: 'nearest',
  },
  {
    name: 'adaround-iters',
    kind: 'int',
    metavar: 'N',
    help: 'AdaRound iterations per layer',
    default: '1000',
  },
  {
    name: 'calib-data',
    kind: 'enum',
    values: ['train', 'distilled'],
    help: 'calibration images: training digits, or distilled from BN statistics (ZeroQ)',
    default: 'train',
  },
  { name: 'calib-size', kind: 'int', metavar: 'N', help: 'calibration images', default: '256' },
  {
    name: 'heterogeneous',
    kind: 'bool',
    help: "depthwise and pointwise weights get their own schemes (the lab's defaults, docs/ptq.md §8)",
  },
  {
    name: 'checkpoint',
    kind: 'string',
    metavar: 'FILE',
    help: 'write the quantized model (BN folded) as a checkpoint that run --from fine-tunes with QAT',
  },
  {
    name: 'qat-steps',
    kind: 'int',
    metavar: 'N',
    help: 'with --ladder: fine-tune the last rung N steps with QAT (lr ×0.1, 10 evaluations) as a last row',
  },
  { name: 'ladder', kind: 'bool', help: 'run every rung of the ladder at W8A8, W4A8, W3A8 instead' },
  {
    name: 'seed',
    kind: 'int',
    metavar: 'N',
    help: 'seed of the calibration sample and AdaRound',
    default: '1',
  },
];

export const PTQ_SPEC: CommandSpec = {
  name: 'ptq',
  summary: 'quantize a trained checkpoint after training (CLE, bias correction, AdaRound, ZeroQ)',
  usage: [
    'ptq --from model.ckpt.json [flags] [--out result.json]',
    'ptq --from model.ckpt.json --ladder [--out ladder.json]',
  ],
  positionals: { name: 'argument', max: 0 },
  description: `Quantizes the checkpoint's float (latent) weights with BN folded, calibrating activation ranges on
--calib-size images, one layer at a time along the quantized path (docs/ptq.md). The quantizer flags
override the checkpoint's experiment; the rest of it (model, data) is the checkpoint's.`,
  groups: [
    { heading: 'Post-training flags', flags: PTQ_FLAGS },
    {
      heading: 'Quantizer flags (as in run)',
      flags: EXPERIMENT_FLAGS.filter((f) => QUANT_FLAG_NAMES.includes(f.name)),
    },
    {
      heading: 'Runner flags',
      flags: RUNNER_FLAGS.filter((f) => ['out', 'backend', 'quiet'].includes(f.name)),
    },
  ],
  footer: `Writes run's result shape: experiment, status, testAccuracy, backend, wallTimeMs, cost, and a
ptq section (options, floatTestAccuracy, cle, per-layer ranges, AdaRound flips, bias shifts,
seconds). With --ladder: { ladder: [{ rung, column, testAccuracy, floatTestAccuracy, ptq }] }.
Exit codes: 0 done, 2 bad arguments or checkpoint (or distilled data on a model without BN).`,
};

export const HELP = commandHelp(PTQ_SPEC);

/** The pipeline options the flags ask for. */
function ptqOptions(own: Map<string, unknown>): PtqRunOptions {
  const get = <T>(name: string, fallback: T) => (own.get(name) as T | undefined) ?? fallback;
  const iterations = own.get('adaround-iters') as number | undefined;
  return {
    ...PTQ_RUN_DEFAULTS,
    cle: get('cle', false),
    biasCorrection: get('bias-correction', PTQ_RUN_DEFAULTS.biasCorrection),
    rounding: get('rounding', PTQ_RUN_DEFAULTS.rounding),
    calibData: get('calib-data', PTQ_RUN_DEFAULTS.calibData),
    calibSize: get('calib-size', PTQ_RUN_DEFAULTS.calibSize),
    heterogeneous: get('heterogeneous', false),
    seed: get('seed', PTQ_RUN_DEFAULTS.seed),
    ...(iterations !== undefined && { adaround: { iterations } }),
  };
}

function percent(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

/** Entry point of `quant-lab ptq`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, PTQ_SPEC);
  if (!args.ok) return usageError(PTQ_SPEC, args.error);
  const from = args.value.own.get('from') as string | undefined;
  if (!from) return usageError(PTQ_SPEC, '--from FILE is required: the checkpoint to quantize');
  const { options } = args.value;
  const o = ptqOptions(args.value.own);
  for (const [name, min] of [
    ['calib-size', 1],
    ['adaround-iters', 1],
    ['qat-steps', 1],
  ] as const) {
    const v = args.value.own.get(name) as number | undefined;
    if (v !== undefined && v < min)
      return usageError(PTQ_SPEC, `--${name} must be at least ${min}, got ${v}`);
  }
  if (args.value.own.get('qat-steps') !== undefined && !args.value.own.get('ladder'))
    return usageError(PTQ_SPEC, '--qat-steps adds a row to the ladder: give --ladder too');
  if (args.value.own.get('ladder') && args.value.own.get('checkpoint') !== undefined)
    return usageError(PTQ_SPEC, '--checkpoint writes one quantized model; --ladder makes twelve');
  const read = readCheckpointFile(from);
  if (!read.ok) {
    console.error(`quant-lab ptq: ${from}: ${read.error}`);
    return 2;
  }
  const exp = resolveExperiment(args.value, read.value.experiment);
  if (!exp.ok) {
    console.error(`quant-lab ptq: ${exp.error}`);
    return 2;
  }
  const backend = await initBackend(options.backend);
  const built = modelFromCheckpoint(read.value);
  if (!built.ok) {
    console.error(`quant-lab ptq: ${from}: ${built.error}`);
    return 2;
  }
  const log = (line: string) => options.quiet || process.stderr.write(`${line}\n`);
  const data = loadMnistNode();
  const start = performance.now();
  try {
    let output: unknown;
    if (args.value.own.get('ladder')) {
      const ladder: LadderCell[] = [];
      const qatSteps = args.value.own.get('qat-steps') as number | undefined;
      const qat = qatSteps ? qatOptions(qatSteps) : undefined;
      for await (const cell of runLadder(built.model, exp.value, data, o, undefined, undefined, qat)) {
        ladder.push(cell);
        log(
          `W${cell.column.weightBits}A${cell.column.actBits} ${cell.rung}: ${percent(cell.testAccuracy)} (float ${percent(cell.floatTestAccuracy)})`,
        );
      }
      output = { experiment: exp.value, backend, wallTimeMs: performance.now() - start, ladder };
    } else {
      const out = args.value.own.get('checkpoint') as string | undefined;
      const stepsDone = read.value.stepsDone;
      const onModel = out
        ? async (m: PtqModel) => {
            const bytes = writeCheckpointFile(out, await ptqCheckpoint(m, exp.value, stepsDone));
            log(`wrote ${out} (${(bytes / 1e6).toFixed(2)} MB)`);
          }
        : undefined;
      const result = await runPtq(built.model, exp.value, data, { ...o, onModel });
      log(`ptq: ${percent(result.testAccuracy)} (float ${percent(result.ptq.floatTestAccuracy)})`);
      output = resultOf(exp.value, backend, performance.now() - start, result);
    }
    const text = JSON.stringify(output, null, 2);
    if (options.out) await writeFile(options.out, text);
    else console.log(text);
    return 0;
  } catch (error) {
    if (error instanceof NoBatchNormError) {
      console.error(`quant-lab ptq: ${error.message}`);
      return 2;
    }
    throw error;
  } finally {
    built.model.dispose();
  }
}

/** `run`'s result shape with the `ptq` section. */
function resultOf(
  exp: Experiment,
  backend: string,
  wallTimeMs: number,
  r: Awaited<ReturnType<typeof runPtq>>,
) {
  return {
    experiment: exp,
    status: 'completed' as const,
    testAccuracy: r.testAccuracy,
    history: [],
    backend,
    wallTimeMs,
    stepsPerSec: 0,
    cost: costOfExperiment(exp),
    ptq: r.ptq,
  };
}
