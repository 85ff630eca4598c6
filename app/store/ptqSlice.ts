/**
 * PTQ slice: the post-training ladder's options and the current ladder, filled cell by cell from
 * the training worker (docs/ptq.md §10). Side effects go through the injected `LabEffects`.
 */
import type { StateCreator } from 'zustand/vanilla';
import { LADDER_REQUEST_DEFAULTS, normalizeLadderRequest } from '../../src/ptq/ladderRequest';
import { applyLadderEvents, ladderSource, type LadderState } from './ptqSelectors';
import type { LabEffects, LabState, PtqSlice } from './types';

/** What the panel says when no ladder can start, by {@link ladderSource} kind. */
export const LADDER_REFUSALS = {
  none: 'There is no trained model: train a model in the Train workspace first.',
  training: 'Training is running: pause or finish the run first.',
  twin: 'A twin run trains two models side by side; the ladder quantizes one. Train without the twin to use it.',
} as const;

export function createPtqSlice(fx: LabEffects): StateCreator<LabState, [], [], PtqSlice> {
  return (set, get) => ({
    ptqOptions: LADDER_REQUEST_DEFAULTS,
    ladder: null,
    setPtqOptions: (patch) => set({ ptqOptions: normalizeLadderRequest({ ...get().ptqOptions, ...patch }) }),
    runLadder: (asked) => {
      const s = get();
      const previous = s.ladder;
      if (previous?.status === 'running') fx.cancelLadder(previous.id);
      const seq = (previous?.seq ?? 0) + 1;
      const request = normalizeLadderRequest(asked ?? s.ptqOptions);
      const source = ladderSource(s);
      const base = { seq, id: `ladder-${seq}`, request, stopping: false, cells: [] };
      const refuse = (message: string): void =>
        set({ ladder: { ...base, runId: '', runNumber: 0, status: 'error', message } });
      if (source.kind !== 'ready') return refuse(LADDER_REFUSALS[source.kind]);
      if (request.weightBits.length === 0 || request.rungs.length === 0)
        return refuse('Pick at least one bitwidth and one rung.');
      const ladder: LadderState = {
        ...base,
        runId: source.run.id,
        runNumber: source.run.number,
        status: 'running',
      };
      set({ ladder });
      fx.ladder(ladder.id, ladder.runId, request);
    },
    stopLadder: () => {
      const ladder = get().ladder;
      if (ladder?.status !== 'running' || ladder.stopping) return;
      set({ ladder: { ...ladder, stopping: true } });
      fx.cancelLadder(ladder.id);
    },
    ingestLadder: (events) => {
      const ladder = get().ladder;
      const next = applyLadderEvents(ladder, events);
      if (next !== ladder) set({ ladder: next });
    },
  });
}
