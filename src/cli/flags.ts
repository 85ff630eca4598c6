/**
 * Command-line flags of `quant-lab run`: ONE table maps each flag to an experiment field (or a
 * runner option) with its help text; parsing, validation messages and `--help` are all generated
 * from it (the playground's PROPS-table idea). Pure: no file or process I/O here.
 *
 * Flag names are a public contract (researchers script them): rename nothing, only add.
 */
import {
  DEFAULT_EXPERIMENT,
  ESTIMATOR_NAMES,
  MODEL_ARCHS,
  OPTIMIZERS,
  RANGE_ESTIMATORS,
} from '../experiment/schema';
import { BACKEND_NAMES, type BackendName } from '../tensor/backend';

/** How a flag's value is read. `bool` flags take no value (`--x` = true, `--no-x` = false). */
export type FlagKind = 'int' | 'number' | 'enum' | 'bool' | 'list' | 'string';

/** One row of the flag table. */
export interface FlagDef {
  /** Name without dashes, e.g. `weight-bits`. */
  name: string;
  kind: FlagKind;
  /** Experiment field it sets (dotted path), or absent for a runner option. */
  path?: string;
  /** Runner option it sets, for flags that are not experiment fields. */
  option?: keyof RunnerOptions;
  /** Allowed values of an `enum` flag. */
  values?: readonly string[];
  /** Placeholder in --help (e.g. `N`, `X`). */
  metavar?: string;
  help: string;
}

/** Settings of the runner itself (not part of the experiment). */
export interface RunnerOptions {
  /** Lesson id (`--preset`): its experiment is the base the flags override. */
  preset?: string;
  out?: string;
  saveWeights: boolean;
  backend: BackendName;
  quiet: boolean;
}

const BITS = 'bitwidth 2–8, or 32 for float';
type Arg = string | readonly string[] | null;

/** Table row of an experiment field: `arg` is the metavar, or the choices of an enum. */
function field(name: string, path: string, kind: FlagKind, arg: Arg, help: string): FlagDef {
  return typeof arg === 'string' || arg === null
    ? { name, kind, path, help, metavar: arg ?? undefined }
    : { name, kind, path, help, values: arg };
}

/** Table row of a runner option. */
function runner(name: string, option: keyof RunnerOptions, kind: FlagKind, arg: Arg, help: string): FlagDef {
  const row = field(name, '', kind, arg, help);
  return { ...row, path: undefined, option };
}

/** The flag table. Order = order in --help. */
export const FLAGS: readonly FlagDef[] = [
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
  field('optimizer', 'train.optimizer', 'enum', OPTIMIZERS, 'optimizer'),
  field('lr', 'train.lr', 'number', 'X', 'learning rate'),
  field('schedule', 'train.schedule', 'enum', ['constant', 'cosine'], 'learning-rate schedule'),
  field('steps', 'train.steps', 'int', 'N', 'training steps'),
  field('batch-size', 'train.batchSize', 'int', 'N', 'samples per step'),
  field('weight-decay', 'train.weightDecay', 'number', 'X', 'L2 weight decay on weight kernels'),
  field('eval-every', 'train.evalEvery', 'int', 'N', 'test evaluation every N steps (and at the end)'),
  field('report-every', 'train.reportEvery', 'int', 'N', 'history point every N steps'),
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
  runner('preset', 'preset', 'string', 'ID', "run a lesson: its experiment, the runs its claim compares against, and the claim checked (ids: 'quant-lab presets')"),
  runner('out', 'out', 'string', 'FILE', 'write the result JSON here (default: stdout)'),
  runner('save-weights', 'saveWeights', 'bool', null, "include each layer's integer codes and scales"),
  runner('backend', 'backend', 'enum', BACKEND_NAMES, 'tfjs backend'),
  runner('quiet', 'quiet', 'bool', null, 'no progress lines on stderr'),
];

/** What the command line says. */
export interface ParsedArgs {
  /** The experiment file, when given (first positional argument). */
  file?: string;
  /** Experiment fields set by flags, by dotted path. */
  overrides: Map<string, unknown>;
  /** Flag name of each override path (for error messages). */
  flagOf: Map<string, string>;
  options: RunnerOptions;
}

/** Result of parsing: never throws. */
export type ArgsResult = { ok: true; value: ParsedArgs } | { ok: false; error: string };

