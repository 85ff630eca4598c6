/**
 * `quant-lab run [experiment.json] [flags]`: trains one experiment headlessly and writes its result
 * JSON (resolved experiment, testAccuracy 0–1, history, backend, wall time, …) to --out or stdout.
 * Progress goes to stderr. `--checkpoint` writes the trained model, `--from` starts from one
 * (docs/checkpoints.md). Exit codes: 0 completed, 2 bad arguments, experiment file or checkpoint,
 * 3 diverged (the result JSON is still written).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { CheckpointError } from '../checkpoint/check';
import type { Checkpoint } from '../checkpoint/format';
import { readCheckpointFile, writeCheckpointFile } from '../checkpoint/node';
import { loadMnistNode } from '../data/node';
import { loadExperiment } from '../experiment/load';
import { parseLayerBits, withAllocation } from '../mixed/allocation';
import { InfeasibleBudgetError } from '../mixed/ilp';
import {
  checkBudget,
  qbitoptConfigOf,
  qbitoptOptionsOf,
  qbitoptSteering,
  type QBitOptOptions,
} from '../mixed/qbitopt';
import type { Experiment } from '../experiment/schema';
import { initBackend } from '../tensor/backend';
import { getPreset, PRESETS } from '../experiment/presets';
import { runLesson } from '../train/lesson';
import { runExperiment } from '../train/run';
import type { RunResult, StepReport } from '../train/types';
import { commandHelp, type CommandSpec, usageError } from './args';
import { FLAGS, parseArgs, type ParsedArgs, RUN_ARGS, type RunnerOptions } from './flags';
import { qbitoptOptions } from './qbitoptFlags';

/** Exit code of a diverged run. */
export const EXIT_DIVERGED = 3;
/** Exit code of bad arguments or a bad experiment file. */
export const EXIT_USAGE = 2;
/** Exit code of a --qbitopt budget below the cheapest allocation. */
export const EXIT_INFEASIBLE = 4;

/** `quant-lab run`: its flags (./flags.ts) and the text around them. */
export const RUN_SPEC: CommandSpec = {
  ...RUN_ARGS,
  description: `Flags override the file's values (or the lesson's); missing values take the schema defaults.
32 bits means float. A lesson (--preset) also trains the runs its claim compares against, at the
same seed, and the result carries claim: {text, predicate, condition, holds, measured, final} and
compare: {role: result}; a claim that does not hold is a finding, not an error (exit 0).

--from FILE starts from a checkpoint (docs/checkpoints.md) with its experiment, unless an
experiment file is given; flags override either. It resumes at the checkpoint's step: --steps is
the total, the schedules go on, tracked oscillations and frozen weights carry over. --finetune
counts from 0 instead: a new run of --steps steps on its weights (QAT of a float model:
--from float.json --finetune --weight-bits 4). The architecture must match; quantizers whose
settings changed calibrate afresh; the optimizer state is not stored (Adam restarts at zero).

--qbitopt learns per-layer bits during QAT under one budget (docs/mixed.md §7): at the start and
every --qbitopt-every steps, HAWQ's sensitivities from a few Hutchinson probes and the ILP of
'quant-lab mixed' set the bits; in the last --qbitopt-freeze share of the steps they stay fixed.
The result adds qbitopt: {budget, every, freezeStep, history: [{step, layers, cost, objective}],
final: {layers, cost}}; the final cost is within the budget. The flags are written into the result's
experiment as its qbitopt field, and an experiment file (or an app link) with a qbitopt field
learns its bits the same way without them.`,
  footer: `Output: the result JSON (experiment, status, testAccuracy 0–1, history [{step, loss, …}], backend,
wallTimeMs, stepsPerSec, and weights with --save-weights) to --out or stdout; progress on stderr.
With --checkpoint FILE, a checkpoint of the trained model, whatever the status.
Exit codes: 0 completed, ${EXIT_USAGE} bad arguments, experiment file or checkpoint, ${EXIT_DIVERGED} diverged,
${EXIT_INFEASIBLE} a --qbitopt budget below the cheapest allocation (the message names the smallest).

Examples:
  quant-lab run --preset oscillations-w3-dscnn-freeze --seed 2 --out freeze.json
  quant-lab run --model mlp --weight-bits 4 --act-bits 4 --estimator ste --optimizer adam \\
    --steps 1000 --seed 1 --out result.json --checkpoint w4.ckpt.json
  quant-lab run --from w4.ckpt.json --steps 2000 --checkpoint w4-2000.ckpt.json`,
};

