/**
 * Checkpoints in the Runs workspace (docs/checkpoints.md, "In the app"): save the active run's model,
 * open a checkpoint file (or drop one anywhere on the page), fine-tune from an opened one, and the
 * checkpoints saved in this browser, each with open, download and delete.
 */
import { useRef } from 'react';
import { checkpointFileName, type StoredCheckpoint } from '../../persist/checkpointStore';
import { useLab, useLabShallow } from '../../store/hooks';
import { ladderSource } from '../../store/ptqSelectors';
import { downloadText } from '../share/download';
import { useLabApi } from '../share/useLabApi';
import { openCheckpointFiles } from './openFiles';
import './checkpoints.css';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;

function CheckpointRow({ entry }: { entry: StoredCheckpoint }) {
  const store = useLabApi();
  const e = entry.experiment;
  const download = async () => {
    const text = await store.getState().readCheckpoint(entry.id);
    if (text !== null) downloadText(text, checkpointFileName(entry.name), 'application/json');
  };
  return (
    <tr data-testid={`ckpt.row.${entry.id}`}>
      <td>{entry.name}</td>
      <td>
        W{e.quant.weight.bits}A{e.quant.act.bits} {e.model.arch}
      </td>
      <td>{entry.stepsDone}</td>
      <td>{entry.testAccuracy === undefined ? '–' : `${(entry.testAccuracy * 100).toFixed(1)}%`}</td>
      <td>{mb(entry.sizeBytes)}</td>
      <td>{new Date(entry.createdAt).toLocaleString()}</td>
      <td className="run-actions">
        <button
          type="button"
          className="link"
          data-testid={`ckpt.openSaved.${entry.id}`}
          aria-label={`open ${entry.name}`}
          onClick={() => void store.getState().openSavedCheckpoint(entry.id)}
        >
          open
        </button>{' '}
        <button
          type="button"
          className="link"
          data-testid={`ckpt.download.${entry.id}`}
          aria-label={`download ${entry.name}`}
          onClick={() => void download()}
        >
          download
        </button>{' '}
        <button
          type="button"
          className="link"
          data-testid={`ckpt.delete.${entry.id}`}
          aria-label={`delete ${entry.name}`}
          onClick={() => void store.getState().deleteCheckpoint(entry.id)}
        >
          delete
        </button>
      </td>
    </tr>
  );
}

export function CheckpointPanel() {
  const store = useLabApi();
  const { checkpoints, warnings, busy } = useLabShallow((s) => ({
    checkpoints: s.checkpoints,
    warnings: s.checkpointWarnings,
    busy: s.checkpointBusy,
  }));
  const canSave = useLab((s) => ladderSource(s).kind === 'ready');
  const canFineTune = useLab((s) => s.fineTuneRunId !== null && s.fineTuneRunId === s.activeRunId);
  const fileInput = useRef<HTMLInputElement>(null);
  const openPicked = async (files: FileList | null) => {
    await openCheckpointFiles(store, files ?? []);
    if (fileInput.current) fileInput.current.value = '';
  };

  return (
    <section className="ckpt-section" data-testid="ckpt.section" aria-labelledby="ckpt-heading">
      <h2 id="ckpt-heading">Checkpoints</h2>
      <p className="muted small">
        A checkpoint is a trained model in one file, the same the runner reads and writes (
        <code>quant-lab run --from</code>, <code>quant-lab ptq --from</code>). Opening one makes it a run the
        Post-training workspace can quantize. Drop a <code>.ckpt.json</code> file anywhere on the page to open
        it.
      </p>
      <div className="runs-toolbar">
        <button
          type="button"
          data-testid="ckpt.save"
          disabled={!canSave}
          onClick={() => store.getState().saveCheckpoint()}
        >
          Save model as checkpoint
        </button>
        <label className="file-button">
          Open checkpoint…
          <input
            ref={fileInput}
            type="file"
            accept=".json,application/json"
            multiple
            data-testid="ckpt.open"
            onChange={(e) => void openPicked(e.target.files)}
          />
        </label>
        {canFineTune && (
          <button type="button" data-testid="ckpt.finetune" onClick={() => store.getState().fineTuneOpened()}>
            Fine-tune from it
          </button>
        )}
        <span className="muted small" role="status" data-testid="ckpt.busy">
          {busy ?? ''}
        </span>
      </div>
      {warnings.length > 0 && (
        <div className="notice notice-warning" data-testid="ckpt.warnings">
          <span>{warnings.join('; ')}</span>
        </div>
      )}
      {checkpoints.length === 0 ? (
        <p className="muted small" data-testid="ckpt.empty">
          No checkpoints saved in this browser yet.
        </p>
      ) : (
        <table className="run-table" data-testid="ckpt.list">
          <thead>
            <tr>
              <th>name</th>
              <th>model</th>
              <th>step</th>
              <th>test acc.</th>
              <th>size</th>
              <th>saved</th>
              <th>
                <span className="visually-hidden">actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {checkpoints.map((c) => (
              <CheckpointRow key={c.id} entry={c} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
