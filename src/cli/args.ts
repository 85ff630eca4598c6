/**
 * The runner's one argument layer. Each command declares its flags once, as a {@link CommandSpec};
 * parsing (Node's own `util.parseArgs`: strict, `--x=value` and `--x value`, `--no-x` for booleans),
 * value checks, `--help` and the README's flag table (checked by a unit test) all come from it.
 *
 * Node's parser was chosen over a library: it ships with the runtime the runner needs anyway, does
 * the tokenizing strictly (unknown flags, a value missing, a value given to a boolean), and leaves the
 * typed conversion to us, which every flag here needs anyway (bit lists, enums, experiment paths).
 */
import { parseArgs as parseNodeArgs } from 'node:util';

/** How a flag's value is read. `bool` flags take no value (`--x` = true, `--no-x` = false). */
export type FlagKind = 'int' | 'number' | 'enum' | 'bool' | 'list' | 'string';

/** One flag of a command. */
export interface FlagDef {
  /** Name without dashes, e.g. `weight-bits`. */
  name: string;
  kind: FlagKind;
  /** Experiment field it sets (dotted path), for flags that change the experiment. */
  path?: string;
  /** Allowed values of an `enum` flag. */
  values?: readonly string[];
  /** Placeholder in --help (e.g. `N`, `X`). */
  metavar?: string;
  help: string;
  /** Shown in --help as the default. */
  default?: string;
}

/** What a command accepts, and the text around its flags in --help. */
export interface CommandSpec {
  name: string;
  /** One line: what it does. */
  summary: string;
  /** Usage lines, without the leading `quant-lab `. */
  usage: string[];
  /** Paragraphs between the usage and the flags. */
  description?: string;
  /** Positional arguments: their name in messages and how many are allowed. */
  positionals: { name: string; max: number };
  /** Flag groups in --help order, each with its heading. */
  groups: { heading: string; flags: readonly FlagDef[] }[];
  /** Text after the flags (outputs, exit codes, examples). */
  footer?: string;
}

export interface ParsedCommand {
  positionals: string[];
  /** Converted values of the flags given, by flag name. */
  values: Map<string, unknown>;
}

export type ParseOutcome = { ok: true; value: ParsedCommand } | { ok: false; error: string };

/** Every flag of a command (later groups may not redefine a name). */
export function flagsOf(spec: CommandSpec): FlagDef[] {
  return spec.groups.flatMap((g) => g.flags);
}

/** Converts a flag's text value, or returns an error naming the flag (and the field it sets). */
export function convertFlag(def: FlagDef, raw: string): { value: unknown } | { error: string } {
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

/** Parses argv against the command's declared flags. Never throws. */
export function parseCommand(spec: CommandSpec, argv: readonly string[]): ParseOutcome {
  const flags = flagsOf(spec);
  const options = Object.fromEntries(
    flags.map((f) => [f.name, { type: f.kind === 'bool' ? ('boolean' as const) : ('string' as const) }]),
  );
  let tokens: ReturnType<typeof parseNodeArgs>;
  try {
    tokens = parseNodeArgs({
      args: [...argv],
      options,
      allowPositionals: true,
      allowNegative: true,
      strict: true,
    });
  } catch (error) {
    return { ok: false, error: explain(error) };
  }
  if (tokens.positionals.length > spec.positionals.max) {
    const extra = tokens.positionals[spec.positionals.max];
    return {
      ok: false,
      error:
        spec.positionals.max === 0
          ? `unexpected argument '${extra}'`
          : `unexpected argument '${extra}' (only one ${spec.positionals.name})`,
    };
  }
  const values = new Map<string, unknown>();
  for (const def of flags) {
    const raw = (tokens.values as Record<string, string | boolean | undefined>)[def.name];
    if (raw === undefined) continue;
    if (typeof raw === 'boolean') {
      values.set(def.name, raw);
      continue;
    }
    const converted = convertFlag(def, raw);
    if ('error' in converted) return { ok: false, error: converted.error };
    values.set(def.name, converted.value);
  }
  return { ok: true, value: { positionals: tokens.positionals, values } };
}

/** Node's parser errors, in this runner's words. */
function explain(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown flag '${flag ?? message}'`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/argument missing/.test(message)) return `${flag ?? 'a flag'} needs a value`;
    if (/does not take an argument/.test(message))
      return `${flag ?? 'a flag'} takes no value (use ${flag} or --no-${flag?.replace(/^--/, '')})`;
  }
  return message.split('\n')[0];
}

/** Column where a flag's help text starts. */
export const HELP_COLUMN = 28;

/** One --help line: name, metavar or choices, help, field and default. */
export function flagLine(def: FlagDef): string {
  const arg = def.kind === 'bool' ? '' : ` ${def.metavar ?? (def.kind === 'enum' ? 'NAME' : 'VALUE')}`;
  const choices = def.kind === 'enum' ? `: ${def.values!.join('|')}` : '';
  const detail = [def.path, def.default && `default ${def.default}`].filter(Boolean).join('; ');
  return `${`  --${def.name}${arg}`.padEnd(HELP_COLUMN)}${def.help}${choices}${detail ? ` [${detail}]` : ''}`;
}

/** The command's --help text, generated from its spec. */
export function commandHelp(spec: CommandSpec): string {
  const usage = spec.usage.map((u, i) => `${i === 0 ? 'Usage: ' : '       '}quant-lab ${u}`).join('\n');
  const groups = spec.groups
    .filter((g) => g.flags.length)
    .map((g) => `${g.heading}:\n${g.flags.map(flagLine).join('\n')}`)
    .join('\n\n');
  const help = `${'  --help'.padEnd(HELP_COLUMN)}this text`;
  return [
    `quant-lab ${spec.name} — ${spec.summary}`,
    usage,
    spec.description,
    `${groups}\n${help}`,
    spec.footer,
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** Prints a usage error with the command's help (to stderr) and returns exit code 2. */
export function usageError(spec: CommandSpec, error: string): number {
  console.error(`quant-lab ${spec.name}: ${error}\n\n${commandHelp(spec)}`);
  return 2;
}