/** The --help text, generated from the flag declarations. */
export const HELP = commandHelp(RUN_SPEC);

/** Reads and parses the experiment file; an error names the file and the problem. */
function readExperimentFile(file: string): { ok: true; value: unknown } | { ok: false; error: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { ok: false, error: `cannot read ${file}: ${(error as Error).message}` };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: `${file} is not valid JSON: ${(error as Error).message}` };
  }
}

/**
 * The resolved experiment: file values (older versions migrated), then flags, validated by the
 * schema (src/experiment/load.ts). Errors name the field (and the flag that set it, or the file it
 * came from).
 */
export function resolveExperiment(
  args: ParsedArgs,
  fileInput: unknown,
): { ok: true; value: Experiment; warnings: string[] } | { ok: false; error: string } {
  const loaded = loadExperiment(fileInput, { overrides: args.overrides });
  if (loaded.ok) return loaded;
  if (!loaded.issues) return { ok: false, error: `${args.file ?? 'experiment'}: ${loaded.error}` };
  const lines = loaded.issues.slice(0, 5).map((issue) => {
    const path = issue.path.join('.');
    const related = (p: string) => p === path || p.startsWith(`${path}.`) || path.startsWith(`${p}.`);
    const given = [...args.flagOf.entries()].find(([p]) => related(p))?.[1];
    if (given) return `--${given} (${path}): ${issue.message}`;
    // Not set by a flag: point at the file, and at the flag that could set the field.
    const hint = FLAGS.find((f) => f.path && related(f.path));
    const source = args.file ? `${args.file}: ${path || '(root)'}` : path || '(root)';
    return `${source}: ${issue.message}${hint ? ` (set with --${hint.name})` : ''}`;
  });
  return { ok: false, error: lines.join('\n') };
}

function percent(x: number | undefined): string {
  return x === undefined ? '' : `${(100 * x).toFixed(2)}%`;
}

/** A progress printer: every evaluation, and otherwise about every 10% of the steps. */
function progressPrinter(exp: Experiment): (report: StepReport) => void {
  const every = Math.max(1, Math.round(exp.train.steps / 10));
  let lastPrinted = 0;
  const start = performance.now();
  return ({ point }) => {
    if (point.testAccuracy === undefined && point.step - lastPrinted < every) return;
    lastPrinted = point.step;
    const rate = point.step / ((performance.now() - start) / 1000);
    const test = point.testAccuracy === undefined ? '' : `  test ${percent(point.testAccuracy)}`;
    process.stderr.write(
      `step ${point.step}/${exp.train.steps}  loss ${point.loss.toFixed(4)}  train ${percent(point.trainAccuracy)}${test}  lr ${point.lr.toPrecision(3)}  ${rate.toFixed(1)} steps/s\n`,
    );
  };
}

function writeResult(result: RunResult, out: string | undefined): void {
  // Weights hold up to ~10^5 codes: keep that file compact; otherwise indent for reading.
  const text = result.weights ? JSON.stringify(result) : JSON.stringify(result, null, 2);
  if (out) writeFileSync(out, `${text}\n`);
  else process.stdout.write(`${text}\n`);
}

/**
 * The experiment a command's arguments describe: the file (or `base`), then the flags, through the
 * one loader. Errors name the file, the field and the flag.
 */
