import { describe, expect, it } from 'vitest';
import { gridLimits, layerHistogram, MAX_BINS } from '../../../app/worker/histogram';

describe('worker weight histograms', () => {
  it('grid limits', () => {
    expect(gridLimits(4, true)).toEqual({ qmin: -8, qmax: 7 });
    expect(gridLimits(4, false)).toEqual({ qmin: 0, qmax: 15 });
  });

  it('codes: one bin per level, every weight counted', () => {
    const h = layerHistogram('fc1', { codes: [-4, -4, 0, 3], scale: [0.1], zeroPoint: [0], bits: 3 }, true);
    expect(h.counts.length).toBe(8);
    expect(h.counts.reduce((a, b) => a + b)).toBe(4);
    expect(h.counts[0]).toBe(2);
    expect(h.latent).toBe(false);
  });

  it('latent values in grid units with per-channel scales', () => {
    const h = layerHistogram(
      'fc1',
      { codes: [0, 0], scale: [0.1, 0.2], zeroPoint: [0, 0], bits: 4, latent: [0.3, 0.3] },
      true,
    );
    expect(h.counts.length).toBeLessThanOrEqual(MAX_BINS);
    const centre = (i: number) => (h.edges[i] + h.edges[i + 1]) / 2;
    const filled = h.counts.flatMap((c, i) => (c > 0 ? [centre(i)] : []));
    expect(filled[0]).toBeCloseTo(1.5, 0);
    expect(filled[1]).toBeCloseTo(3, 0);
  });

  it('float layers: raw values, no grid', () => {
    const h = layerHistogram('fc1', { codes: [-1, 0, 1], scale: [1], zeroPoint: [0], bits: 32 }, true);
    expect(h.qmin).toBe(h.qmax);
    expect(h.counts.reduce((a, b) => a + b)).toBe(3);
  });
});
