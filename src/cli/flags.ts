/**
 * The flags that set experiment fields, and the runner's own options: declared once here, used by
 * `run`, `cost` and `sweep` through the argument layer (./args.ts), which parses them and writes
 * their --help. Pure: no file or process I/O here.
 *
 * Flag names are a public contract (researchers script them): rename nothing, only add.
 */
import {
  DEFAULT_EXPERIMENT,
  DELTA_UNITS,
  ESTIMATOR_NAMES,
  MASK_ON,
  MODEL_ARCHS,
  MSE_SEARCHES,
  OPTIMIZERS,
  RANGE_ESTIMATORS,
  SIGNED_GRIDS,
} from '../experiment/schema';
import { BACKEND_NAMES, type BackendName } from '../tensor/backend';
import { type CommandSpec, type FlagDef, type FlagKind, flagLine, parseCommand } from './args';
import { QBITOPT_FLAGS, type QBitOptRunnerOptions } from './qbitoptFlags';

export type { FlagDef, FlagKind } from './args';

/** A runner option's flag: which option it sets. */
export interface RunnerFlagDef extends FlagDef {
  option: keyof RunnerOptions;
}

/** Settings of the runner itself (not part of the experiment). */
export interface RunnerOptions extends QBitOptRunnerOptions {
  /** Lesson id (`--preset`): its experiment is the base the flags override. */
  preset?: string;
  out?: string;
  saveWeights: boolean;
  backend: BackendName;
  quiet: boolean;
  /** Write a checkpoint of the trained model here at the end (`--checkpoint`). */
  checkpoint?: string;
  /** Start from this checkpoint (`--from`). */
  from?: string;
  /** With `from`: count steps from 0 instead of resuming (`--finetune`). */
  finetune?: boolean;
  /** Per-layer bits from the `layers` array of this file (`--layer-bits`, a `quant-lab mixed` output). */
  layerBits?: string;
}

const BITS = 'bitwidth 2–8, or 32 for float';
type Arg = string | readonly string[] | null;

