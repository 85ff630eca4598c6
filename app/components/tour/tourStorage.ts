/**
 * Whether this browser has seen the tour (finished or skipped it), in localStorage under
 * {@link TOUR_STORAGE_KEY}. Storage can be unavailable (blocked, private modes): the tour then shows
 * as on a first visit and nothing is remembered.
 */

/** localStorage key, namespaced for the lab. */
export const TOUR_STORAGE_KEY = 'quant-lab.tour';

/** How the visitor left the tour. */
export type TourOutcome = 'done' | 'skipped';

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** True once the tour was finished or skipped in this browser. */
export function hasSeenTour(store: Storage | null = storage()): boolean {
  try {
    return !!store?.getItem(TOUR_STORAGE_KEY);
  } catch {
    return false;
  }
}

/** Remembers that the tour was finished or skipped, so it does not open by itself again. */
export function rememberTour(outcome: TourOutcome, store: Storage | null = storage()): void {
  try {
    store?.setItem(TOUR_STORAGE_KEY, JSON.stringify({ outcome, at: new Date().toISOString() }));
  } catch {
    // Storage full or blocked: the tour opens again on the next visit, which is harmless.
  }
}
