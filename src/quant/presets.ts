/**
 * Quantizer presets with names that read as a grammar (docs/style.md rule 7, brevitas/AQT style):
 *
 *   int{bits}-{role}-{granularity}-{range}[-sym|-asym]      e.g. int4-weight-per-channel-minmax
 *   float-{role}                                            32 bits, no quantization
 *
 * role ∈ weight | act; granularity ∈ per-tensor | per-channel; range ∈ RANGE_ESTIMATORS.
 * Symmetry defaults by role (weights symmetric, activations asymmetric, as the schema does); a
 * `-sym` / `-asym` suffix overrides it. Any name of the grammar parses, and PRESETS lists the
 * curated ones the UI offers. A preset is a *partial* QuantizerConfig: spread it over the role's
 * defaults (resolvePreset does that through the schema).
 */
import {
  FLOAT_BITS,
  RANGE_ESTIMATORS,
  actQuantizerSchema,
  weightQuantizerSchema,
  type QuantizerConfig,
  type RangeEstimatorName,
} from '../experiment/schema';

/** Which tensor a preset quantizes. */
export type PresetRole = 'weight' | 'act';

/** A parsed preset: the role it is meant for and the fields it sets. */
export interface Preset {
  role: PresetRole;
  config: Partial<QuantizerConfig>;
}

const NAME = /^int([2-8])-(weight|act)-(per-tensor|per-channel)-([a-z]+)(?:-(sym|asym))?$/;
const FLOAT_NAME = /^float-(weight|act)$/;

/**
 * Parses a preset name of the grammar above.
 * @returns the preset, or null when the name does not follow the grammar
 */
export function parsePresetName(name: string): Preset | null {
  const float = FLOAT_NAME.exec(name);
  if (float) return { role: float[1] as PresetRole, config: { bits: FLOAT_BITS } };
  const m = NAME.exec(name);
  if (!m || !(RANGE_ESTIMATORS as readonly string[]).includes(m[4])) return null;
  const config: Partial<QuantizerConfig> = {
    bits: Number(m[1]),
    perChannel: m[3] === 'per-channel',
    range: m[4] as RangeEstimatorName,
  };
  if (m[5]) config.symmetric = m[5] === 'sym';
  return { role: m[2] as PresetRole, config };
}

/**
 * The grammar name of a resolved config (the suffix appears only when symmetry differs from the
 * role's default). Inverse of parsePresetName + resolvePreset.
 */
export function formatPresetName(role: PresetRole, config: QuantizerConfig): string {
  if (config.bits >= FLOAT_BITS) return `float-${role}`;
  const granularity = config.perChannel ? 'per-channel' : 'per-tensor';
  const defaultSymmetric = role === 'weight';
  const suffix = config.symmetric === defaultSymmetric ? '' : config.symmetric ? '-sym' : '-asym';
  return `int${config.bits}-${role}-${granularity}-${config.range}${suffix}`;
}

/** The curated presets the UI lists, by name. */
export const PRESET_NAMES = [
  'float-weight',
  'float-act',
  'int8-weight-per-tensor-minmax',
  'int8-weight-per-channel-minmax',
  'int4-weight-per-tensor-minmax',
  'int4-weight-per-channel-minmax',
  'int4-weight-per-tensor-mse',
  'int4-weight-per-channel-mse',
  'int4-weight-per-tensor-lsq',
  'int4-weight-per-channel-lsq',
  'int3-weight-per-tensor-lsq',
  'int2-weight-per-channel-minmax',
  'int8-act-per-tensor-ema',
  'int8-act-per-tensor-hindsight',
  'int4-act-per-tensor-ema',
  'int4-act-per-tensor-percentile',
  'int4-act-per-tensor-mse',
  'int4-act-per-tensor-lsq-sym',
] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** Curated presets: name → {role, partial config}. */
export const PRESETS: Readonly<Record<PresetName, Preset>> = Object.fromEntries(
  PRESET_NAMES.map((n) => [n, parsePresetName(n) as Preset]),
) as Record<PresetName, Preset>;

/**
 * A full QuantizerConfig for a preset name, completed with the role's schema defaults.
 * @throws Error when the name does not follow the grammar
 */
export function resolvePreset(name: string): { role: PresetRole; config: QuantizerConfig } {
  const preset = parsePresetName(name);
  if (!preset)
    throw new Error(`unknown quantizer preset '${name}' (expected e.g. int4-weight-per-channel-minmax)`);
  const schema = preset.role === 'weight' ? weightQuantizerSchema : actQuantizerSchema;
  return { role: preset.role, config: schema.parse(preset.config) };
}
