/** The tour's navigation: shown steps, the current one, neighbours, and when it opens by itself. */
import { describe, expect, it } from 'vitest';
import { TOUR_STEPS, type TourStep } from '../../../app/components/tour/steps';
import {
  currentStep,
  neighbourStep,
  openedWith,
  shouldOpenTourAtStart,
  shownSteps,
  stepPosition,
  targetOf,
} from '../../../app/components/tour/tourLogic';
import { hasSeenTour, rememberTour, TOUR_STORAGE_KEY } from '../../../app/components/tour/tourStorage';
import { tourRequested } from '../../../app/store/urlSync';
import { getPreset } from '../../../src/experiment/presets';
import { decodeLink, encodeLink } from '../../../src/experiment/url';

const all = () => true;
const except =
  (...hidden: string[]) =>
  (id: string) =>
    !hidden.includes(id);
const ids = (steps: TourStep[]) => steps.map((s) => s.id);

describe('tour steps', () => {
  it('walk the path: start → lesson → trajectories → freezing → claim', () => {
    expect(ids(shownSteps(TOUR_STEPS, all))).toEqual([
      'start',
      'run-lesson',
      'trajectories',
      'freeze',
      'claim',
    ]);
    expect(new Set(ids([...TOUR_STEPS])).size).toBe(TOUR_STEPS.length);
  });

  it('point at the first target shown, and at nothing when none is', () => {
    const freeze = TOUR_STEPS.find((s) => s.id === 'freeze')!;
    expect(targetOf(freeze, all)).toBe('controls.freeze');
    // A class link hid the oscillation controls: the lesson picker is pointed at instead.
    expect(targetOf(freeze, except('controls.freeze'))).toBe('share.preset');
    expect(targetOf(freeze, () => false)).toBeNull();
    expect(targetOf(TOUR_STEPS[0], all)).toBeNull();
  });

  it('skip an optional step whose target is hidden, in every direction', () => {
    const noChart = except('chart.trajectories');
    expect(ids(shownSteps(TOUR_STEPS, noChart))).toEqual(['start', 'run-lesson', 'freeze', 'claim']);
    expect(neighbourStep(TOUR_STEPS, 'run-lesson', 1, noChart)).toBe('freeze');
    expect(neighbourStep(TOUR_STEPS, 'freeze', -1, noChart)).toBe('run-lesson');
    expect(stepPosition(TOUR_STEPS, 'freeze', noChart)).toEqual({ index: 3, count: 4 });
    // The open step became hidden: the next shown one is current.
    expect(currentStep(TOUR_STEPS, 'trajectories', noChart)?.id).toBe('freeze');
    // Steps that are not optional stay, pointing at nothing.
    expect(ids(shownSteps(TOUR_STEPS, () => false))).toEqual(['start', 'run-lesson', 'freeze', 'claim']);
  });

  it('end past the last step and before the first; a closed tour has no current step', () => {
    expect(neighbourStep(TOUR_STEPS, 'claim', 1, all)).toBeNull();
    expect(neighbourStep(TOUR_STEPS, 'start', -1, all)).toBeNull();
    expect(neighbourStep(TOUR_STEPS, 'start', 1, all)).toBe('run-lesson');
    expect(stepPosition(TOUR_STEPS, 'start', all)).toEqual({ index: 1, count: 5 });
    expect(currentStep(TOUR_STEPS, null, all)).toBeNull();
    expect(currentStep(TOUR_STEPS, 'no-such-step', all)).toBeNull();
    const last: TourStep = { id: 'x', title: '', body: '', targets: ['gone'], optional: true };
    expect(currentStep([TOUR_STEPS[0], last], 'x', all)?.id).toBe('x');
    expect(currentStep([TOUR_STEPS[0], last], 'x', except('gone'))?.id).toBe('start');
  });
});

describe('when the tour opens by itself', () => {
  it('opens when asked, else on a first visit that opened no shared result and no broken link', () => {
    for (const seen of [false, true])
      for (const o of ['plain', 'experiment', 'result', 'error'] as const)
        expect(shouldOpenTourAtStart({ asked: true, seen, openedWith: o })).toBe(true);
    expect(shouldOpenTourAtStart({ asked: false, seen: false, openedWith: 'plain' })).toBe(true);
    expect(shouldOpenTourAtStart({ asked: false, seen: false, openedWith: 'experiment' })).toBe(true);
    expect(shouldOpenTourAtStart({ asked: false, seen: false, openedWith: 'result' })).toBe(false);
    expect(shouldOpenTourAtStart({ asked: false, seen: false, openedWith: 'error' })).toBe(false);
    for (const o of ['plain', 'experiment', 'result', 'error'] as const)
      expect(shouldOpenTourAtStart({ asked: false, seen: true, openedWith: o })).toBe(false);
  });

  it('reads what the URL opened and whether it asks for the tour', () => {
    const preset = getPreset('oscillations-w3-dscnn')!;
    const tourLink = decodeLink(encodeLink(preset.experiment, { preset: preset.id, tour: true }));
    const plainLink = decodeLink(encodeLink(preset.experiment, { preset: preset.id }));
    expect(openedWith(null)).toBe('plain');
    expect(openedWith(plainLink)).toBe('experiment');
    expect(openedWith(decodeLink('#garbage'))).toBe('error');
    expect(tourRequested(tourLink, '')).toBe(true);
    expect(tourRequested(plainLink, '')).toBe(false);
    expect(tourRequested(null, '?tour=1')).toBe(true);
    expect(tourRequested(null, '?backend=cpu&tour=1')).toBe(true);
    expect(tourRequested(null, '?tour=0')).toBe(false);
    expect(tourRequested(null, '')).toBe(false);
  });

  it('remembers a finished or skipped tour, and copes without storage', () => {
    const map = new Map<string, string>();
    const storage = {
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => void map.set(k, v),
    } as Storage;
    expect(hasSeenTour(storage)).toBe(false);
    rememberTour('skipped', storage);
    expect(hasSeenTour(storage)).toBe(true);
    expect(JSON.parse(map.get(TOUR_STORAGE_KEY)!).outcome).toBe('skipped');
    const blocked = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    } as unknown as Storage;
    expect(hasSeenTour(blocked)).toBe(false);
    expect(() => rememberTour('done', blocked)).not.toThrow();
    expect(hasSeenTour(null)).toBe(false);
  });
});
