/**
 * UI slice: what the page shows, not what is trained (backend badge, selection, notices, auto-pause,
 * the workspace).
 */
import type { StateCreator } from 'zustand/vanilla';
import type { LabState, UiSlice } from './types';

/** The workspace a link without `ws=` opens: training. */
export const DEFAULT_WORKSPACE = 'train';

export function createUiSlice(): StateCreator<LabState, [], [], UiSlice> {
  return (set) => ({
    backend: null,
    autoPauseAfter: null,
    selectedLayer: null,
    viewRunId: null,
    notice: null,
    hidden: false,
    workerCrashes: 0,
    workspace: DEFAULT_WORKSPACE,
    setAutoPauseAfter: (n) => set({ autoPauseAfter: n !== null && n > 0 ? Math.floor(n) : null }),
    selectLayer: (name) => set({ selectedLayer: name }),
    viewRun: (id) => set({ viewRunId: id }),
    setNotice: (notice) => set({ notice }),
    setHidden: (hidden) => set({ hidden }),
    setWorkspace: (id) => set({ workspace: id }),
  });
}