export function experimentFromArgs(
  args: ParsedArgs,
  base: unknown = {},
): { ok: true; value: Experiment } | { ok: false; error: string } {
  const file = args.file ? readExperimentFile(args.file) : { ok: true as const, value: base };
  if (!file.ok) return file;
  const exp = resolveExperiment(args, file.value);
  if (!exp.ok) return { ok: false, error: `invalid experiment:\n${exp.error}` };
  const path = args.options.layerBits;
  if (path === undefined) return exp;
  const read = readExperimentFile(path);
  if (!read.ok) return { ok: false, error: `--layer-bits ${read.error}` };
  const layers = parseLayerBits(read.value, exp.value);
  if (!layers.ok) return { ok: false, error: `--layer-bits ${path}: ${layers.error}` };
  return { ok: true, value: withAllocation(exp.value, layers.value) };
}

/** The checkpoint to start from (read and validated), or why the checkpoint flags do not go together. */
function checkpointOptions(
  options: RunnerOptions,
  lesson: boolean,
): { ok: true; from?: Checkpoint } | { ok: false; error: string } {
  if (lesson && (options.from !== undefined || options.checkpoint !== undefined))
    return {
      ok: false,
      error: '--from and --checkpoint do not apply to a lesson (--preset): it trains several runs',
    };
  if (options.finetune && options.from === undefined)
    return { ok: false, error: '--finetune needs --from FILE' };
  if (options.from === undefined) return { ok: true };
  const read = readCheckpointFile(options.from);
  return read.ok ? { ok: true, from: read.value } : { ok: false, error: `${options.from}: ${read.error}` };
}

/** Where the run starts, for the first progress line. */
function startText(from: Checkpoint | undefined, finetune = false): string {
  if (!from) return '';
  return finetune
    ? `, fine-tuning from a checkpoint at step ${from.stepsDone}`
    : `, resuming a checkpoint at step ${from.stepsDone}`;
}

/** A progress note on stderr: what was written, and its size. */
function note(options: RunnerOptions, what: string, bytes: number): void {
  if (!options.quiet) process.stderr.write(`quant-lab run: wrote ${what} (${(bytes / 1e6).toFixed(2)} MB)\n`);
}

/** The --qbitopt options, checked before training: code 0 to go on, else the exit code (printed). */
function qbitoptCheck(
  options: RunnerOptions,
  exp: Experiment,
  lesson: boolean,
): { code: number; options?: QBitOptOptions } {
  const flags = qbitoptOptions(options, exp.seed);
  // Without the flags, an experiment file's (or a link's) own `qbitopt` steers the run.
  const parsed = flags.ok && !flags.value ? { ok: true as const, value: qbitoptOptionsOf(exp) } : flags;
  const refuse = (message: string, code = EXIT_USAGE) => {
    console.error(`quant-lab run: ${message}`);
    return { code };
  };
  if (!parsed.ok) return refuse(parsed.error);
  if (!parsed.value) return { code: 0 };
  if (lesson) return refuse('--qbitopt does not apply to a lesson (--preset)');
  if (exp.twin) return refuse('--qbitopt trains one model; a twin run trains two (drop --twin)');
  try {
    checkBudget(exp, parsed.value);
  } catch (error) {
    if (error instanceof InfeasibleBudgetError) return refuse(error.message, EXIT_INFEASIBLE);
    throw error;
  }
  return { code: 0, options: parsed.value };
}

