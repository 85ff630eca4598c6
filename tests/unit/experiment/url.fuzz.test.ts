/**
 * Fuzz of the link decoder: 12,000 random and mutated links. For each,
 * decodeLink must not throw, must return within a time bound, and must return either an experiment
 * the schema accepts (and that re-encodes to itself) or a non-empty error message.
 */
import fc from 'fast-check';
import { compressToEncodedURIComponent } from 'lz-string';
import { afterAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../../src/experiment/presets';
import { DEFAULT_EXPERIMENT, experimentSchema } from '../../../src/experiment/schema';
import { decodeLink, encodeLink, summarizeRun } from '../../../src/experiment/url';
import { experimentArb, hostileValueArb } from './arbitraries';

/** Generous per-call bound: a decode takes well under 1 ms, but 2 shared cores make timing noisy. */
const MAX_DECODE_MS = 250;
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
let total = 0;
/** Outcome counts by error kind (first words), to check the fuzz reaches every branch. */
const outcomes = new Map<string, number>();

function toPayload(json: string): string {
  return compressToEncodedURIComponent(json).replace(/[+-]/g, (c) => (c === '+' ? '-' : '_'));
}

/** The property every input must satisfy. */
function checkDecode(hash: string): void {
  total++;
  const t0 = performance.now();
  const d = decodeLink(hash);
  const ms = performance.now() - t0;
  expect(ms).toBeLessThan(MAX_DECODE_MS);
  const kind = d.ok ? 'ok' : d.error.split(/[:(]/)[0].replace(/\d+/g, 'N').slice(0, 40);
  outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
  if (d.ok) {
    expect(experimentSchema.safeParse(d.experiment).success).toBe(true);
    expect(Array.isArray(d.warnings)).toBe(true);
    const again = decodeLink(encodeLink(d.experiment));
    expect(again.ok && again.experiment).toEqual(d.experiment);
  } else {
    expect(typeof d.error).toBe('string');
    expect(d.error.length).toBeGreaterThan(0);
  }
}

const summary = summarizeRun({
  status: 'completed',
  testAccuracy: 0.9,
  history: Array.from({ length: 50 }, (_, i) => ({
    step: i * 10,
    loss: 1 / (i + 1),
    trainAccuracy: i / 50,
    lr: 1e-3,
    testAccuracy: i % 10 ? undefined : 0.5,
  })),
});

/** Valid links to mutate: random experiments, presets, with and without summary and options. */
const validLinkArb = fc.oneof(
  experimentArb.map((e) => encodeLink(e)),
  fc
    .constantFrom(...PRESETS)
    .map((p) => encodeLink(p.experiment, { preset: p.id, summary, hide: ['controls.bits'] })),
  fc.constant(encodeLink(DEFAULT_EXPERIMENT)),
);

type Mutation = (payload: string, pos: number, extra: string) => string;
const MUTATIONS: Record<string, Mutation> = {
  truncate: (p, pos) => p.slice(0, pos % (p.length + 1)),
  flip: (p, pos, extra) => {
    const i = pos % p.length;
    const c = B64URL[(B64URL.indexOf(p[i]) + 1 + (extra.length % 63)) % 64];
    return p.slice(0, i) + c + p.slice(i + 1);
  },
  insert: (p, pos, extra) => p.slice(0, pos % (p.length + 1)) + extra + p.slice(pos % (p.length + 1)),
  delete: (p, pos, extra) => p.slice(0, pos % p.length) + p.slice((pos % p.length) + 1 + extra.length),
  duplicate: (p, pos) => p + p.slice(pos % p.length),
  swapHalves: (p, pos) => p.slice(pos % p.length) + p.slice(0, pos % p.length),
  repeat: (p, pos) => p.repeat(1 + (pos % 40)),
};

/** Replaces the value at a random path of a JSON tree (envelope-level mutation). */
function spliceAt(tree: unknown, path: number[], value: unknown): unknown {
  if (typeof tree !== 'object' || tree === null || path.length === 0) return value;
  const keys = Object.keys(tree);
  if (keys.length === 0) return value;
  const key = keys[path[0] % keys.length];
  const copy: Record<string, unknown> = Array.isArray(tree)
    ? ([...tree] as unknown as Record<string, unknown>)
    : { ...tree };
  copy[key] = spliceAt((tree as Record<string, unknown>)[key], path.slice(1), value);
  return copy;
}

describe('decodeLink fuzz', () => {
  afterAll(() => {
    // The issue asks for at least 10,000 links in total.
    expect(total).toBeGreaterThanOrEqual(10_000);
    if (process.env.FUZZ_STATS) console.log(total, Object.fromEntries(outcomes));
    // Both valid experiments and the specific errors must be reached, not just "corrupted".
    expect(outcomes.get('ok')).toBeGreaterThan(500);
    expect(outcomes.size).toBeGreaterThan(6);
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('survives random strings', () => {
    const strings = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ unit: fc.constantFrom(...B64URL), maxLength: 3000 }).map((s) => `#${s}`),
      fc.string({ unit: fc.constantFrom(...B64URL, '%', '#', '+', '$', ' '), maxLength: 200 }),
    );
    fc.assert(fc.property(strings, checkDecode), { numRuns: 4000 });
  });

  it('survives random JSON envelopes, validly compressed', () => {
    const envelope = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.record(
        {
          v: fc.oneof(fc.integer({ min: -2, max: 4 }), hostileValueArb),
          e: hostileValueArb,
          s: hostileValueArb,
          h: hostileValueArb,
          p: hostileValueArb,
        },
        { requiredKeys: [] },
      ),
      fc.object({ maxDepth: 3, withNullPrototype: false }).map((e) => ({ v: 1, e })),
    );
    fc.assert(
      fc.property(envelope, (env) => checkDecode(`#${toPayload(JSON.stringify(env) ?? 'null')}`)),
      { numRuns: 2500 },
    );
  });

  it('survives byte-level mutations of valid links', () => {
    const mutated = fc.tuple(
      validLinkArb,
      fc.constantFrom(...Object.keys(MUTATIONS)),
      fc.nat(),
      fc.string({ unit: fc.constantFrom(...B64URL), minLength: 1, maxLength: 8 }),
    );
    fc.assert(
      fc.property(mutated, ([link, name, pos, extra]) =>
        checkDecode(`#${MUTATIONS[name](link.slice(1), pos, extra)}`),
      ),
      { numRuns: 3500 },
    );
  });

  it('survives JSON-level mutations of valid envelopes (huge numbers, wrong types, __proto__)', () => {
    const mutated = fc.tuple(
      experimentArb,
      fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
      hostileValueArb,
    );
    fc.assert(
      fc.property(mutated, ([exp, path, value]) => {
        const env = spliceAt({ v: 1, e: exp, s: summary, h: ['controls.bits'] }, path, value);
        checkDecode(`#${toPayload(JSON.stringify(env))}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('survives deep nesting and key floods', () => {
    const inputs = fc.oneof(
      fc.integer({ min: 1, max: 120_000 }).map((n) => `{"v":1,"e":${'['.repeat(n)}${']'.repeat(n)}}`),
      fc
        .integer({ min: 1, max: 20_000 })
        .map(
          (n) =>
            `{"v":1,"e":{"quant":{"layers":{${Array.from({ length: n }, (_, i) => `"l${i}":{}`).join(',')}}}}}`,
        ),
    );
    fc.assert(
      fc.property(inputs, (json) => checkDecode(`#${toPayload(json)}`)),
      { numRuns: 40 },
    );
  });
});
