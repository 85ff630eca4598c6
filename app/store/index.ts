/**
 * The lab store: three slices combined once (STYLE rule 3). Vanilla zustand (no React here), so Node
 * tests drive it with fake effects; components reach it through `hooks.ts`.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { DEFAULT_EXPERIMENT, type Experiment } from '../../src/experiment/schema';
import { getRunStore, type RunStore } from '../persist/runStore';
import { createConfigSlice } from './configSlice';
import { createRunSlice } from './runSlice';
import { createSavedSlice } from './savedSlice';
import { createShareSlice } from './shareSlice';
import { createSweepSlice, NO_SWEEP_EFFECTS, type SweepEffects } from './sweepSlice';
import type { LabEffects, LabState } from './types';
import { createUiSlice } from './uiSlice';

export type LabStore = StoreApi<LabState>;

/** A store whose side effects go to `fx` (the worker client, or a fake in tests); sweeps to `sweepFx`; saved runs to `runStore`. */
export function createLabStore(
  fx: LabEffects,
  experiment: Experiment = DEFAULT_EXPERIMENT,
  sweepFx: SweepEffects = NO_SWEEP_EFFECTS,
  runStore: RunStore = getRunStore(),
): LabStore {
  return createStore<LabState>()((...a) => ({
    ...createConfigSlice(fx, experiment)(...a),
    ...createRunSlice(fx)(...a),
    ...createUiSlice()(...a),
    ...createSweepSlice(sweepFx)(...a),
    ...createSavedSlice(runStore)(...a),
    ...createShareSlice()(...a),
  }));
}

export type { LabState } from './types';
