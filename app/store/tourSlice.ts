/**
 * Tour slice: which step of the guided tour is open (null: closed). The steps themselves, their
 * conditions and whether the visitor has seen the tour live in app/components/tour.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { LabState } from './types';

export interface TourSlice {
  /** Id of the open tour step, or null when the tour is closed. */
  tourStepId: string | null;
  /** Opens the tour at `stepId` (or moves it there). */
  openTourAt: (stepId: string) => void;
  closeTour: () => void;
}

export function createTourSlice(): StateCreator<LabState, [], [], TourSlice> {
  return (set) => ({
    tourStepId: null,
    openTourAt: (stepId) => set({ tourStepId: stepId }),
    closeTour: () => set({ tourStepId: null }),
  });
}
