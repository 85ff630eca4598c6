/**
 * Learning-rate schedules, as pure functions of the step (so a live change of schedule or steps
 * takes effect on the next step, and the UI can plot the curve without training).
 */
import type { Experiment } from '../experiment/schema';

/** Name of a learning-rate schedule (schema vocabulary). */
export type ScheduleName = Experiment['train']['schedule'];

/**
 * Learning rate for the step that follows `stepsDone` completed steps (0-based step index).
 * - constant: lr
 * - cosine:   lr · ½(1 + cos(π·t/T)), t = stepsDone, T = total steps; decays from lr to ≈0.
 */
export function learningRateAt(
  train: Pick<Experiment['train'], 'lr' | 'schedule' | 'steps'>,
  stepsDone: number,
): number {
  if (train.schedule === 'constant') return train.lr;
  const t = Math.min(Math.max(stepsDone, 0), train.steps);
  return train.lr * 0.5 * (1 + Math.cos((Math.PI * t) / train.steps));
}
