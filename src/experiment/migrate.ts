/**
 * Upgrades experiments written by older versions of Quant Lab (links, files, stored runs) to the
 * current {@link SCHEMA_VERSION}. Migrations only move and rename fields; validation stays with the
 * schema, so a bad value in an old link is still reported by its new path (`quant.weight.bits: …`).
 *
 * Version history:
 * - v0: the prototype's flat object `{bits, actBits?, estimator, lr, optimizer?, steps?, …}`
 *   (see {@link ExperimentV0}); it had no `version` field.
 * - v1: the nested schema in `schema.ts`.
 *
 * Never throws: every function returns a result object.
 */
import { SCHEMA_VERSION } from './schema';

/** The legacy flat experiment of version 0 (what the first prototype's links held). */
export interface ExperimentV0 {
  version?: 0;
  /** Bits of weights and activations alike (32 = float). */
  bits?: number;
  /** Activation bits when they differed from `bits`. */
  actBits?: number;
  /** Estimator name; the prototype also used `STE`, `clipped` and `clippedSte`. */
  estimator?: string;
  lr?: number;
  optimizer?: string;
  steps?: number;
  batchSize?: number;
  seed?: number;
  arch?: string;
  /** Hidden widths of the MLP. */
  hidden?: number[];
}

/** Outcome of a migration: a value ready for `parseExperiment`, or a specific error. */
export type MigrationResult =
  { ok: true; value: unknown; fromVersion: number; warnings: string[] } | { ok: false; error: string };

type Json = Record<string, unknown>;
type Step = (old: Json) => { value: Json; warnings: string[] };

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Prototype estimator spellings → schema names; anything else passes through for zod to judge. */
const V0_ESTIMATOR_ALIASES: Record<string, string> = {
  STE: 'ste',
  clipped: 'clipped-ste',
  clippedSte: 'clipped-ste',
  clipped_ste: 'clipped-ste',
};

/** v0 field → [v1 path]; `bits` fans out to both quantizers (the prototype had one bitwidth). */
const V0_FIELDS: Record<string, string[][]> = {
  bits: [
    ['quant', 'weight', 'bits'],
    ['quant', 'act', 'bits'],
  ],
  actBits: [['quant', 'act', 'bits']],
  estimator: [['estimator', 'name']],
  lr: [['train', 'lr']],
  optimizer: [['train', 'optimizer']],
  steps: [['train', 'steps']],
  batchSize: [['train', 'batchSize']],
  seed: [['seed']],
  arch: [['model', 'arch']],
  hidden: [['model', 'hidden']],
};
// `actBits` must be applied after `bits` so that it wins; object key order above guarantees it.

function setPath(target: Json, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!isObject(node[key])) node[key] = {};
    node = node[key] as Json;
  }
  node[path[path.length - 1]] = value;
}

const migrateV0: Step = (old) => {
  const value: Json = { version: 1 };
  const warnings: string[] = [];
  for (const [field, paths] of Object.entries(V0_FIELDS)) {
    if (!Object.hasOwn(old, field)) continue;
    let v = old[field];
    if (field === 'estimator' && typeof v === 'string') v = V0_ESTIMATOR_ALIASES[v] ?? v.toLowerCase();
    for (const path of paths) setPath(value, path, v);
  }
  for (const key of Object.keys(old)) {
    if (key !== 'version' && !Object.hasOwn(V0_FIELDS, key))
      warnings.push(`ignored old setting "${key.slice(0, 40)}"`);
  }
  return { value, warnings };
};

/** `MIGRATIONS[v]` turns a version-v experiment into version v+1. */
const MIGRATIONS: readonly Step[] = [migrateV0];

const V0_MARKERS = ['bits', 'lr', 'actBits', 'arch'];

/**
 * Guesses the schema version of an experiment-like object: its `version` field when it is an
 * integer; v0 for a flat legacy object (top-level `bits`, `lr`, … or a string `estimator`);
 * otherwise the current version (files may omit `version`, the schema fills it in).
 */
export function detectExperimentVersion(raw: unknown): number {
  if (!isObject(raw)) return SCHEMA_VERSION;
  if (Number.isInteger(raw.version)) return raw.version as number;
  if (V0_MARKERS.some((k) => Object.hasOwn(raw, k)) || typeof raw.estimator === 'string') return 0;
  return SCHEMA_VERSION;
}

/** The message for anything written by a newer Quant Lab than this one. */
export function newerVersionMessage(what: string, version: number): string {
  return `${what} is from a newer version (v${version}) of Quant Lab; reload the page to update, or ask for a link from v${SCHEMA_VERSION}`;
}

/**
 * Migrates `raw`, written at `fromVersion`, to the current schema version. Returns the upgraded
 * (still unvalidated) value and warnings naming what was dropped; newer or unknown versions and
 * non-objects are errors. A current-version value is returned unchanged.
 */
export function migrateExperiment(raw: unknown, fromVersion: number): MigrationResult {
  if (!Number.isInteger(fromVersion) || fromVersion < 0)
    return { ok: false, error: `unknown experiment version "${String(fromVersion).slice(0, 20)}"` };
  if (fromVersion > SCHEMA_VERSION)
    return { ok: false, error: newerVersionMessage('experiment', fromVersion) };
  if (!isObject(raw)) return { ok: false, error: 'experiment must be a JSON object' };
  let value: Json = raw;
  const warnings: string[] = [];
  for (let v = fromVersion; v < SCHEMA_VERSION; v++) {
    const step = MIGRATIONS[v](value);
    value = step.value;
    warnings.push(...step.warnings);
  }
  if (fromVersion < SCHEMA_VERSION)
    warnings.unshift(`upgraded from an older version (v${fromVersion}) of Quant Lab`);
  return { ok: true, value, fromVersion, warnings };
}
