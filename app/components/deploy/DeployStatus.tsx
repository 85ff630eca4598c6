/** One line on a deploy job: running, its time, or why it failed (a float layer's refusal included). */
import type { DeployJobState } from '../../store/deploySlice';

export function DeployStatus({
  job,
  testId,
  running = 'Computing in the worker…',
}: {
  job: (Pick<DeployJobState<'integer'>, 'status' | 'message'> & { result?: { ms: number } }) | null;
  testId: string;
  running?: string;
}) {
  if (!job) return null;
  const text =
    job.status === 'running'
      ? running
      : job.status === 'error'
        ? (job.message ?? 'The job failed.')
        : `Done in ${((job.result?.ms ?? 0) / 1000).toFixed(2)} s.`;
  return (
    <p
      className={job.status === 'error' ? 'deploy-status deploy-error' : 'deploy-status'}
      role={job.status === 'error' ? 'alert' : 'status'}
      data-testid={testId}
      data-status={job.status}
    >
      {text}
    </p>
  );
}
