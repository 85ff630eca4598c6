import { describe, expect, it } from 'vitest';
import { extent, seriesPath } from '../../app/components/charts/FastSeries';
import { nearestIndex } from '../../app/components/charts/hover';

const id = (v: number) => v;
const rows = [{ step: 0, a: 1 }, { step: 1 }, { step: 2, a: 3 }, { step: 3, a: NaN }];

describe('fast series paths', () => {
  it('line: skips missing and non-finite values and joins across', () => {
    expect(seriesPath(rows, 'step', { key: 'a', color: '' }, id, id)).toBe('M0,1L2,3');
  });

  it('step and area (stepAfter, closed to y = 0)', () => {
    expect(seriesPath(rows, 'step', { key: 'a', color: '', kind: 'step' }, id, id)).toBe('M0,1H2V3');
    expect(seriesPath(rows, 'step', { key: 'a', color: '', kind: 'area' }, id, id)).toBe('M0,0V1H2V3V0Z');
  });

  it('extent and nearest hovered step', () => {
    expect(extent(rows, ['a'])).toEqual([1, 3]);
    expect(extent([], ['a'], [5, 6])).toEqual([5, 6]);
    expect(nearestIndex([0, 10, 20], 14)).toBe(1);
    expect(nearestIndex([0, 10, 20], 16)).toBe(2);
    expect(nearestIndex([0, 10, 20], -5)).toBe(0);
  });
});
