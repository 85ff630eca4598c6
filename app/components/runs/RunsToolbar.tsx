/**
 * Saved-runs actions: export all runs as CSV, export the current experiment as JSON, import a runner
 * result or an experiment file, clear all; and the storage error / import message, never swallowed.
 */
import { useRef, useState } from 'react';
import { experimentToJson, exportFileName, runsToCsv } from '../../../src/experiment/export';
import { useLab } from '../../store/hooks';
import { downloadText } from '../share/download';
import { useLabApi } from '../share/useLabApi';

export function RunsToolbar() {
  const store = useLabApi();
  const count = useLab((s) => s.savedOrder.length);
  const error = useLab((s) => s.savedError);
  const warnings = useLab((s) => s.savedWarnings);
  const dismissError = useLab((s) => s.dismissSavedError);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const exportCsv = () => {
    const s = store.getState();
    downloadText(
      runsToCsv(s.savedOrder.map((id) => ({ ...s.saved[id] }))),
      exportFileName('runs', 'csv'),
      'text/csv',
    );
  };
  const exportExperiment = () => {
    const exp = store.getState().experiment;
    downloadText(experimentToJson(exp), exportFileName(exp.name || 'experiment', 'json'), 'application/json');
  };
  const importFiles = async (files: FileList | null) => {
    for (const file of files ?? []) {
      const res = await store.getState().importRunFile(await file.text(), file.name);
      setMessage({ ok: res.ok, text: res.message });
    }
    if (fileInput.current) fileInput.current.value = '';
  };
  const clearAll = () => {
    if (window.confirm(`Delete all ${count} saved runs? Export them first if you want to keep them.`))
      void store.getState().clearSaved();
  };

  return (
    <div className="runs-toolbar">
      <button type="button" data-testid="runs.exportCsv" disabled={count === 0} onClick={exportCsv}>
        Export CSV
      </button>
      <button type="button" data-testid="runs.exportExperiment" onClick={exportExperiment}>
        Experiment JSON
      </button>
      <label className="file-button">
        Import JSON…
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          multiple
          data-testid="runs.import"
          onChange={(e) => void importFiles(e.target.files)}
        />
      </label>
      <button
        type="button"
        className="link"
        data-testid="runs.clear"
        disabled={count === 0}
        onClick={clearAll}
      >
        clear all
      </button>
      {error && (
        <div className="notice notice-error" role="alert" data-testid="runs.error">
          <span>{error}</span>
          <button type="button" className="link" onClick={dismissError} aria-label="dismiss">
            ✕
          </button>
        </div>
      )}
      {message && (
        <div
          className={`notice ${message.ok ? '' : 'notice-error'}`}
          data-testid="runs.importMessage"
          data-ok={message.ok}
        >
          <span>{message.text}</span>
          <button type="button" className="link" onClick={() => setMessage(null)} aria-label="dismiss">
            ✕
          </button>
        </div>
      )}
      {warnings.length > 0 && (
        <div className="notice notice-warning" data-testid="runs.warnings">
          <span>{warnings.join('; ')}</span>
        </div>
      )}
    </div>
  );
}
