/** A small JSON view of the lab for the dev/test hook (`window.__lab.summary()`) and debugging. */
import type { ClaimResult } from '../../src/experiment/claims';
import { claimOf } from './claimSelectors';
import { activeRun } from './runSlice';
import { bannerOf, type Banner } from './selectors';
import { seriesPoints } from './series';
import type { LabState, Mark, RunPhase } from './types';

export interface LabSummary {
  backend: string | null;
  activeRunId: string | null;
  phase: RunPhase | 'idle';
  stepsDone: number;
  stepsPerSec: number;
  reports: number;
  evals: number;
  twinPoints: number;
  lastTwinAgreement: number | null;
  marks: Mark[];
  banner: Banner['id'] | null;
  notice: string | null;
  runs: { id: string; phase: RunPhase; stepsDone: number }[];
  weightHistograms: number;
  frequencyBins: number;
  workerCrashes: number;
  hidden: boolean;
  /** The active run's lesson claim, checked on what is measured so far (null: not a lesson run). */
  claim:
    | (ClaimResult & {
        compare: { role: string; status: string }[];
        /** A post-training lesson's ladder: its status and cells done. */
        ladder?: { status: string; cells: number };
        /** A curvature lesson's traces: status and probe seeds measured. */
        analysis?: { status: string; seeds: number };
        /** A pruning lesson's prunings: status and methods measured. */
        prune?: { status: string; results: number };
      })
    | null;
}

/** A small JSON view for the test hook and debugging. */
export function labSummary(s: LabState): LabSummary {
  const run = activeRun(s);
  const twin = run ? seriesPoints(run.twin) : [];
  const lesson = claimOf(run, run ? s.lessons[run.id] : undefined);
  return {
    backend: s.backend?.name ?? null,
    activeRunId: s.activeRunId,
    phase: run?.phase ?? 'idle',
    stepsDone: run?.stepsDone ?? 0,
    stepsPerSec: run?.stepsPerSec ?? 0,
    reports: run ? seriesPoints(run.reports).length : 0,
    evals: run ? seriesPoints(run.evals).length : 0,
    twinPoints: twin.length,
    lastTwinAgreement: twin.at(-1)?.agreement ?? null,
    marks: run?.marks ?? [],
    banner: bannerOf(run)?.id ?? null,
    notice: s.notice?.id ?? null,
    runs: s.runOrder.map((id) => ({ id, phase: s.runs[id].phase, stepsDone: s.runs[id].stepsDone })),
    weightHistograms: run?.weightHistograms.length ?? 0,
    frequencyBins: run?.frequencyHistogram?.counts.length ?? 0,
    workerCrashes: s.workerCrashes,
    hidden: s.hidden,
    claim: lesson && {
      ...lesson.claim,
      compare: lesson.compare.map((c) => ({ role: c.role, status: c.status })),
      ...(lesson.ladder && { ladder: { status: lesson.ladder.status, cells: lesson.ladder.cells.length } }),
      ...(lesson.analysis && {
        analysis: { status: lesson.analysis.status, seeds: lesson.analysis.result?.seeds.length ?? 0 },
      }),
      ...(lesson.prune && { prune: { status: lesson.prune.status, results: lesson.prune.results.length } }),
    },
  };
}
