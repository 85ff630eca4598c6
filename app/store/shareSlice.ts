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
  setHiddenControls: (ids: string[]) => void;
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
    setHiddenControls: (ids) => set({ hiddenControls: [...new Set(ids)] }),
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
