/**
 * The link codec: an experiment (plus an optional result summary and classroom options) ⇄ the URL
 * hash `#<payload>`. The payload is lz-string's LZW bit stream written in the base64url alphabet
 * (A–Z a–z 0–9 - _), so it survives chat apps, e-mail and `encodeURIComponent` unchanged.
 *
 * Envelope JSON: `{v, e, s?, h?, p?, t?}` with v = schema version of `e`, e = the full resolved
 * experiment (never a diff against defaults, so a later change of defaults cannot change an old
 * link's meaning), s = {@link LinkSummary}, h = hidden control ids, p = preset id, t = 1 when the
 * link asks for the guided tour.
 *
 * Links are hostile input. {@link decodeLink} never throws and runs in time linear in the capped
 * input: the payload is capped at {@link MAX_LINK_CHARS}, decompression stops past
 * {@link MAX_JSON_CHARS} (LZW output can grow quadratically in its input, and lz-string itself has no
 * cap), JSON nesting is capped, prototype keys are refused, and the experiment is validated by zod.
 */
import { z } from 'zod';
import { RUN_STATUSES, type RunResult } from './result';
import { layerNames } from '../models/spec';
import { compress, decompressBounded } from './lzw';
import { loadExperiment } from './load';
import { detectExperimentVersion, newerVersionMessage } from './migrate';
import { getPreset } from './presets';
import { type Experiment, formatZodError, SCHEMA_VERSION } from './schema';

export { decompressBounded, type Inflated } from './lzw';

/** Longest payload accepted, in characters (a link of a full experiment with summary is ~2–3 k). */
export const MAX_LINK_CHARS = 32 * 1024;
/** Longest decompressed JSON accepted, in characters. */
export const MAX_JSON_CHARS = 256 * 1024;
/** Deepest JSON nesting accepted (the envelope needs 5). */
export const MAX_JSON_DEPTH = 16;
/** Points per curve in a link summary by default. */
export const SUMMARY_POINTS = 48;
const MAX_SUMMARY_POINTS = 512;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const CORRUPT = 'link is truncated or corrupted';

const nullableNum = z.number().nullable();
const curve = z.array(nullableNum).max(MAX_SUMMARY_POINTS);

/** What a recipient needs to draw the charts before re-running: final metrics + downsampled curves. */
export const linkSummarySchema = z
  .object({
    status: z.enum(RUN_STATUSES),
    /** Final test accuracy, 0–1. */
    testAccuracy: z.number().min(0).max(1),
    backend: z.string().max(32).optional(),
    /** Steps of the training curves, and loss / train accuracy at those steps (null = NaN/∞). */
    steps: z.array(z.number().int().min(0)).max(MAX_SUMMARY_POINTS),
    loss: curve,
    trainAccuracy: curve,
    /** Steps of the evaluations, and test accuracy at those steps. */
    evalSteps: z.array(z.number().int().min(0)).max(MAX_SUMMARY_POINTS),
    evalAccuracy: curve,
  })
  .strict()
  .refine(
    (s) =>
      s.loss.length === s.steps.length &&
      s.trainAccuracy.length === s.steps.length &&
      s.evalAccuracy.length === s.evalSteps.length,
    {
      message: 'curves and their steps differ in length',
    },
  );
/** A compact result summary carried by a link (see {@link summarizeRun}). */
export type LinkSummary = z.infer<typeof linkSummarySchema>;

/** Options of {@link encodeLink}. */
export interface LinkOptions {
  /** Result summary to embed, usually `summarizeRun(result)`. */
  summary?: LinkSummary;
  /** Control ids (the UI's dotted test ids, e.g. `controls.estimator`) to hide for a class. */
  hide?: string[];
  /** Preset id to open (its title and explanation are shown). */
  preset?: string;
  /** Open the guided tour (a course link for first-time visitors). */
  tour?: boolean;
}

/** Outcome of {@link decodeLink}. `warnings` name what was upgraded or dropped. */
export type DecodedLink =
  | {
      ok: true;
      experiment: Experiment;
      summary?: LinkSummary;
      hide?: string[];
      preset?: string;
      tour?: true;
      warnings: string[];
    }
  | { ok: false; error: string };

const hideSchema = z.array(z.string().regex(/^[\w.-]{1,64}$/)).max(64);

function round4(x: number | null | undefined): number | null {
  return x === null || x === undefined || !Number.isFinite(x) ? null : Number(x.toPrecision(4));
}

