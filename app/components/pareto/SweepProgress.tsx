/** Progress bar, ETA and failures of the current (or last) browser sweep. */
import { useLabShallow } from '../../store/hooks';

/** "1 min 05 s", "12 s", or "…" while unknown. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '…';
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
}

export function SweepProgress() {
  const run = useLabShallow((s) => s.sweep.run);
  if (run.phase === 'idle') return null;
  if (run.error !== null && run.total === 0) {
    return (
      <p className="sweep-error" data-testid="sweep.error">
        {run.error}
      </p>
    );
  }
  const partial = Object.values(run.partial).reduce((a, b) => a + b, 0);
  const fraction = run.total ? (run.done + run.failed + partial) / run.total : 0;
  const status =
    run.phase === 'running'
      ? `${run.done}/${run.total} done · ${formatDuration(run.elapsedMs)} elapsed · ETA ${formatDuration(run.etaMs)}`
      : `${run.phase}: ${run.done}/${run.total} points in ${formatDuration(run.elapsedMs)} on ${run.workers} worker${run.workers === 1 ? '' : 's'}`;
  return (
    <div className="sweep-progress">
      <progress
        data-testid="sweep.progress"
        data-phase={run.phase}
        data-done={run.done}
        data-total={run.total}
        data-fraction={fraction.toFixed(3)}
        value={fraction}
        max={1}
      />
      <div className="muted small" data-testid="sweep.status">
        {status}
        {run.failed > 0 && ` · ${run.failed} failed`}
      </div>
      {run.error && <p className="sweep-error">{run.error}</p>}
      {run.failures.length > 0 && (
        <ul className="sweep-failures small" data-testid="sweep.failures">
          {run.failures.map((f) => (
            <li key={f.id}>
              {f.id}: {f.error}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
