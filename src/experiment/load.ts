/**
 * The one way an experiment is loaded, whatever it came from (a link, a file the app opens, a
 * stored run, the runner's experiment file): parse → migrate → override → validate → defaults.
 *
 * - parse: JSON text to a value (only {@link loadExperimentText});
 * - migrate: an older version is upgraded (src/experiment/migrate.ts), with warnings naming what
 *   was dropped; a newer one is refused;
 * - override: dotted-path values (the runner's flags) are set on the migrated value;
 * - validate and defaults: the schema checks every field and fills what is missing.
 */
import type { z } from 'zod';
import { detectExperimentVersion, migrateExperiment } from './migrate';
import { type Experiment, experimentSchema, formatZodError } from './schema';

export type LoadResult =
  | { ok: true; value: Experiment; warnings: string[] }
  /** `issues`: the schema's complaints, when validation was what failed (callers may word them). */
  | { ok: false; error: string; issues?: z.core.$ZodIssue[] };

export interface LoadOptions {
  /** The version the value was written at, when the container says so (a v0 link); else detected. */
  version?: number;
  /** Values set after migration, by dotted path (e.g. `train.lr`), intermediate objects created. */
  overrides?: ReadonlyMap<string, unknown>;
}

/** Loads an experiment from an already-parsed value. Never throws. */
export function loadExperiment(raw: unknown, options: LoadOptions = {}): LoadResult {
  const migrated = migrateExperiment(raw, options.version ?? detectExperimentVersion(raw));
  if (!migrated.ok) return { ok: false, error: migrated.error };
  const value = options.overrides?.size ? applyOverrides(migrated.value, options.overrides) : migrated.value;
  const parsed = experimentSchema.safeParse(value);
  if (!parsed.success) return { ok: false, error: formatZodError(parsed.error), issues: parsed.error.issues };
  return { ok: true, value: parsed.data, warnings: migrated.warnings };
}

/** Loads an experiment from JSON text; bad JSON is an error naming the problem. */
export function loadExperimentText(text: string, options: LoadOptions = {}): LoadResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  return loadExperiment(raw, options);
}

/**
 * Sets dotted-path values on a copy of `base` (an experiment input), creating intermediate objects
 * as needed (e.g. `twin.estimator.name` on a value without a twin section).
 */
export function applyOverrides(
  base: unknown,
  overrides: ReadonlyMap<string, unknown>,
): Record<string, unknown> {
  const root = structuredClone((base ?? {}) as Record<string, unknown>);
  for (const [path, value] of overrides) {
    const keys = path.split('.');
    let node = root;
    for (const key of keys.slice(0, -1)) {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys[keys.length - 1]] = value;
  }
  return root;
}
