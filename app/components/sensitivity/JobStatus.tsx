/** One line on a sensitivity job: running, its time, or why it failed. */
import type { SensitivityJobState } from '../../store/sensitivitySlice';

/** A progress report in words; power iteration stops early, so its total is a bound. */
function progressText(p: NonNullable<SensitivityJobState<'cheap'>['progress']>): string {
  if (p.phase === 'eigenvalues') return `top eigenvalues: ${p.done} products (at most ${p.total})`;
  if (p.phase === 'density') return `density: Lanczos step ${p.done} of ${p.total}`;
  return `landscape: point ${p.done} of ${p.total}`;
}

export function JobStatus({
  job,
  testId,
}: {
  job:
    | (Pick<SensitivityJobState<'cheap'>, 'status' | 'message' | 'progress'> & { result?: { ms: number } })
    | null;
  testId: string;
}) {
  if (!job) return null;
  const text =
    job.status === 'running'
      ? `Computing in the worker…${job.progress ? ` ${progressText(job.progress)}` : ''}`
      : job.status === 'error'
        ? (job.message ?? 'The job failed.')
        : `Done in ${((job.result?.ms ?? 0) / 1000).toFixed(1)} s.`;
  return (
    <p
      className={job.status === 'error' ? 'sens-status sens-error' : 'sens-status'}
      role={job.status === 'error' ? 'alert' : 'status'}
      data-testid={testId}
      data-status={job.status}
      data-phase={job.progress?.phase}
    >
      {text}
    </p>
  );
}
