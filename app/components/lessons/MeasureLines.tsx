/**
 * Where a lesson's post-training measurement of its trained model is (ClaimPanel): a ladder's cells,
 * Hessian traces or prunings — after the run, measuring (with what is done), done, or why not.
 */
import type { LessonAnalysisState } from '../../store/lessonAnalysis';
import { type LessonLadderState, lessonLadderSize } from '../../store/lessonLadder';
import { PRUNE_METHOD_LABELS, type LessonPruneState } from '../../store/lessonPrune';

function Line({ testId, status, text }: { testId: string; status: string; text: string }) {
  return (
    <p className="small" data-testid={testId} data-status={status} aria-live="polite">
      {text}
    </p>
  );
}

export function LadderLine({ ladder }: { ladder: LessonLadderState }) {
  const total = lessonLadderSize(ladder.request);
  const text =
    ladder.status === 'pending'
      ? 'post-training ladder: runs on the trained model when the run completes'
      : ladder.status === 'measuring'
        ? `measuring post-training… ${ladder.cells.length} of ${total} cells`
        : ladder.status === 'done'
          ? `post-training ladder: ${ladder.cells.length} of ${total} cells measured`
          : `post-training ladder: ${ladder.message ?? 'not measured'}`;
  return <Line testId="lesson.ladder" status={ladder.status} text={text} />;
}

export function AnalysisLine({ analysis }: { analysis: LessonAnalysisState }) {
  const { seeds, probes, batchSize } = analysis.analysis;
  const what = `Hessian traces at probe seeds ${seeds.join(', ')} (${probes} probes on ${batchSize} images)`;
  const text =
    analysis.status === 'pending'
      ? `${what}: measured on the trained model when the run completes`
      : analysis.status === 'measuring'
        ? `measuring post-training: ${what}…`
        : analysis.status === 'done'
          ? `${what}: measured (the Sensitivity workspace shows them)`
          : `${what}: ${analysis.message ?? 'not measured'}`;
  return <Line testId="lesson.analysis" status={analysis.status} text={text} />;
}

export function PruneLine({ prune }: { prune: LessonPruneState }) {
  const { methods, sparsity, finetuneSteps } = prune.prune;
  const labels = methods.map((m) => PRUNE_METHOD_LABELS[m] ?? m);
  const what = `pruning ${Math.round(100 * sparsity)}% by ${labels.join(' and ')}, then ${finetuneSteps} fine-tuning steps`;
  const index = prune.progress?.index ?? 0;
  const text =
    prune.status === 'pending'
      ? `${what}: runs on a copy of the trained model when the run completes`
      : prune.status === 'measuring'
        ? `measuring: ${labels[index]}… (method ${index + 1} of ${methods.length})`
        : prune.status === 'done'
          ? `${what}: measured`
          : `${what}: ${prune.message ?? 'not measured'}`;
  return <Line testId="lesson.prune" status={prune.status} text={text} />;
}