/** Indices of `n` items spread evenly over `length`, always keeping the last. */
function spread(length: number, n: number): number[] {
  if (length <= n) return Array.from({ length }, (_, i) => i);
  return Array.from({ length: n }, (_, i) => Math.round((i * (length - 1)) / (n - 1)));
}

/**
 * Shrinks a result to a {@link LinkSummary}: at most `maxPoints` points per curve (evenly spaced,
 * last point kept), values rounded to 4 significant digits, NaN/∞ as null.
 */
export function summarizeRun(
  result: Pick<RunResult, 'status' | 'testAccuracy' | 'history'> & { backend?: string },
  maxPoints = SUMMARY_POINTS,
): LinkSummary {
  const n = Math.max(2, Math.min(maxPoints, MAX_SUMMARY_POINTS));
  const train = spread(result.history.length, n).map((i) => result.history[i]);
  const evals = result.history.filter((p) => p.testAccuracy !== undefined);
  const evalPicked = spread(evals.length, n).map((i) => evals[i]);
  const acc = Number.isFinite(result.testAccuracy) ? Math.min(1, Math.max(0, result.testAccuracy)) : 0;
  return {
    status: result.status,
    testAccuracy: round4(acc) ?? 0,
    ...(result.backend ? { backend: result.backend.slice(0, 32) } : {}),
    steps: train.map((p) => p.step),
    loss: train.map((p) => round4(p.loss)),
    trainAccuracy: train.map((p) => round4(p.trainAccuracy)),
    evalSteps: evalPicked.map((p) => p.step),
    evalAccuracy: evalPicked.map((p) => round4(p.testAccuracy)),
  };
}

/**
 * Encodes an experiment as a URL hash: `'#' + payload`. The whole resolved experiment is stored.
 * A summary that would push the payload past {@link MAX_LINK_CHARS} is thinned, then dropped.
 */
export function encodeLink(exp: Experiment, opts: LinkOptions = {}): string {
  const base: Record<string, unknown> = { v: SCHEMA_VERSION, e: exp };
  if (opts.hide?.length) base.h = opts.hide;
  if (opts.preset) base.p = opts.preset;
  if (opts.tour) base.t = 1;
  let payload = compress(JSON.stringify(opts.summary ? { ...base, s: opts.summary } : base));
  // Thinning keeps the first/last points of each curve; halving converges in a few rounds.
  for (let s = opts.summary; s && payload.length > MAX_LINK_CHARS;) {
    const points = Math.floor(s.steps.length / 2);
    s = points >= 2 ? thinSummary(s, points) : undefined;
    payload = compress(JSON.stringify(s ? { ...base, s } : base));
  }
  return `#${payload}`;
}

function thinSummary(s: LinkSummary, n: number): LinkSummary {
  const t = spread(s.steps.length, n);
  const e = spread(s.evalSteps.length, n);
  return {
    ...s,
    steps: t.map((i) => s.steps[i]),
    loss: t.map((i) => s.loss[i]),
    trainAccuracy: t.map((i) => s.trainAccuracy[i]),
    evalSteps: e.map((i) => s.evalSteps[i]),
    evalAccuracy: e.map((i) => s.evalAccuracy[i]),
  };
}

/** Refuses prototype keys and deep nesting before zod sees the value; returns an error or null. */
function checkShape(x: unknown, depth: number): string | null {
  if (typeof x !== 'object' || x === null) return null;
  if (depth > MAX_JSON_DEPTH) return CORRUPT;
  for (const key of Object.keys(x)) {
    if (FORBIDDEN_KEYS.has(key)) return `link contains a forbidden key "${key}"`;
    const err = checkShape((x as Record<string, unknown>)[key], depth + 1);
    if (err) return err;
  }
  return null;
}

/** Takes the payload from `#…`, a full URL, or a bare payload; undoes percent-encoding if a chat app added it. */
function extractPayload(hash: string): string {
  const at = hash.indexOf('#');
  let payload = (at >= 0 ? hash.slice(at + 1) : hash).trim();
  if (payload.includes('%') && payload.length <= MAX_LINK_CHARS * 3) {
    try {
      payload = decodeURIComponent(payload);
    } catch {
      // Left as is: the character check in decompressBounded reports it as corrupted.
    }
  }
  return payload;
}