const BY_NAME = new Map(FLAGS.map((f) => [f.name, f]));

/** The value of a flag's default, for --help. */
function defaultOf(def: FlagDef): string {
  if (def.option) return def.option === 'backend' ? 'wasm' : '';
  const value = def
    .path!.split('.')
    .reduce<unknown>((obj, key) => (obj as Record<string, unknown> | undefined)?.[key], DEFAULT_EXPERIMENT);
  if (value === undefined || def.kind === 'bool') return '';
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** Converts a flag's text value, or returns an error message naming the flag and field. */
function convert(def: FlagDef, raw: string): { value: unknown } | { error: string } {
  const where = `--${def.name}${def.path ? ` (${def.path})` : ''}`;
  const num = (s: string) => (s.trim() === '' ? NaN : Number(s));
  switch (def.kind) {
    case 'int':
      return /^-?\d+$/.test(raw)
        ? { value: Number(raw) }
        : { error: `${where}: expected an integer, got '${raw}'` };
    case 'number':
      return Number.isFinite(num(raw))
        ? { value: num(raw) }
        : { error: `${where}: expected a number, got '${raw}'` };
    case 'enum':
      return def.values!.includes(raw)
        ? { value: raw }
        : { error: `${where}: expected one of ${def.values!.join('|')}, got '${raw}'` };
    case 'list': {
      const parts = raw.split(',').map(num);
      return parts.every(Number.isInteger)
        ? { value: parts }
        : { error: `${where}: expected integers separated by commas, got '${raw}'` };
    }
    default:
      return { value: raw };
  }
}

/** Records one flag's value into `out`. */
function assign(out: ParsedArgs, def: FlagDef, value: unknown): void {
  if (def.option) (out.options as unknown as Record<string, unknown>)[def.option] = value;
  else {
    out.overrides.set(def.path!, value);
    out.flagOf.set(def.path!, def.name);
  }
}

/**
 * Parses `[experiment.json] --flag value …` (also `--flag=value`, `--x`/`--no-x` for booleans).
 * Rejects unknown flags, missing values and values of the wrong type, naming the flag.
 */
export function parseArgs(argv: readonly string[]): ArgsResult {
  const out: ParsedArgs = {
    overrides: new Map(),
    flagOf: new Map(),
    options: { saveWeights: false, backend: 'wasm', quiet: false },
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      if (out.file !== undefined)
        return { ok: false, error: `unexpected argument '${arg}' (only one experiment file)` };
      out.file = arg;
      continue;
    }
    const eq = arg.indexOf('=');
    let name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const negated =
      !BY_NAME.has(name) && name.startsWith('no-') && BY_NAME.get(name.slice(3))?.kind === 'bool';
    if (negated) name = name.slice(3);
    const def = BY_NAME.get(name);
    if (!def) return { ok: false, error: `unknown flag '${arg}' (see 'quant-lab run --help')` };
    if (def.kind === 'bool') {
      if (eq >= 0) return { ok: false, error: `--${name} takes no value (use --${name} or --no-${name})` };
      assign(out, def, !negated);
      continue;
    }
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined)
      return { ok: false, error: `--${name} needs a value${def.metavar ? ` (${def.metavar})` : ''}` };
    const converted = convert(def, raw);
    if ('error' in converted) return { ok: false, error: converted.error };
    assign(out, def, converted.value);
  }
  return { ok: true, value: out };
}

/** Flag values are set on the experiment by the one loader. */
export { applyOverrides } from '../experiment/load';

/** Column where the help text of a flag starts. */
export const HELP_COLUMN = 28;

/** One --help line per flag: name, metavar or choices, help, field and default. */
export function flagHelp(): string {
  return FLAGS.map((def) => {
    const arg = def.kind === 'bool' ? '' : ` ${def.metavar ?? (def.kind === 'enum' ? 'NAME' : 'VALUE')}`;
    const choices = def.kind === 'enum' ? `: ${def.values!.join('|')}` : '';
    const dflt = defaultOf(def);
    const detail = [def.path, dflt && `default ${dflt}`].filter(Boolean).join('; ');
    return `${`  --${def.name}${arg}`.padEnd(HELP_COLUMN)}${def.help}${choices}${detail ? ` [${detail}]` : ''}`;
  }).join('\n');
}
