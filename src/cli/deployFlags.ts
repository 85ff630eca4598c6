/**
 * Flags the deployment commands share (`infer`, `export`, `parity`; docs/integer.md): how many
 * training images fix per-batch activation ranges, and the integer model's bias precision.
 */
import type { FlagDef } from './args';

/** Training images that fix the ranges a fake-quant model takes per batch, unless --calib-size says otherwise. */
export const INFER_CALIB_SIZE = 256;

/** Largest --bias-frac-bits: the accumulator keeps room for it below 2^53 (docs/integer.md §2). */
export const MAX_BIAS_FRAC_BITS = 16;

export const CALIB_SIZE_FLAG: FlagDef = {
  name: 'calib-size',
  kind: 'int',
  metavar: 'N',
  help: 'training images that fix per-batch (min-max, percentile) activation ranges',
  default: String(INFER_CALIB_SIZE),
};

export const BIAS_FRAC_BITS_FLAG: FlagDef = {
  name: 'bias-frac-bits',
  kind: 'int',
  metavar: 'K',
  help: `the integer model's bias bits below the accumulator's unit, 0-${MAX_BIAS_FRAC_BITS} (0: an int32 bias at scale s_x·s_w, as deployed)`,
  default: '0',
};

/** --calib-size and --bias-frac-bits from parsed flags, or why they are out of range. */
export function deployFlagValues(
  own: ReadonlyMap<string, unknown>,
): { calibSize: number; biasFracBits: number } | { error: string } {
  const calibSize = (own.get('calib-size') as number | undefined) ?? INFER_CALIB_SIZE;
  const biasFracBits = (own.get('bias-frac-bits') as number | undefined) ?? 0;
  if (calibSize < 1) return { error: `--calib-size must be at least 1, got ${calibSize}` };
  if (biasFracBits < 0 || biasFracBits > MAX_BIAS_FRAC_BITS)
    return { error: `--bias-frac-bits must be 0-${MAX_BIAS_FRAC_BITS}, got ${biasFracBits}` };
  return { calibSize, biasFracBits };
}