/** Drops layer overrides naming layers the model does not have: the run would ignore them anyway. */
function dropUnknownLayers(exp: Experiment, warnings: string[]): Experiment {
  const names = new Set(layerNames(exp));
  const unknown = Object.keys(exp.quant.layers).filter((k) => !names.has(k));
  if (!unknown.length) return exp;
  const layers = Object.fromEntries(Object.entries(exp.quant.layers).filter(([k]) => names.has(k)));
  warnings.push(
    `quant.layers: ${exp.model.arch} has no layer ${unknown
      .slice(0, 3)
      .map((k) => `"${k.slice(0, 40)}"`)
      .join(', ')}; override ignored`,
  );
  return { ...exp, quant: { ...exp.quant, layers } };
}

function decodeEnvelope(env: Record<string, unknown>): DecodedLink {
  const warnings: string[] = [];
  const v = env.v;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return { ok: false, error: CORRUPT };
  if (v > SCHEMA_VERSION) return { ok: false, error: newerVersionMessage('link', v) };
  let preset: string | undefined;
  if (env.p !== undefined) {
    if (typeof env.p === 'string' && getPreset(env.p)) preset = env.p;
    else warnings.push(`unknown preset "${String(env.p).slice(0, 40)}" ignored`);
  }
  let raw = env.e;
  if (raw === undefined && preset) raw = getPreset(preset)?.experiment;
  else if (raw === undefined) return { ok: false, error: 'link holds no experiment' };
  // A v1+ link's experiment carries its own version; v0 links were flat and had none.
  const version = v === 0 ? 0 : detectExperimentVersion(raw);
  if (version > SCHEMA_VERSION) return { ok: false, error: newerVersionMessage('link', version) };
  const loaded = loadExperiment(raw, { version });
  if (!loaded.ok) return { ok: false, error: loaded.error };
  warnings.push(...loaded.warnings);
  const out: DecodedLink = { ok: true, experiment: dropUnknownLayers(loaded.value, warnings), warnings };
  if (preset) out.preset = preset;
  if (env.s !== undefined) {
    const s = linkSummarySchema.safeParse(env.s);
    if (s.success) out.summary = s.data;
    else warnings.push(`result summary ignored (${formatZodError(s.error)})`);
  }
  if (env.h !== undefined) {
    const h = hideSchema.safeParse(env.h);
    if (h.success) out.hide = h.data;
    else warnings.push('hidden-controls list ignored (not a list of control ids)');
  }
  if (env.t !== undefined) {
    if (env.t === 1) out.tour = true;
    else warnings.push('tour flag ignored (not 1)');
  }
  return out;
}

/**
 * Decodes a URL hash (`#…`, a full URL or a bare payload) into a validated experiment. Never throws:
 * errors are specific messages for the user ("link is truncated or corrupted", "link is from a newer
 * version (v3) of Quant Lab…", "quant.weight.bits: bits must be 2–8, or 32 for float"). Old versions
 * are migrated; a bad summary, hide list, preset id, tour flag or unknown layer override is dropped with a warning.
 */
export function decodeLink(hash: string): DecodedLink {
  try {
    if (typeof hash !== 'string') return { ok: false, error: CORRUPT };
    if (hash.length > MAX_LINK_CHARS * 3) return tooLong(hash.length);
    const payload = extractPayload(hash);
    if (!payload) return { ok: false, error: 'link holds no experiment' };
    if (payload.length > MAX_LINK_CHARS) return tooLong(payload.length);
    const inflated = decompressBounded(payload, MAX_JSON_CHARS);
    if (!inflated.ok) {
      return {
        ok: false,
        error:
          inflated.reason === 'too-large'
            ? `link unpacks to more than ${MAX_JSON_CHARS / 1024} kB and was refused`
            : CORRUPT,
      };
    }
    let env: unknown;
    try {
      env = JSON.parse(inflated.text);
    } catch {
      return { ok: false, error: CORRUPT };
    }
    if (typeof env !== 'object' || env === null || Array.isArray(env)) return { ok: false, error: CORRUPT };
    const shapeError = checkShape(env, 0);
    if (shapeError) return { ok: false, error: shapeError };
    return decodeEnvelope(env as Record<string, unknown>);
  } catch (err) {
    // Belt and braces: nothing above should throw, but a link must never crash the app.
    return {
      ok: false,
      error: `${CORRUPT} (${err instanceof Error ? err.message.slice(0, 80) : 'unknown error'})`,
    };
  }
}

function tooLong(chars: number): DecodedLink {
  return {
    ok: false,
    error: `link is too long (${Math.ceil(chars / 1024)} kB; the limit is ${MAX_LINK_CHARS / 1024} kB)`,
  };
}
