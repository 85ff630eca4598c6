/**
 * A workspace's options in a link's query (`?ladder=…`, `?sens=…`): only what differs from the
 * defaults, as `key.value` pairs joined by `_` (characters a query keeps unescaped), lists joined by
 * `-`, booleans as 1/0, e.g. `bits.8-4_rungs.nearest-adaround_qat.300`. Decoding never throws: an
 * unknown key or value is dropped with a warning, a value the normalization changes (out of bounds,
 * not offered) says so, and the rest still applies.
 */

/** One field: which option it sets, and how its text is read (undefined: not readable). */
export interface QueryField<T> {
  key: keyof T;
  read: (s: string) => unknown;
}

export interface OptionsQuery<T> {
  /** The query value for `options`: its fields that differ from the defaults; '' when none do. */
  encode(options: T): string;
  /** The options a query value asks for (normalized), and what of it could not be read. */
  decode(value: string): { options: T; warnings: string[] };
}

/** How a value is written: lists joined by `-`, booleans as 1/0. */
const show = (v: unknown): string =>
  Array.isArray(v) ? v.join('-') : typeof v === 'boolean' ? (v ? '1' : '0') : String(v);

/** Readers of the common value kinds. */
export const readInt = (s: string) => (/^\d+$/.test(s) ? Number(s) : undefined);
export const readList = (s: string) => s.split('-').filter(Boolean);
export const readIntList = (s: string) => {
  const parts = readList(s).map(readInt);
  return parts.length > 0 && parts.every((b) => b !== undefined) ? parts : undefined;
};
export const readBool = (s: string) => (s === '1' ? true : s === '0' ? false : undefined);
export const readOneOf =
  (values: readonly string[]) =>
  (s: string): string | undefined =>
    values.includes(s) ? s : undefined;

/**
 * The codec of options `T` with `fields` (short name → field, in writing order), named `label` in
 * its warnings; `normalize` makes any partial input valid.
 */
export function optionsQuery<T extends object>(
  label: string,
  fields: Record<string, QueryField<T>>,
  defaults: T,
  normalize: (input: Partial<T>) => T,
): OptionsQuery<T> {
  return {
    encode: (options) =>
      Object.entries(fields)
        .filter(([, f]) => show(options[f.key]) !== show(defaults[f.key]))
        .map(([name, f]) => `${name}.${show(options[f.key])}`)
        .join('_'),
    decode: (value) => {
      const input: Partial<T> = {};
      const warnings: string[] = [];
      for (const part of value.split('_').filter(Boolean)) {
        const dot = part.indexOf('.');
        const f = fields[dot < 0 ? part : part.slice(0, dot)];
        const v = f && dot >= 0 ? f.read(part.slice(dot + 1)) : undefined;
        if (v === undefined)
          warnings.push(`${label} option "${part.slice(0, 40)}" is not one this lab reads`);
        else input[f!.key] = v as T[keyof T];
      }
      const options = normalize(input);
      for (const [name, f] of Object.entries(fields)) {
        if (f.key in input && show(input[f.key]) !== show(options[f.key]))
          warnings.push(`${label} option ${name} ${show(input[f.key])} became ${show(options[f.key])}`);
      }
      return { options, warnings };
    },
  };
}
