/**
 * The guided tour for a first visit: start here → run the oscillation lesson → what the trajectory
 * chart shows → turn on freezing → watch the claim turn ✔. Each step names what it points at (dotted
 * test ids, the first one shown wins), what it offers to do, and when it is done (read from the store).
 */
import type { LabState } from '../../store/types';
import { compareText, playLesson, runProgressText, type TourFacts } from './tourModel';

/** The oscillation lesson and its freezing follow-up (src/experiment/presets.ts). */
export const OSCILLATION_LESSON = 'oscillations-w3-dscnn';
export const FREEZE_LESSON = 'oscillations-w3-dscnn-freeze';

/** Whether a step is done, and one line on where it stands ("training… 120/400 steps"). */
export interface StepStatus {
  done: boolean;
  text: string;
}

export interface TourStep {
  id: string;
  title: string;
  body: string;
  /**
   * Test ids to point at, in order of preference; the first one shown on the page wins (a class link
   * may hide controls). None shown: the step is skipped when `optional`, else shown without a pointer.
   */
  targets: readonly string[];
  /** The workspace the step's targets are in (the nav switches there); the Train one when omitted. */
  workspace?: string;
  optional?: boolean;
  /** What the step offers to do for the visitor. */
  action?: { label: string; run: (s: LabState) => void };
  /** When the step is done; without it the step is done on sight. */
  status?: (f: TourFacts) => StepStatus;
}

function lessonRunStatus(f: TourFacts, presetId: string, doneWhen: 'started' | 'completed'): StepStatus {
  const run = f.lessons[presetId];
  if (!run) return { done: false, text: 'Not started yet.' };
  const done =
    doneWhen === 'started' ? run.stepsDone > 0 || run.phase === 'completed' : run.phase === 'completed';
  return { done, text: runProgressText(run) };
}

function claimStatus(f: TourFacts): StepStatus {
  const run = f.lessons[FREEZE_LESSON];
  if (!run) return { done: false, text: 'The claim appears once the freezing lesson runs (previous step).' };
  if (run.final) {
    return run.holds
      ? { done: true, text: '✔ The claim holds, and it is final: both runs have finished.' }
      : {
          done: true,
          text: '✘ The claim does not hold on these runs. The panel shows the numbers measured.',
        };
  }
  const verdict =
    run.holds === null ? 'measuring…' : run.holds ? '✔ so far (provisional)' : '✘ so far (provisional)';
  const compare = compareText(run.compare);
  return {
    done: false,
    text: `${verdict} freezing run ${runProgressText(run)}${compare ? `; ${compare}` : ''}`,
  };
}

/** The tour, in order. */
export const TOUR_STEPS: readonly TourStep[] = [
  {
    id: 'start',
    title: 'Start here',
    body:
      'Quant Lab trains a small neural network in this page, with its weights rounded to a few bits. ' +
      'In a few minutes of training you will run a lesson, read the chart that shows weights oscillating, ' +
      'switch on freezing, and watch the lab check the lesson’s claim on your own runs.',
    targets: [],
  },
  {
    id: 'run-lesson',
    title: 'Run the oscillation lesson',
    body:
      'Lessons load a ready-made experiment and state a claim that the lab checks on your run. This one ' +
      'trains a small depthwise CNN with 3-bit weights for 400 steps. You can pick lessons here, or let the tour do it.',
    targets: ['share.preset', 'controls.transport'],
    action: { label: 'Load the oscillation lesson and play', run: (s) => playLesson(s, OSCILLATION_LESSON) },
    status: (f) => lessonRunStatus(f, OSCILLATION_LESSON, 'started'),
  },
  {
    id: 'trajectories',
    title: 'What the trajectory chart shows',
    body:
      'Each colour is one sampled weight, in grid units: the thin line is its float (latent) value, the wide ' +
      'faint steps the integer it rounds to. A weight whose best value lies between two grid points keeps ' +
      'crossing the dotted rounding threshold, so its integer flips back and forth: an oscillation. ' +
      'Let the run finish: the freezing lesson compares against it.',
    targets: ['chart.trajectories'],
    optional: true,
    status: (f) => lessonRunStatus(f, OSCILLATION_LESSON, 'completed'),
  },
  {
    id: 'freeze',
    title: 'Turn on freezing',
    body:
      'Iterative freezing counts how often each weight flips and, past a threshold, fixes it at its usual ' +
      'integer value. The freezing lesson sets this threshold to 0.02 and trains the same network again, ' +
      'from the same seed.',
    targets: ['controls.freeze', 'share.preset', 'controls.transport'],
    action: { label: 'Load the freezing lesson and play', run: (s) => playLesson(s, FREEZE_LESSON) },
    status: (f) => lessonRunStatus(f, FREEZE_LESSON, 'started'),
  },
  {
    id: 'claim',
    title: 'Watch the claim turn ✔',
    body:
      'The lesson claims that freezing at least halves how often weights flip, without costing accuracy. ' +
      'It is checked on the numbers measured so far (provisional) and turns final when the freezing run ' +
      'and the run without freezing have both finished.',
    targets: ['lesson.claim', 'controls.transport'],
    status: claimStatus,
  },
];