/** Entry point of `quant-lab run`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  const args = parseArgs(argv, RUN_SPEC);
  if (!args.ok) return usageError(RUN_SPEC, args.error);
  const { options } = args.value;
  const preset = options.preset === undefined ? undefined : getPreset(options.preset);
  if (options.preset !== undefined && !preset) {
    console.error(
      `quant-lab run: unknown lesson '${options.preset}'; one of: ${PRESETS.map((p) => p.id).join(', ')}`,
    );
    return EXIT_USAGE;
  }
  if (preset && args.value.file) {
    console.error('quant-lab run: give an experiment file or --preset, not both');
    return EXIT_USAGE;
  }
  const start = checkpointOptions(options, preset !== undefined);
  if (!start.ok) {
    console.error(`quant-lab run: ${start.error}`);
    return EXIT_USAGE;
  }
  const base = preset ? structuredClone(preset.experiment) : (start.from?.experiment ?? {});
  const exp = experimentFromArgs(args.value, base);
  if (!exp.ok) {
    console.error(`quant-lab run: ${exp.error}`);
    return EXIT_USAGE;
  }
  if (exp.value.twin && (start.from || options.checkpoint)) {
    console.error('quant-lab run: a checkpoint holds one model; a twin run trains two (drop --twin)');
    return EXIT_USAGE;
  }
  const qbit = qbitoptCheck(options, exp.value, preset !== undefined);
  if (qbit.code !== 0) return qbit.code;
  // The result's experiment records the flags, so it reruns (and opens in the app) as this run.
  if (qbit.options) exp.value = { ...exp.value, qbitopt: qbitoptConfigOf(qbit.options) };
  const backend = await initBackend(options.backend);
  const data = loadMnistNode();
  if (!options.quiet)
    process.stderr.write(
      `quant-lab run: ${exp.value.model.arch}, W${exp.value.quant.weight.bits}A${exp.value.quant.act.bits}, ${exp.value.train.steps} steps on ${backend}${startText(start.from, options.finetune)}\n`,
    );
  let result: RunResult;
  if (preset) {
    let print: ((r: StepReport) => void) | undefined;
    const lesson = await runLesson(preset, data, {
      experiment: exp.value,
      saveWeights: options.saveWeights,
      onRunStart: (role, e) => {
        print = options.quiet ? undefined : progressPrinter(e);
        if (!options.quiet) process.stderr.write(`quant-lab run: lesson ${preset.id}, run '${role}'\n`);
      },
      onReport: (_role, r) => print?.(r),
      onLadderCell: (c) => {
        if (!options.quiet)
          process.stderr.write(
            `quant-lab run: ladder W${c.weightBits}A${c.actBits}${c.calibData === 'train' ? '' : ` (${c.calibData})`} ${c.rung}: ${(100 * c.testAccuracy).toFixed(2)}% (float ${(100 * c.floatTestAccuracy).toFixed(2)}%)\n`,
          );
      },
    });
    result = {
      ...lesson.self,
      lesson: preset.id,
      compare: lesson.compare,
      ...(lesson.ladder && { ladder: lesson.ladder }),
      ...(lesson.prune && { prune: lesson.prune }),
      ...(lesson.analysis && { analysis: lesson.analysis }),
    };
    const { claim } = lesson.self;
    const verdict = claim.holds === null ? 'not measurable' : claim.holds ? 'holds ✔' : 'does not hold ✘';
    if (!options.quiet)
      process.stderr.write(
        `quant-lab run: claim ${verdict}: ${claim.text}\n  ${JSON.stringify(claim.measured)}\n`,
      );
  } else {
    const onReport = options.quiet ? undefined : progressPrinter(exp.value);
    const { checkpoint: path, finetune } = options;
    try {
      result = await runExperiment(exp.value, data, onReport, {
        saveWeights: options.saveWeights,
        from: start.from && { checkpoint: start.from, finetune },
        steering: qbit.options && qbitoptSteering(data, qbit.options),
        onCheckpoint: path
          ? (file) => note(options, `checkpoint ${path}`, writeCheckpointFile(path, file))
          : undefined,
      });
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error;
      console.error(`quant-lab run: ${options.from}: ${error.message}`);
      return EXIT_USAGE;
    }
  }
  writeResult(result, options.out);
  if (result.status === 'diverged') {
    console.error(`quant-lab run: diverged: ${result.reason}`);
    return EXIT_DIVERGED;
  }
  if (!options.quiet)
    process.stderr.write(
      `quant-lab run: test accuracy ${percent(result.testAccuracy)} in ${(result.wallTimeMs / 1000).toFixed(1)} s\n`,
    );
  return 0;
}
