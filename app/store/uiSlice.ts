/** UI slice: what the page shows, not what is trained (backend badge, selection, notices, auto-pause). */
import type { StateCreator } from 'zustand/vanilla';
import type { LabState, UiSlice } from './types';

export function createUiSlice(): StateCreator<LabState, [], [], UiSlice> {
  return (set) => ({
    backend: null,
    autoPauseAfter: null,
    selectedLayer: null,
    viewRunId: null,
    notice: null,
    hidden: false,
    workerCrashes: 0,
    setAutoPauseAfter: (n) => set({ autoPauseAfter: n !== null && n > 0 ? Math.floor(n) : null }),
    selectLayer: (name) => set({ selectedLayer: name }),
    viewRun: (id) => set({ viewRunId: id }),
    setNotice: (notice) => set({ notice }),
    setHidden: (hidden) => set({ hidden }),
  });
}
