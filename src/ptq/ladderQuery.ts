/**
 * A ladder request in a link's query (`?ws=ptq&ladder=…`, docs/ptq.md §10): only what differs from
 * the defaults, as `key.value` pairs joined by `_` (characters a query keeps unescaped), e.g.
 * `bits.8-4_rungs.nearest-adaround_iters.500_qat.300`. Decoding never throws: an unknown key or
 * value is dropped with a warning and the rest still applies.
 */
import { LADDER_REQUEST_DEFAULTS, type LadderRequest, normalizeLadderRequest } from './ladderRequest';

/** How a field's value is written: lists joined by `-`, booleans as 1/0. */
const show = (v: unknown): string =>
  Array.isArray(v) ? v.join('-') : typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
const list = (s: string) => s.split('-').filter(Boolean);
const int = (s: string) => (/^\d+$/.test(s) ? Number(s) : undefined);

/** Short name in the query → field and how to read it (undefined: not readable), in writing order. */
const FIELDS: Record<string, { key: keyof LadderRequest; read: (s: string) => unknown }> = {
  bits: {
    key: 'weightBits',
    read: (s) => (list(s).every((b) => int(b) !== undefined) ? list(s).map(Number) : undefined),
  },
  rungs: { key: 'rungs', read: list },
  iters: { key: 'adaroundIterations', read: int },
  calib: { key: 'calibSize', read: int },
  data: { key: 'calibData', read: (s) => s },
  pc: { key: 'perChannel', read: (s) => (s === '1' ? true : s === '0' ? false : undefined) },
  act: { key: 'actRange', read: (s) => s },
  qat: { key: 'qatSteps', read: int },
};

/** The query value for `req`: its fields that differ from the defaults; '' when none do. */
export function encodeLadderQuery(req: LadderRequest): string {
  const d = LADDER_REQUEST_DEFAULTS;
  const parts: string[] = [];
  for (const [name, f] of Object.entries(FIELDS)) {
    if (show(req[f.key]) !== show(d[f.key])) parts.push(`${name}.${show(req[f.key])}`);
  }
  return parts.join('_');
}

/** The request a query value asks for (normalized), and what of it could not be read. */
export function decodeLadderQuery(value: string): { request: LadderRequest; warnings: string[] } {
  const input: Record<string, unknown> = {};
  const warnings: string[] = [];
  for (const part of value.split('_').filter(Boolean)) {
    const dot = part.indexOf('.');
    const name = dot < 0 ? part : part.slice(0, dot);
    const f = FIELDS[name];
    const v = f && dot >= 0 ? f.read(part.slice(dot + 1)) : undefined;
    if (v === undefined) warnings.push(`ladder option "${part.slice(0, 40)}" is not one this lab reads`);
    else input[f!.key] = v;
  }
  const request = normalizeLadderRequest(input as Partial<LadderRequest>);
  // Values the normalization changed (a bitwidth it does not offer, a number out of bounds) say so.
  for (const [name, f] of Object.entries(FIELDS)) {
    if (f.key in input && show(input[f.key]) !== show(request[f.key]))
      warnings.push(`ladder option ${name} ${show(input[f.key])} became ${show(request[f.key])}`);
  }
  return { request, warnings };
}
