/**
 * Classifies a live experiment change (Trainer.update): what must be rebuilt, or whether the change
 * needs a fresh trainer. Pure, so the UI can tell the user before applying a change.
 */
import type { Experiment } from '../experiment/schema';

/** What a change from one experiment to the next touches. */
export interface ChangeKind {
  /**
   * Model, data, seed, twin or the learned bits' settings changed: the weights, the data order or
   * the allocation history would not be comparable.
   */
  needsNewTrainer: boolean;
  /** Bits, quantizer settings or estimator changed: rebuild the quantizers, keep the weights. */
  quantizers: boolean;
  /** Optimizer kind changed: fresh optimizer state (lr, schedule and weight decay apply live). */
  optimizer: boolean;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Experiment sections that can only change with a fresh trainer (the UI says so before applying). */
export const RESET_KEYS = ['model', 'data', 'seed', 'twin', 'qbitopt'] as const;

/** Which reset-only sections differ between two experiments (empty: the change can be applied live). */
export function resetReasons(prev: Experiment, next: Experiment): string[] {
  return RESET_KEYS.filter((k) => !same(prev[k], next[k]));
}

/** Compares two resolved experiments (see {@link ChangeKind}). */
export function changeKind(prev: Experiment, next: Experiment): ChangeKind {
  return {
    needsNewTrainer: resetReasons(prev, next).length > 0,
    quantizers: !same(prev.quant, next.quant) || !same(prev.estimator, next.estimator),
    optimizer:
      prev.train.optimizer !== next.train.optimizer || prev.train.hessianPower !== next.train.hessianPower,
  };
}
