/**
 * The lab store: its slices combined once (docs/style.md rule 3). Vanilla zustand (no React here), so Node
 * tests drive it with fake effects; components reach it through `hooks.ts`.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { DEFAULT_EXPERIMENT, type Experiment } from '../../src/experiment/schema';
import { getCheckpointStore, type CheckpointStore } from '../persist/checkpointStore';
import { getRunStore, type RunStore } from '../persist/runStore';
import { createCalibrationSlice } from './calibrationSlice';
import { createCheckpointSlice } from './checkpointSlice';
import { createConfigSlice } from './configSlice';
import { createDeploySlice } from './deploySlice';
import { createLessonSlice, type LessonEffects, NO_LESSON_EFFECTS } from './lessonSlice';
import { createPtqSlice } from './ptqSlice';
import { createRunSlice } from './runSlice';
import { createSavedSlice } from './savedSlice';
import { createSensitivitySlice } from './sensitivitySlice';
import { createShareSlice } from './shareSlice';
import { createSweepSlice, NO_SWEEP_EFFECTS, type SweepEffects } from './sweepSlice';
import { createTourSlice } from './tourSlice';
import type { LabEffects, LabState } from './types';
import { createUiSlice } from './uiSlice';

export type LabStore = StoreApi<LabState>;

/**
 * A store whose side effects go to `fx` (the worker client, or a fake in tests); sweeps to
 * `sweepFx`; saved runs to `runStore`; a lesson's compare runs to `lessonFx`; saved checkpoints to
 * `checkpointStore`.
 */
export function createLabStore(
  fx: LabEffects,
  experiment: Experiment = DEFAULT_EXPERIMENT,
  sweepFx: SweepEffects = NO_SWEEP_EFFECTS,
  runStore: RunStore = getRunStore(),
  lessonFx: LessonEffects = NO_LESSON_EFFECTS,
  checkpointStore: CheckpointStore = getCheckpointStore(),
): LabStore {
  const store = createStore<LabState>()((...a) => ({
    ...createConfigSlice(fx, experiment)(...a),
    ...createRunSlice(fx)(...a),
    ...createUiSlice()(...a),
    ...createPtqSlice(fx)(...a),
    ...createCalibrationSlice(fx)(...a),
    ...createSensitivitySlice(fx)(...a),
    ...createDeploySlice(fx)(...a),
    ...createSweepSlice(sweepFx)(...a),
    ...createSavedSlice(runStore)(...a),
    ...createShareSlice()(...a),
    ...createLessonSlice(lessonFx, fx)(...a),
    ...createTourSlice()(...a),
    ...createCheckpointSlice(fx, checkpointStore)(...a),
  }));
  // A run started while a lesson is loaded trains the lesson's compare runs beside it.
  store.subscribe((s, prev) => {
    if (s.presetId !== prev.presetId) s.cancelLessons();
    if (s.activeRunId && s.activeRunId !== prev.activeRunId && s.presetId && !s.lessons[s.activeRunId])
      s.startLesson(s.activeRunId);
    // A lesson measures its ladder, traces or prunings once its run completes (lessonSlice.ts).
    if (
      s.runs !== prev.runs ||
      s.ladder !== prev.ladder ||
      s.sensTraces !== prev.sensTraces ||
      s.lessons !== prev.lessons
    )
      s.advanceLessonMeasures();
  });
  return store;
}

export type { LabState } from './types';