/** The schema default at a dotted path, for --help. */
function defaultAt(path: string, kind: FlagKind): string | undefined {
  const value = path
    .split('.')
    .reduce<unknown>((obj, key) => (obj as Record<string, unknown> | undefined)?.[key], DEFAULT_EXPERIMENT);
  if (value === undefined || kind === 'bool') return undefined;
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** An experiment field's flag: `arg` is the metavar, or the choices of an enum. */
function field(name: string, path: string, kind: FlagKind, arg: Arg, help: string): FlagDef {
  const base = { name, kind, path, help, default: defaultAt(path, kind) };
  return typeof arg === 'string' || arg === null
    ? { ...base, metavar: arg ?? undefined }
    : { ...base, values: arg };
}

/** A runner option's flag. */
function runner(
  name: string,
  option: keyof RunnerOptions,
  kind: FlagKind,
  arg: Arg,
  help: string,
  dflt?: string,
): RunnerFlagDef {
  const base = { name, kind, option, help, default: dflt };
  return typeof arg === 'string' || arg === null
    ? { ...base, metavar: arg ?? undefined }
    : { ...base, values: arg };
}

/** Flags that set experiment fields. Order = order in --help. */
export const EXPERIMENT_FLAGS: readonly FlagDef[] = [
  field('model', 'model.arch', 'enum', MODEL_ARCHS, 'architecture'),
  field('hidden', 'model.hidden', 'list', 'N,N', 'hidden widths of the MLP'),
  field('width', 'model.widthMultiplier', 'number', 'X', 'width multiplier of every hidden layer'),
  field('weight-bits', 'quant.weight.bits', 'int', 'N', `weight ${BITS}`),
  field('act-bits', 'quant.act.bits', 'int', 'N', `activation ${BITS}`),
  field('per-channel', 'quant.weight.perChannel', 'bool', null, 'one weight scale per output channel'),
  field('weight-range', 'quant.weight.range', 'enum', RANGE_ESTIMATORS, 'weight range estimator'),
  field('act-range', 'quant.act.range', 'enum', RANGE_ESTIMATORS, 'activation range estimator'),
  field('first-last-8bit', 'quant.firstLastBits8', 'bool', null, 'keep the first and last layer at 8 bits'),
  field('quantnorm', 'quant.quantNorm', 'bool', null, 'quantize BN scale and shift (QuantNorm)'),
  field('double-quant', 'quant.doubleQuant', 'bool', null, 'quantize the per-channel scales to 8 bits'),
  field('estimator', 'estimator.name', 'enum', ESTIMATOR_NAMES, 'gradient estimator of round()'),
  field('estimator-param', 'estimator.param', 'number', 'X', "the estimator's shape parameter (k, a, δ)"),
  // Numerical conventions (docs/conventions.md): defaults are the lab's.
  field(
    'weight-grid',
    'quant.weight.signedGrid',
    'enum',
    SIGNED_GRIDS,
    'signed weight grid: max at qmax, narrow, full',
  ),
  field(
    'act-grid',
    'quant.act.signedGrid',
    'enum',
    SIGNED_GRIDS,
    'signed activation grid (as --weight-grid)',
  ),
  field(
    'weight-mse',
    'quant.weight.mseSearch',
    'enum',
    MSE_SEARCHES,
    'asymmetric MSE search: shrink or both ends',
  ),
  field('act-mse', 'quant.act.mseSearch', 'enum', MSE_SEARCHES, 'activation MSE search (as --weight-mse)'),
  field('delta-units', 'estimator.deltaUnits', 'enum', DELTA_UNITS, "EWGS δ in code units or the paper's"),
  field('clip-mask', 'estimator.clipMask', 'bool', null, 'zero the gradient outside the clip range (DSQ)'),
  field('mask-on', 'estimator.maskOn', 'enum', MASK_ON, 'the clip mask tests v or round(v)'),
  field('optimizer', 'train.optimizer', 'enum', OPTIMIZERS, 'optimizer'),
  field('lr', 'train.lr', 'number', 'X', 'learning rate'),
  field('schedule', 'train.schedule', 'enum', ['constant', 'cosine'], 'learning-rate schedule'),
  field('steps', 'train.steps', 'int', 'N', 'training steps'),
  field('batch-size', 'train.batchSize', 'int', 'N', 'samples per step'),
  field('weight-decay', 'train.weightDecay', 'number', 'X', 'L2 weight decay on weight kernels'),
  field('hessian-power', 'train.hessianPower', 'number', 'K', 'AdaHessian: divide by (√v)^K, K in (0, 1]'),
  field('eval-every', 'train.evalEvery', 'int', 'N', 'test evaluation every N steps (and at the end)'),
  field('report-every', 'train.reportEvery', 'int', 'N', 'history point every N steps'),
  field('native-int', 'train.nativeInt', 'bool', null, 'layer ops on the integer codes (int32, rescaled)'),
  field('seed', 'seed', 'int', 'N', 'seed of initialization and data order'),
  field('train-size', 'data.trainSize', 'int', 'N', 'training digits used (of 8000)'),
  field('test-size', 'data.testSize', 'int', 'N', 'test digits used (of 2000)'),
  field('dampening', 'oscillation.dampening', 'number', 'λ', 'oscillation dampening strength λ (0 = off)'),
  field(
    'freeze-threshold',
    'oscillation.freezeThreshold',
    'number',
    'F',
    'freeze weights oscillating above F (0 = off)',
  ),
  field('osc-momentum', 'oscillation.momentum', 'number', 'm', 'EMA momentum of the oscillation frequency'),
  field('bn-reestimate', 'bn.reestimate', 'bool', null, 're-estimate BN statistics before each evaluation'),
  field(
    'twin',
    'twin.estimator.name',
    'enum',
    ESTIMATOR_NAMES,
    'also train a twin with this estimator and compare',
  ),
  field('twin-map', 'twin.map', 'bool', null, 'apply the SGD mapping (lr·α, init M) to the twin comparison'),
];

/** The runner's own options. */
export const RUNNER_FLAGS: readonly RunnerFlagDef[] = [
  runner(
    'preset',
    'preset',
    'string',
    'ID',
    "run a lesson: its experiment, the runs its claim compares against, and the claim checked (ids: 'quant-lab presets')",
  ),
  runner('out', 'out', 'string', 'FILE', 'write the result JSON here (default: stdout)'),
  runner('save-weights', 'saveWeights', 'bool', null, "include each layer's integer codes and scales"),
  runner('backend', 'backend', 'enum', BACKEND_NAMES, 'tfjs backend', 'wasm'),
  runner('quiet', 'quiet', 'bool', null, 'no progress lines on stderr'),
];

/** `run`'s checkpoint flags (docs/checkpoints.md). */
export const CHECKPOINT_FLAGS: readonly RunnerFlagDef[] = [
  runner(
    'checkpoint',
    'checkpoint',
    'string',
    'FILE',
    'write a checkpoint of the trained model here at the end',
  ),
  runner(
    'from',
    'from',
    'string',
    'FILE',
    'start from this checkpoint: its experiment (unless a file is given), weights and state',
  ),
  runner('finetune', 'finetune', 'bool', null, 'with --from: count steps from 0 instead of resuming'),
];

/** Per-layer bits from a file (docs/mixed.md §4): `run` and `cost`. */
export const LAYER_BITS_FLAGS: readonly RunnerFlagDef[] = [
  runner(
    'layer-bits',
    'layerBits',
    'string',
    'FILE',
    "per-layer weight and activation bits: the 'layers' array of FILE (a 'quant-lab mixed' output)",
  ),
];

/** Every flag of `quant-lab run`. */
export const FLAGS: readonly FlagDef[] = [
  ...EXPERIMENT_FLAGS,
  ...LAYER_BITS_FLAGS,
  ...QBITOPT_FLAGS,
  ...RUNNER_FLAGS,
  ...CHECKPOINT_FLAGS,
];

/** What the command line says, for commands that load an experiment. */
export interface ParsedArgs {
  /** The experiment file, when given (first positional argument). */
  file?: string;
  /** Experiment fields set by flags, by dotted path. */
  overrides: Map<string, unknown>;
  /** Flag name of each override path (for error messages). */
  flagOf: Map<string, string>;
  options: RunnerOptions;
  /** Values of the command's own flags (not experiment fields or runner options), by name. */
  own: Map<string, unknown>;
}

/** Result of parsing: never throws. */
export type ArgsResult = { ok: true; value: ParsedArgs } | { ok: false; error: string };

/** Parses argv for `spec` (by default, `run`'s flags), sorting values into overrides, options and the command's own. */
export function parseArgs(argv: readonly string[], spec: CommandSpec = RUN_ARGS): ArgsResult {
  const parsed = parseCommand(spec, argv);
  if (!parsed.ok) return parsed;
  const out: ParsedArgs = {
    file: parsed.value.positionals[0],
    overrides: new Map(),
    flagOf: new Map(),
    options: { saveWeights: false, backend: 'wasm', quiet: false },
    own: new Map(),
  };
  const byName = new Map(spec.groups.flatMap((g) => g.flags).map((f) => [f.name, f]));
  for (const [name, value] of parsed.value.values) {
    const def = byName.get(name)!;
    if (def.path) {
      out.overrides.set(def.path, value);
      out.flagOf.set(def.path, def.name);
    } else if ('option' in def)
      (out.options as unknown as Record<string, unknown>)[(def as RunnerFlagDef).option] = value;
    else out.own.set(name, value);
  }
  return { ok: true, value: out };
}

/** The argument spec of `quant-lab run` (its --help text is in ./run.ts). */
export const RUN_ARGS: CommandSpec = {
  name: 'run',
  summary: 'train one experiment and write its result JSON',
  usage: ['run [experiment.json] [flags]', 'run --preset ID [--seed N] [flags]'],
  positionals: { name: 'experiment file', max: 1 },
  groups: [
    { heading: 'Experiment flags (override the file, or the lesson)', flags: EXPERIMENT_FLAGS },
    { heading: 'Mixed precision', flags: LAYER_BITS_FLAGS },
    { heading: 'Bits learned during QAT (docs/mixed.md §6)', flags: QBITOPT_FLAGS },
    { heading: 'Runner flags', flags: RUNNER_FLAGS },
    { heading: 'Checkpoints', flags: CHECKPOINT_FLAGS },
  ],
};

/** Sets experiment values by dotted path (the one loader's own helper). */
export { applyOverrides } from '../experiment/load';

/** One --help line per flag of `defs` (default: every run flag). */
export function flagHelp(defs: readonly FlagDef[] = FLAGS): string {
  return defs.map(flagLine).join('\n');
}
