/** Imports a CLI sweep file (`quant-lab sweep --out`, `quant-lab merge --out`): its points join the chart. */
import { useLabShallow } from '../../store/hooks';

export function LoadSweepFile() {
  const { importSweep, clear, setNotice, count } = useLabShallow((s) => ({
    importSweep: s.importSweep,
    clear: s.clearSweepPoints,
    setNotice: s.setNotice,
    count: s.sweep.points.length,
  }));
  const onFile = async (file: File) => {
    let error: string | null;
    try {
      error = importSweep(JSON.parse(await file.text()), file.name);
    } catch (err) {
      error = `${file.name}: not JSON (${err instanceof Error ? err.message : String(err)})`;
    }
    setNotice(
      error ? { kind: 'error', id: 'sweepFile', text: `Could not load the sweep file: ${error}` } : null,
    );
  };
  return (
    <div className="row sweep-file">
      <label className="field">
        <span className="field-label">load sweep file (JSON from quant-lab sweep / merge)</span>
        <input
          type="file"
          accept=".json,application/json"
          data-testid="pareto.load"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void onFile(file);
          }}
        />
      </label>
      {count > 0 && (
        <button type="button" className="link" data-testid="pareto.clear" onClick={clear}>
          clear {count} sweep point{count === 1 ? '' : 's'}
        </button>
      )}
    </div>
  );
}
