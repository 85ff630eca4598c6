/** Runs kept in this tab (bounded): pick one to show its charts; the active run is the default. */
import { useLabShallow } from '../../store/hooks';

export function RunList() {
  const { runs, order, active, viewing, viewRun } = useLabShallow((s) => ({
    runs: s.runs,
    order: s.runOrder,
    active: s.activeRunId,
    viewing: s.viewRunId,
    viewRun: s.viewRun,
  }));
  if (order.length === 0) return null;
  const shown = viewing ?? active;
  return (
    <nav className="run-list" data-testid="runs">
      <span className="muted small">runs:</span>
      {order.map((id) => {
        const r = runs[id];
        const acc = r.result?.testAccuracy;
        return (
          <button
            key={id}
            type="button"
            className={id === shown ? 'run-chip current' : 'run-chip'}
            data-testid={`runs.${id}`}
            data-phase={r.phase}
            onClick={() => viewRun(id === active ? null : id)}
            data-opened={r.openedFrom ? 'true' : undefined}
            title={
              r.reason ??
              `${r.phase}, ${r.stepsDone} steps${r.openedFrom ? `, from checkpoint ${r.openedFrom}` : ''}`
            }
          >
            {r.number}: {r.openedFrom ? 'checkpoint ' : ''}
            {r.phase}
            {acc !== undefined && ` · ${(acc * 100).toFixed(1)}%`}
          </button>
        );
      })}
    </nav>
  );
}
