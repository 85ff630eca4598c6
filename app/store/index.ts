/**
 * The lab store: three slices combined once (STYLE rule 3). Vanilla zustand (no React here), so Node
 * tests drive it with fake effects; components reach it through `hooks.ts`.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { DEFAULT_EXPERIMENT, type Experiment } from '../../src/experiment/schema';
import { createConfigSlice } from './configSlice';
import { createRunSlice } from './runSlice';
import type { LabEffects, LabState } from './types';
import { createUiSlice } from './uiSlice';

export type LabStore = StoreApi<LabState>;

/** A store whose side effects go to `fx` (the worker client, or a fake in tests). */
export function createLabStore(fx: LabEffects, experiment: Experiment = DEFAULT_EXPERIMENT): LabStore {
  return createStore<LabState>()((...a) => ({
    ...createConfigSlice(fx, experiment)(...a),
    ...createRunSlice(fx)(...a),
    ...createUiSlice()(...a),
  }));
}

export type { LabState } from './types';
