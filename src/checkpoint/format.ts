/**
 * The checkpoint file (docs/checkpoints.md): one JSON object shaped like tfjs's own in-memory
 * `ModelArtifacts` as its local-storage handler keeps them — `weightSpecs` (tfjs weight-manifest
 * entries) and `weightData` (the binary of `tf.io.encodeWeights`, base64) — plus what makes it a
 * Quant Lab checkpoint: `format`, `version`, the resolved `experiment`, `stepsDone`, `createdBy`
 * and `createdAt`. Parsing validates everything that can be checked without a model and never
 * throws; whether the tensors fit a model is ./model.ts's business.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadExperiment } from '../experiment/load';
import type { Experiment } from '../experiment/schema';
import type { NamedTensors } from '../quant/types';
import { base64ToBytes, bytesToBase64 } from './base64';

/** The `format` field of every checkpoint. */
export const CHECKPOINT_FORMAT = 'quant-lab-checkpoint';
/** The version this code writes and reads. */
export const CHECKPOINT_VERSION = 1;

/** A checkpoint as written to a file (JSON). */
export interface CheckpointFile {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** What wrote it, e.g. `quant-lab (tfjs 4.22.0, wasm)`. */
  createdBy: string;
  /** ISO 8601 time of writing. */
  createdAt: string;
  /** The resolved experiment the model was trained under (live changes included). */
  experiment: Experiment;
  /** Training steps done. */
  stepsDone: number;
  /** One entry per tensor, in the order of `weightData` (tfjs weight-manifest entries). */
  weightSpecs: tf.io.WeightsManifestEntry[];
  /** Base64 of the tensors' bytes (tf.io.encodeWeights). */
  weightData: string;
}

/** A parsed, validated checkpoint; its tensors stay encoded until {@link decodeCheckpointTensors}. */
export type Checkpoint = Omit<CheckpointFile, 'format' | 'weightData'> & {
  /** The tensors' bytes (tf.io.encodeWeights), decoded from base64. */
  weightData: ArrayBuffer;
};

/** Outcome of parsing: never throws. */
export type CheckpointResult = { ok: true; value: Checkpoint } | { ok: false; error: string };

/** What a checkpoint records besides its tensors. */
export interface CheckpointMeta {
  experiment: Experiment;
  stepsDone: number;
  /** Default: `quant-lab (tfjs <version>, <backend>)`. */
  createdBy?: string;
}

/** Bytes per element of the dtypes a checkpoint may hold. */
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/**
 * `t`, or a copy whose values are stored as its dtype says. The cpu backend casts int32 to float32
 * by relabelling the int32 buffer, and tf.io.encodeWeights writes the buffer it reads back as
 * is: integer codes would come back as denormal floats. Returns null when `t` is fine as it is.
 */
async function withTrueStorage(t: tf.Tensor): Promise<tf.Tensor | null> {
  if (t.dtype !== 'float32') return null;
  const values = await t.data();
  return values instanceof Float32Array ? null : tf.tensor(Float32Array.from(values), t.shape, 'float32');
}

/** Encodes `tensors` (not disposed: the caller owns them) into a checkpoint file object. */
export async function encodeCheckpoint(meta: CheckpointMeta, tensors: NamedTensors): Promise<CheckpointFile> {
  const copies: tf.Tensor[] = [];
  const stored: NamedTensors = {};
  for (const [name, t] of Object.entries(tensors)) {
    const copy = await withTrueStorage(t);
    if (copy) copies.push(copy);
    stored[name] = copy ?? t;
  }
  const encoded = await tf.io.encodeWeights(stored).finally(() => tf.dispose(copies));
  const { data, specs } = encoded;
  return {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    createdBy: meta.createdBy ?? `quant-lab (tfjs ${tf.version_core}, ${tf.getBackend()})`,
    createdAt: new Date().toISOString(),
    experiment: meta.experiment,
    stepsDone: meta.stepsDone,
    weightSpecs: specs,
    weightData: bytesToBase64(new Uint8Array(data)),
  };
}

/** The checkpoint as file text (one line: the base64 dominates it anyway). */
export function serializeCheckpoint(file: CheckpointFile): string {
  return `${JSON.stringify(file)}\n`;
}

/** The checkpoint's tensors by name (tf.io.decodeWeights): new tensors the caller owns. */
export function decodeCheckpointTensors(ckpt: Checkpoint): NamedTensors {
  return tf.io.decodeWeights(ckpt.weightData, ckpt.weightSpecs);
}

