/**
 * Share slice: what the opened link asked for (classroom options, a preset, a result summary drawn as
 * ghost curves) and what went wrong opening it. URL I/O itself lives in `urlSync.ts`.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { LinkSummary } from '../../src/experiment/url';
import { getPreset } from '../../src/experiment/presets';
import type { LabState } from './types';

export interface ShareSlice {
  /** Control ids (dotted test ids) hidden for a class; carried into copied links. */
  hiddenControls: string[];
  /** Preset whose title and explanation are shown (null: none). */
  presetId: string | null;
  /** Result summary from the link, drawn as ghost curves until dismissed. */
  linkSummary: LinkSummary | null;
  /** Warnings from opening the link (migrated, dropped fields). */
  linkWarnings: string[];
  /** Why the link could not be opened (the default lab is shown instead). */
  linkError: string | null;
  /** Copied links ask for the guided tour (never the address bar, so a reload does not reopen it). */
  tourInLink: boolean;
  setHiddenControls: (ids: string[]) => void;
  setTourInLink: (on: boolean) => void;
  /** Loads a teaching preset into the controls and shows its explanation. */
  loadPreset: (id: string) => void;
  clearPreset: () => void;
  clearLinkSummary: () => void;
  dismissLinkMessages: () => void;
}

export function createShareSlice(): StateCreator<LabState, [], [], ShareSlice> {
  return (set, get) => ({
    hiddenControls: [],
    presetId: null,
    linkSummary: null,
    linkWarnings: [],
    linkError: null,
    tourInLink: false,
    setHiddenControls: (ids) => set({ hiddenControls: [...new Set(ids)] }),
    setTourInLink: (on) => set({ tourInLink: on }),
    loadPreset: (id) => {
      const preset = getPreset(id);
      if (!preset) return;
      get().setExperiment(preset.experiment);
      set({ presetId: id, linkSummary: null });
    },
    clearPreset: () => set({ presetId: null }),
    clearLinkSummary: () => set({ linkSummary: null }),
    dismissLinkMessages: () => set({ linkWarnings: [], linkError: null }),
  });
}
