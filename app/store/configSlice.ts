/**
 * Config slice: exactly the experiment (the value a link holds, src/experiment/schema.ts). Setting it
 * also tells a live run about the change (continue + mark, or visible reset; see runSlice).
 */
import type { StateCreator } from 'zustand/vanilla';
import { DEFAULT_EXPERIMENT, type Experiment } from '../../src/experiment/schema';
import { applyLiveChange } from './runSlice';
import type { ConfigSlice, LabEffects, LabState } from './types';

export function createConfigSlice(
  fx: LabEffects,
  initial: Experiment = DEFAULT_EXPERIMENT,
): StateCreator<LabState, [], [], ConfigSlice> {
  return (set, get) => ({
    experiment: initial,
    setExperiment: (next) => {
      if (next === get().experiment) return;
      set({ experiment: next });
      applyLiveChange(get, set, fx, next);
    },
    updateExperiment: (recipe) => get().setExperiment(recipe(get().experiment)),
  });
}
