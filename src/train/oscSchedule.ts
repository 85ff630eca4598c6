/**
 * Schedules of the two oscillation remedies (docs/science.md §2, from the authors' `CosineTempDecay`):
 * nothing happens during the first quarter of training, then a cosine moves the knob from its start
 * value to its end value at the last step.
 *
 * Pure numbers, no tfjs. `step` counts the steps already taken (0 before the first step), `total` is
 * `train.steps`.
 */

/** Fraction of training before dampening and freezing start (t0 = 0.25·T in the authors' code). */
export const OSC_WARMUP_FRACTION = 0.25;

/**
 * Ratio between the freezing threshold at t0 and at the end. The paper goes 0.1 → 0.01 (4-bit) or
 * 0.1 → 0.011 (3-bit); the lab's single knob is the end value and starts at 10× it.
 */
export const FREEZE_START_RATIO = 10;

/** Cosine from `start` (at t0) to `end` (at T): `end + ½(start−end)(1+cos(π(t−t0)/(T−t0)))`. */
export function cosineFromWarmup(step: number, total: number, start: number, end: number): number {
  const t0 = OSC_WARMUP_FRACTION * total;
  if (step <= t0 || total <= t0) return start;
  const progress = Math.min(1, (step - t0) / (total - t0));
  return end + 0.5 * (start - end) * (1 + Math.cos(Math.PI * progress));
}

/** True once the warm-up quarter is over (the remedies are active from this step on). */
export function isPastWarmup(step: number, total: number): boolean {
  return step >= OSC_WARMUP_FRACTION * total;
}

/**
 * Dampening weight λ(t): 0 for the first 25% of training, then a cosine rise to `lambdaEnd`
 * (λ_start = 0, as in the MobileNetV2 recipe). 0 when dampening is off.
 */
export function dampeningLambda(step: number, total: number, lambdaEnd: number): number {
  if (lambdaEnd <= 0) return 0;
  return cosineFromWarmup(step, total, 0, lambdaEnd);
}

/**
 * Freezing threshold f_th(t), or `null` while nothing may freeze: during the first 25% and
 * whenever freezing is off (`thresholdEnd` ≤ 0). After t0 it falls by cosine from
 * {@link FREEZE_START_RATIO}·`thresholdEnd` to `thresholdEnd`.
 */
export function freezeThresholdAt(step: number, total: number, thresholdEnd: number): number | null {
  if (thresholdEnd <= 0 || !isPastWarmup(step, total)) return null;
  return cosineFromWarmup(step, total, FREEZE_START_RATIO * thresholdEnd, thresholdEnd);
}
