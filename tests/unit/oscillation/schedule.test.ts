import { describe, expect, it } from 'vitest';
import { dampeningLambda, freezeThresholdAt, cosineFromWarmup } from '../../../src/train/oscSchedule';

describe('oscillation schedules (docs/science.md §2)', () => {
  const T = 1000;

  it('dampening λ: 0 before 25%, cosine to λ_end at T', () => {
    expect(dampeningLambda(0, T, 0.1)).toBe(0);
    expect(dampeningLambda(250, T, 0.1)).toBe(0);
    // Halfway between t0 = 250 and T: cos(π/2) = 0, so λ = λ_end/2.
    expect(dampeningLambda(625, T, 0.1)).toBeCloseTo(0.05, 10);
    expect(dampeningLambda(1000, T, 0.1)).toBeCloseTo(0.1, 10);
    expect(dampeningLambda(1000, T, 0)).toBe(0);
  });

  it('freezing threshold: off before 25%, then 10·f_th cosine down to f_th', () => {
    expect(freezeThresholdAt(0, T, 0.01)).toBeNull();
    expect(freezeThresholdAt(249, T, 0.01)).toBeNull();
    expect(freezeThresholdAt(250, T, 0.01)).toBeCloseTo(0.1, 10);
    expect(freezeThresholdAt(625, T, 0.01)).toBeCloseTo(0.055, 10);
    expect(freezeThresholdAt(1000, T, 0.01)).toBeCloseTo(0.01, 10);
    expect(freezeThresholdAt(1000, T, 0)).toBeNull();
  });

  it('cosine is monotone between t0 and T and flat after T', () => {
    let prev = cosineFromWarmup(250, T, 1, 0);
    for (let t = 260; t <= T; t += 10) {
      const v = cosineFromWarmup(t, T, 1, 0);
      expect(v).toBeLessThanOrEqual(prev);
      prev = v;
    }
    expect(cosineFromWarmup(2 * T, T, 1, 0)).toBeCloseTo(0, 12);
  });
});
