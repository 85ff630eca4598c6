// @vitest-environment jsdom
/**
 * The claim panel of a pruning and of a curvature lesson: the method in progress while the worker
 * prunes ("measuring: HAP…"), the traces being measured, provisional meanwhile, then the verdict.
 */
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ClaimPanel } from '../../app/components/lessons/ClaimPanel';
import { createRun } from '../../app/store/ingest';
import { lessonAnalysisState, type LessonAnalysisState } from '../../app/store/lessonAnalysis';
import { lessonPruneState, type LessonPruneState } from '../../app/store/lessonPrune';
import type { LessonRun } from '../../app/store/lessonSlice';
import type { LabState, RunState } from '../../app/store/types';
import type { PruneResult } from '../../src/experiment/claims';
import { getPreset } from '../../src/experiment/presets';
import { renderWithStore } from './render';

afterEach(cleanup);

function renderLesson(
  presetId: string,
  measure: Pick<LessonRun, 'analysis' | 'prune'>,
  state: Partial<LabState> = {},
) {
  const preset = getPreset(presetId)!;
  const run: RunState = {
    ...createRun('run-1', 1, preset.experiment),
    phase: 'completed',
    stepsDone: preset.experiment.train.steps,
    result: {
      experiment: preset.experiment,
      status: 'completed',
      testAccuracy: 0.94,
      backend: 'wasm',
      wallTimeMs: 1,
      stepsPerSec: 1,
    },
  };
  const lesson: LessonRun = { presetId, runId: run.id, compare: [], ...measure };
  return renderWithStore(<ClaimPanel />, {
    runs: { [run.id]: run },
    runOrder: [run.id],
    activeRunId: run.id,
    lessons: { [run.id]: lesson },
    ...state,
  });
}

const pruneOf = (patch: Partial<LessonPruneState>) => ({
  ...lessonPruneState(getPreset('prune-hap-mlp')!.claim.prune!),
  ...patch,
});

const result = (method: string, afterFinetune: number): PruneResult => ({
  method,
  sparsity: 0.5,
  before: { testAccuracy: 0.95 },
  afterPrune: { testAccuracy: 0.7 },
  afterFinetune: { testAccuracy: afterFinetune },
});

describe('ClaimPanel with a pruning lesson', () => {
  it('names the method being pruned and stays provisional', () => {
    renderLesson('prune-hap-mlp', {
      prune: pruneOf({ status: 'measuring', pruneId: 'p', progress: { method: 'hap', index: 0 } }),
    });
    expect(screen.getByTestId('lesson.prune').textContent).toBe('measuring: HAP… (method 1 of 2)');
    const panel = screen.getByTestId('lesson.claim');
    expect(panel.dataset.final).toBe('false');
    expect(panel.textContent).toContain('provisional: measuring post-training');
    expect(panel.textContent).not.toContain('runner');
  });

  it('shows the verdict from the prunings once they are in', () => {
    renderLesson('prune-hap-mlp', {
      prune: pruneOf({ status: 'done', results: [result('hap', 0.9), result('magnitude', 0.92)] }),
    });
    const panel = screen.getByTestId('lesson.claim');
    expect(panel.dataset.final).toBe('true');
    expect(panel.dataset.holds).toBe('fails');
    expect(screen.getByTestId('lesson.measured').textContent).toContain('acc(HAP, fine-tuned)0.9');
  });
});

describe('ClaimPanel with a curvature lesson', () => {
  const analysis = (patch: Partial<LessonAnalysisState>) => ({
    ...lessonAnalysisState(getPreset('curvature-traces-mlp')!.claim.analysis!),
    ...patch,
  });

  it('says which traces it measures, then what failed', () => {
    // The Sensitivity slice's job the lesson follows.
    const sensTraces = { id: 'j', runId: 'run-1', status: 'running' as const };
    renderLesson(
      'curvature-traces-mlp',
      { analysis: analysis({ status: 'measuring', jobId: 'j' }) },
      { sensTraces },
    );
    expect(screen.getByTestId('lesson.analysis').textContent).toBe(
      'measuring post-training: Hessian traces at probe seeds 1, 2 (20 probes on 64 images)…',
    );
    expect(screen.getByTestId('lesson.claim').textContent).toContain('provisional: measuring post-training');
    cleanup();
    renderLesson('curvature-traces-mlp', {
      analysis: analysis({ status: 'failed', message: 'out of memory' }),
    });
    expect(screen.getByTestId('lesson.analysis').textContent).toContain('out of memory');
  });
});
