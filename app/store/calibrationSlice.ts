/**
 * Calibration-view slice: which layer, tensor and bitwidth the Post-training workspace's calibration
 * view shows, and the worker's last answer (docs/ptq.md §12). Side effects go through the injected
 * `LabEffects`; answers of a superseded request are dropped by id.
 */
import type { StateCreator } from 'zustand/vanilla';
import {
  CALIBRATION_VIEW_DEFAULTS,
  type CalibrationViewRequest,
  type CalibrationViewResult,
} from '../../src/ptq/calibrationView';
import type { ClientEvent } from '../worker/protocol';
import { ladderSource } from './ptqSelectors';
import { LADDER_REFUSALS } from './ptqSlice';
import type { LabEffects, LabState } from './types';

/** One request of the view and how it ended. */
export interface CalibrationState {
  seq: number;
  id: string;
  request: CalibrationViewRequest;
  status: 'running' | 'done' | 'error';
  result?: CalibrationViewResult;
  message?: string;
}

export interface CalibrationSlice {
  calibrationRequest: CalibrationViewRequest;
  /** The current or last request (null: none asked for yet). */
  calibration: CalibrationState | null;
  /** Changes the request and asks the worker for it. */
  requestCalibration: (patch?: Partial<CalibrationViewRequest>) => void;
  /** Takes the worker's answer (the run slice's `ingest` hands every batch on). */
  ingestCalibration: (events: ClientEvent[]) => void;
}

/** Applies the client events to the view's state (answers to older requests are dropped). */
export function applyCalibrationEvents(
  c: CalibrationState | null,
  events: ClientEvent[],
): CalibrationState | null {
  for (const e of events) {
    if (!c || c.status !== 'running') return c;
    if (e.type === 'calibrationDone' && e.calibrationId === c.id)
      c = e.result
        ? { ...c, status: 'done', result: e.result }
        : { ...c, status: 'error', message: e.message ?? 'The calibration view failed.' };
    if (e.type === 'crashed')
      c = { ...c, status: 'error', message: `The training worker crashed (${e.message}).` };
  }
  return c;
}

export function createCalibrationSlice(fx: LabEffects): StateCreator<LabState, [], [], CalibrationSlice> {
  return (set, get) => ({
    calibrationRequest: CALIBRATION_VIEW_DEFAULTS,
    calibration: null,
    requestCalibration: (patch = {}) => {
      const s = get();
      const request = { ...s.calibrationRequest, ...patch };
      const seq = (s.calibration?.seq ?? 0) + 1;
      // The last answer stays on screen until the new one arrives.
      const base = { seq, id: `calibration-${seq}`, request, result: s.calibration?.result };
      const source = ladderSource(s);
      if (source.kind !== 'ready') {
        const message = LADDER_REFUSALS[source.kind];
        return set({ calibrationRequest: request, calibration: { ...base, status: 'error', message } });
      }
      set({ calibrationRequest: request, calibration: { ...base, status: 'running' } });
      fx.calibration(base.id, source.run.id, request);
    },
    ingestCalibration: (events) => {
      const c = get().calibration;
      const next = applyCalibrationEvents(c, events);
      if (next !== c) set({ calibration: next });
    },
  });
}
