/** Fixtures for store tests: fake effects that record calls, and step reports. */
import type { StepReport } from '../../../src/train/types';
import type { LabEffects } from '../../../app/store/types';

export type Call = [keyof LabEffects, ...unknown[]];

export function recordingEffects(): { fx: LabEffects; calls: Call[] } {
  const calls: Call[] = [];
  const rec =
    (name: keyof LabEffects) =>
    (...args: unknown[]) => {
      calls.push([name, ...args]);
    };
  return {
    calls,
    fx: {
      start: rec('start'),
      play: rec('play'),
      pause: rec('pause'),
      update: rec('update'),
      stop: rec('stop'),
      reset: rec('reset'),
      ladder: rec('ladder'),
      cancelLadder: rec('cancelLadder'),
      calibration: rec('calibration'),
      sensitivity: rec('sensitivity'),
      deploy: rec('deploy'),
      prune: rec('prune'),
      open: rec('open'),
      saveCheckpoint: rec('saveCheckpoint'),
    },
  };
}

/** A step report at `step` with one tracked 3-bit layer and two sampled weights. */
export function report(step: number, extra: Partial<StepReport> = {}): StepReport {
  return {
    point: {
      step,
      loss: 1 / (step + 1),
      trainAccuracy: Math.min(1, step / 100),
      lr: 0.01,
      ...(step % 50 === 0 ? { testAccuracy: 0.5, testLoss: 1 } : {}),
    },
    layers: [
      {
        name: 'fc1',
        weightScale: 0.1,
        actScale: 1,
        actClipFraction: 0,
        oscillatingFraction: 0.02,
        frozenFraction: 0.01,
        flips: 3,
      },
      { name: 'fc2', weightScale: 0.2, actScale: 1, actClipFraction: 0 },
    ],
    samples: [
      { layer: 'fc1', index: 4, latent: 0.14, code: 1, frozen: false, flips: 2 },
      { layer: 'fc1', index: 9, latent: -0.26, code: -3, frozen: true, flips: 5 },
    ],
    ...extra,
  };
}