/** Parses checkpoint file text; every failure is a message naming what is wrong. */
export function parseCheckpointText(text: string): CheckpointResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    const early = /end of (JSON )?input|Unterminated|Expected .* after/i.test(why) && text.trim().length > 0;
    return {
      ok: false,
      error: early ? `truncated: the JSON ends early (${why})` : `not a checkpoint: not valid JSON (${why})`,
    };
  }
  return parseCheckpoint(raw);
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates a parsed JSON value as a checkpoint (see {@link parseCheckpointText}). */
export function parseCheckpoint(raw: unknown): CheckpointResult {
  if (!isRecord(raw)) return { ok: false, error: 'not a checkpoint: expected a JSON object' };
  const header = checkHeader(raw);
  if (header) return { ok: false, error: header };
  const exp = loadExperiment(raw.experiment);
  if (!exp.ok) return { ok: false, error: `experiment: ${exp.error}` };
  const { stepsDone } = raw;
  if (typeof stepsDone !== 'number' || !Number.isInteger(stepsDone) || stepsDone < 0)
    return { ok: false, error: 'stepsDone: expected a whole number ≥ 0' };
  const specs = checkSpecs(raw.weightSpecs);
  if (typeof specs === 'string') return { ok: false, error: specs };
  if (typeof raw.weightData !== 'string') return { ok: false, error: 'weightData: expected a base64 string' };
  const bytes = base64ToBytes(raw.weightData);
  if (!bytes) return { ok: false, error: 'weightData is not valid base64' };
  const needed = specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[s.dtype], 0);
  if (bytes.length < needed)
    return {
      ok: false,
      error: `truncated: weightData holds ${bytes.length} bytes, the weight specs need ${needed}`,
    };
  if (bytes.length > needed)
    return {
      ok: false,
      error: `weightData holds ${bytes.length} bytes, more than the ${needed} the weight specs describe`,
    };
  return {
    ok: true,
    value: {
      version: raw.version as number,
      createdBy: typeof raw.createdBy === 'string' ? raw.createdBy : 'unknown',
      createdAt: typeof raw.createdAt === 'string' ? raw.createdAt : 'unknown',
      experiment: exp.value,
      stepsDone,
      weightSpecs: specs,
      weightData: bytes.buffer as ArrayBuffer,
    },
  };
}

/** The format and version fields: a message when they are not this reader's, else null. */
function checkHeader(raw: Record<string, unknown>): string | null {
  if (raw.format !== CHECKPOINT_FORMAT) {
    if (raw.format === undefined) {
      const result = 'status' in raw && 'history' in raw;
      return result
        ? 'not a checkpoint but a run result (write one with quant-lab run --checkpoint FILE)'
        : `not a checkpoint: no 'format' field (expected '${CHECKPOINT_FORMAT}')`;
    }
    return `not a checkpoint: format is ${JSON.stringify(raw.format)}, expected '${CHECKPOINT_FORMAT}'`;
  }
  const { version } = raw;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    return `version: expected a whole number ≥ 1, got ${JSON.stringify(version)}`;
  if (version > CHECKPOINT_VERSION)
    return `written by a newer Quant Lab (version ${version}); this one reads version ${CHECKPOINT_VERSION}`;
  return null;
}

/** The weight specs, or a message naming the first bad entry. */
function checkSpecs(raw: unknown): tf.io.WeightsManifestEntry[] | string {
  if (!Array.isArray(raw)) return 'weightSpecs: expected an array of {name, shape, dtype}';
  const seen = new Set<string>();
  for (const [i, spec] of raw.entries()) {
    const where = `weightSpecs[${i}]`;
    if (!isRecord(spec) || typeof spec.name !== 'string') return `${where}: expected {name, shape, dtype}`;
    if (seen.has(spec.name)) return `${where}: tensor ${spec.name} appears twice`;
    seen.add(spec.name);
    const { shape, dtype } = spec;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
      return `${where} (${spec.name}): shape must be a list of whole numbers`;
    if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES))
      return `${where} (${spec.name}): dtype must be float32, int32 or bool`;
    if ('quantization' in spec || 'group' in spec)
      return `${where} (${spec.name}): quantized or grouped weight entries are not used in checkpoints`;
  }
  return raw as tf.io.WeightsManifestEntry[];
}
