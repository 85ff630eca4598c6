/**
 * `window.__lab`: a dev/test-only handle so e2e tests poll app state instead of sleeping (docs/style.md rule 12).
 * Installed only in dev builds or under WebDriver (Playwright); never part of the product's UI.
 */
import { parseExperiment, type ExperimentInput } from '../../src/experiment/schema';
import type { LabClient } from '../worker/client';
import type { LabStore } from './index';
import { labSummary, type LabSummary } from './summary';
import type { LabState } from './types';

export interface LabTestHook {
  /** The whole store state (functions dropped by structured cloning). */
  getState: () => LabState;
  /** A small JSON summary for polling (phase, steps, counts, marks, banner). */
  summary: () => LabSummary;
  /** Validates and applies an experiment (defaults fill the rest). Returns the error text, or null. */
  setExperiment: (input: ExperimentInput) => string | null;
  play: () => void;
  pause: () => void;
  step: () => void;
  reset: () => void;
  setAutoPauseAfter: (n: number | null) => void;
  /** Makes the worker throw an uncaught error (crash handling test). */
  crashWorker: () => void;
}

declare global {
  interface Window {
    __lab?: LabTestHook;
  }
}

export function installTestHook(store: LabStore, client: LabClient): void {
  const s = () => store.getState();
  window.__lab = {
    getState: s,
    summary: () => labSummary(s()),
    setExperiment: (input) => {
      const parsed = parseExperiment(input);
      if (!parsed.ok) return parsed.error;
      s().setExperiment(parsed.value);
      return null;
    },
    play: () => s().play(),
    pause: () => s().pause(),
    step: () => s().step(),
    reset: () => s().reset(),
    setAutoPauseAfter: (n) => s().setAutoPauseAfter(n),
    crashWorker: () => client.crash(),
  };
}
