import { describe, expect, it } from 'vitest';
import { diffExperiments } from '../../../src/experiment/export';
import {
  getPreset,
  PRESET_GROUPS,
  type PresetGroup,
  PRESETS,
  presetsInGroup,
} from '../../../src/experiment/presets';
import { lessonExperiments } from '../../../src/experiment/claims';
import { experimentSchema } from '../../../src/experiment/schema';
import { decodeLink, encodeLink } from '../../../src/experiment/url';
import { describeModel } from '../../../src/models/spec';

/** Rough browser cost of a preset in MAC-steps (MACs/sample × batch × steps, twins counted twice). */
function macSteps(id: string): number {
  const e = getPreset(id)!.experiment;
  const macs = describeModel(e).reduce((a, l) => a + l.macs, 0);
  return macs * e.train.batchSize * e.train.steps * (e.twin ? 2 : 1);
}

describe('presets', () => {
  it('have unique ids, a known group, a title, an explanation and a watch hint', () => {
    expect(new Set(PRESETS.map((p) => p.id)).size).toBe(PRESETS.length);
    for (const p of PRESETS) {
      expect(p.id).toMatch(/^[a-z0-9-]+$/);
      expect(Object.keys(PRESET_GROUPS)).toContain(p.group);
      expect(p.title.length).toBeGreaterThan(5);
      expect(p.explanation.length).toBeGreaterThan(80);
      expect(p.watch.length).toBeGreaterThan(10);
      expect(p.experiment.name).toBe(p.title);
    }
  });

  it('are valid, fully resolved experiments that survive a link', () => {
    for (const p of PRESETS) {
      expect(experimentSchema.parse(p.experiment)).toEqual(p.experiment);
      const d = decodeLink(encodeLink(p.experiment, { preset: p.id }));
      expect(d.ok && d.experiment).toEqual(p.experiment);
    }
  });

  it('are fast enough for a browser tab (≤ 600 steps, ≤ 4k training images)', () => {
    // The MLP runs at ~60 steps/s at batch 128 (≈ 2.2 G MAC-steps/s); allow about a minute.
    for (const p of PRESETS) {
      expect(p.experiment.train.steps).toBeLessThanOrEqual(600);
      expect(p.experiment.data.trainSize).toBeLessThanOrEqual(4000);
      expect(macSteps(p.id)).toBeLessThan(60 * 2.2e9);
    }
  });

  it('cover every phenomenon of the brief', () => {
    const g = (group: PresetGroup) => presetsInGroup(group).map((p) => p.experiment);
    const [osc, freeze, damp] = g('oscillations');
    expect(osc.model.arch).toBe('dscnn');
    expect(osc.quant.weight.bits).toBe(3);
    expect(freeze.oscillation.freezeThreshold).toBeGreaterThan(0);
    expect(damp.oscillation.dampening).toBeGreaterThan(0);
    const [adam, sgd, sgdMapped] = g('twins');
    expect([adam.train.optimizer, sgd.train.optimizer, sgdMapped.train.optimizer]).toEqual([
      'adam',
      'sgd',
      'sgd',
    ]);
    expect([adam.twin?.estimator.name, sgd.twin?.map, sgdMapped.twin?.map]).toEqual(['cosine', false, true]);
    expect(adam.estimator.name).toBe('ste');
    expect(g('firstLast').map((e) => e.quant.firstLastBits8)).toEqual([false, true]);
    expect(
      g('granularity').map((e) => [e.model.arch, e.quant.weight.bits, e.quant.weight.perChannel]),
    ).toEqual([
      ['dscnn', 4, false],
      ['dscnn', 4, true],
    ]);
    expect(g('pareto').map((e) => e.quant.weight.bits)).toEqual([4, 8]);
  });

  it('differ within a group only in the knob being taught', () => {
    const differ = (group: PresetGroup) => {
      const [first, ...rest] = presetsInGroup(group).map((p) => p.experiment);
      return rest.map((e) => diffExperiments(first, e).filter((k) => k !== 'name'));
    };
    expect(differ('oscillations')).toEqual([['oscillation.freezeThreshold'], ['oscillation.dampening']]);
    expect(differ('twins')).toEqual([
      ['train.lr', 'train.optimizer'],
      ['train.lr', 'train.optimizer', 'twin.map'],
      ['train.lr'],
    ]);
    expect(differ('firstLast')).toEqual([['quant.firstLastBits8']]);
    expect(differ('granularity')).toEqual([['quant.weight.perChannel']]);
    expect(differ('pareto')).toEqual([['model.widthMultiplier', 'quant.act.bits', 'quant.weight.bits']]);
    // The deploy lessons teach the architecture (each with its own training budget); the
    // onnxruntime lesson shares the CNN lesson's runs.
    const budget = [
      'model.arch',
      'model.hidden',
      'train.batchSize',
      'train.evalEvery',
      'train.lr',
      'train.reportEvery',
      'train.steps',
    ];
    expect(differ('deploy')).toEqual([budget, budget, budget]);
    expect(presetsInGroup('deploy')[3]!.experiment).toEqual({
      ...presetsInGroup('deploy')[1]!.experiment,
      name: presetsInGroup('deploy')[3]!.experiment.name,
    });
    // The post-training lessons share one trained model; what they teach is their ladder.
    const ptq = presetsInGroup('ptq');
    expect(differ('ptq')).toEqual(ptq.slice(1).map(() => []));
    expect(new Set(ptq.map((p) => JSON.stringify(p.claim.ladder))).size).toBe(ptq.length);
  });

  it('a lesson with a ladder quantizes a float model, on lesson-sized calibration and iterations', () => {
    const withLadder = PRESETS.filter((p) => p.claim.ladder);
    expect(withLadder.map((p) => p.group)).toEqual(withLadder.map(() => 'ptq'));
    expect(withLadder.length).toBe(5);
    for (const p of withLadder) {
      const l = p.claim.ladder!;
      expect(p.experiment.quant.weight.bits, p.id).toBe(32);
      expect(l.calibSize ?? 256, p.id).toBeLessThanOrEqual(64);
      expect(l.adaroundIterations ?? 1000, p.id).toBeLessThanOrEqual(200);
      expect(l.qatSteps ?? 0, p.id).toBeLessThanOrEqual(300);
      if (l.calibData === 'distilled' || l.compareCalibData === 'distilled')
        expect(l.distillIterations ?? 500, p.id).toBeLessThanOrEqual(200);
    }
  });

  it('each state a claim with a predicate and a condition, whose compare runs change only their patch', () => {
    for (const p of PRESETS) {
      expect(p.claim.text.length, p.id).toBeGreaterThan(30);
      expect(p.claim.predicate.length, p.id).toBeGreaterThan(5);
      expect(p.claim.condition.length, p.id).toBeGreaterThan(30);
      const runs = lessonExperiments(p.experiment, p.claim);
      expect(runs.self).toEqual(p.experiment);
      for (const [role, exp] of Object.entries(runs)) {
        expect(exp.seed, `${p.id}/${role}`).toBe(p.experiment.seed);
        if (role === 'self') continue;
        // An allocation's per-layer bits are one knob, however many layers it sets.
        const changed = [
          ...new Set(
            diffExperiments(p.experiment, exp).map((k) =>
              k.startsWith('quant.layers.') ? 'quant.layers' : k,
            ),
          ),
        ];
        expect(changed.length, `${p.id}/${role}`).toBeGreaterThan(0);
        expect(changed.length, `${p.id}/${role}: ${changed.join(', ')}`).toBeLessThanOrEqual(3);
      }
      // Seeds follow the lesson: a lesson run at seed 5 runs every compare run at seed 5.
      expect(Object.values(lessonExperiments(p.experiment, p.claim, 5)).every((e) => e.seed === 5)).toBe(
        true,
      );
    }
  });

  it('match their golden resolved configs', () => {
    expect(Object.fromEntries(PRESETS.map((p) => [p.id, p.experiment]))).toMatchSnapshot();
  });
});
