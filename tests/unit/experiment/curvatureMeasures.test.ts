/** What curvature claims read: hand-built trace analyses and step rates, checked claims. */
import { describe, expect, it } from 'vitest';
import {
  checkClaim,
  type ClaimRun,
  type LayerTraceResult,
  stepsPerSec,
} from '../../../src/experiment/claims';
import {
  layerTrace,
  maxTraceZ,
  sameTraceRanking,
  traceRanking,
} from '../../../src/experiment/curvatureMeasures';
import { getPreset } from '../../../src/experiment/presets';
import { DEFAULT_EXPERIMENT } from '../../../src/experiment/schema';

const layer = (name: string, trace: number, traceStdErr: number): LayerTraceResult => ({
  name,
  params: 100,
  trace,
  traceStdErr,
});

const runWith = (seeds: LayerTraceResult[][], final = true): ClaimRun => ({
  experiment: DEFAULT_EXPERIMENT,
  stepsDone: 300,
  testAccuracy: 0.94,
  final: true,
  analysis: { kind: 'traces', seeds: seeds.map((layers, i) => ({ seed: i + 1, layers })), final },
});

describe('curvature measures', () => {
  it('the largest disagreement is |t₁ − t₂| / √(s₁² + s₂²) over layers and pairs of seeds', () => {
    // fc1: |10 − 13| / √(3² + 4²) = 0.6; fc2: |5 − 2| / √(1² + 1²) = 2.1213…
    const run = runWith([
      [layer('fc1', 10, 3), layer('fc2', 5, 1)],
      [layer('fc1', 13, 4), layer('fc2', 2, 1)],
    ]);
    expect(maxTraceZ(run)).toBeCloseTo(3 / Math.SQRT2, 10);
    // A third seed adds pairs (1, 3) and (2, 3): fc1 |10 − 22| / 5 = 2.4 is the largest.
    const three = runWith([
      [layer('fc1', 10, 3), layer('fc2', 5, 1)],
      [layer('fc1', 13, 4), layer('fc2', 2, 1)],
      [layer('fc1', 22, 4), layer('fc2', 5, 1)],
    ]);
    expect(maxTraceZ(three)).toBeCloseTo(12 / 5, 10);
  });

  it('rankings: equal when every seed orders the layers alike by trace', () => {
    const a = [layer('fc1', 25, 3), layer('fc2', 5, 1), layer('fc3', 16, 2)];
    expect(traceRanking(a)).toEqual(['fc1', 'fc3', 'fc2']);
    const b = [layer('fc1', 24, 2), layer('fc2', 8, 1), layer('fc3', 15, 2)];
    expect(sameTraceRanking(runWith([a, b]))).toBe(1);
    const swapped = [layer('fc1', 14, 2), layer('fc2', 8, 1), layer('fc3', 15, 2)];
    expect(sameTraceRanking(runWith([a, swapped]))).toBe(0);
    expect(layerTrace(runWith([a, b]), 'fc3')).toBe(16);
  });

  it('NaN until the analysis is final, with a missing layer or a zero standard error', () => {
    const a = [layer('fc1', 25, 3)];
    expect(maxTraceZ(runWith([a, a], false))).toBeNaN();
    expect(sameTraceRanking(runWith([a, a], false))).toBeNaN();
    expect(maxTraceZ(runWith([a]))).toBeNaN();
    expect(maxTraceZ(runWith([a, [layer('fc2', 25, 3)]]))).toBeNaN();
    expect(maxTraceZ(runWith([[layer('fc1', 1, 0)], [layer('fc1', 2, 0)]]))).toBeNaN();
    expect(maxTraceZ({ ...runWith([a, a]), analysis: undefined })).toBeNaN();
  });

  it('steps per second: NaN for a run that was not timed', () => {
    expect(stepsPerSec({ ...runWith([]), stepsPerSec: 12.5 })).toBe(12.5);
    expect(stepsPerSec(runWith([]))).toBeNaN();
  });

  it('the traces lesson stays provisional until its analysis is final, then checks the predicate', () => {
    const preset = getPreset('curvature-traces-mlp')!;
    const a = [layer('fc1', 25, 3), layer('fc2', 5, 1), layer('fc3', 16, 3)];
    const near = [layer('fc1', 24, 2), layer('fc2', 7, 1.5), layer('fc3', 15, 2)];
    const far = [layer('fc1', 40, 2), layer('fc2', 5, 1), layer('fc3', 16, 3)];
    const self = { ...runWith([a, near]), experiment: preset.experiment };
    expect(checkClaim(preset.claim, { self: { ...self, analysis: undefined } })).toMatchObject({
      holds: null,
      final: false,
    });
    expect(checkClaim(preset.claim, { self })).toMatchObject({ holds: true, final: true });
    expect(checkClaim(preset.claim, { self: { ...self, ...runWith([a, far]) } }).holds).toBe(false);
  });
});
