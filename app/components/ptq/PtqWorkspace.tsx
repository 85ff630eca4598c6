/**
 * The Post-training workspace (docs/ptq.md §10): the PTQ ladder over the current run's trained
 * model, filled cell by cell from the training worker, with the options beside it. Training and the
 * ladder take turns: the ladder is refused while the run trains, and pressing play stops it.
 */
import { lazy, Suspense, useMemo, useState } from 'react';
import { useLab } from '../../store/hooks';
import { ladderCellCount, ladderSource, ladderTable, ladderTakeaways } from '../../store/ptqSelectors';
import { LADDER_REFUSALS } from '../../store/ptqSlice';
import { LadderOptions } from './LadderOptions';
import { LadderTable } from './LadderTable';
import './ptq.css';

/** The calibration view: its own chunk, loaded when first opened. */
const CalibrationView = lazy(() => import('./CalibrationView').then((m) => ({ default: m.CalibrationView })));

function LadderStatusLine() {
  const ladder = useLab((s) => s.ladder);
  if (!ladder) return null;
  const total = ladderCellCount(ladder.request);
  const text =
    ladder.status === 'running'
      ? `${ladder.stopping ? 'Stopping after the current cell' : 'Running'}: ${ladder.cells.length} of ${total} cells of run ${ladder.runNumber}.`
      : ladder.status === 'done'
        ? `Done: ${total} cells of run ${ladder.runNumber}.`
        : ladder.status === 'cancelled'
          ? `Stopped after ${ladder.cells.length} of ${total} cells.${ladder.message ? ` ${ladder.message}` : ''}`
          : (ladder.message ?? 'The ladder failed.');
  return (
    <p
      className={ladder.status === 'error' ? 'ptq-status ptq-error' : 'ptq-status'}
      role={ladder.status === 'error' ? 'alert' : 'status'}
      data-testid="ptq.status"
      data-status={ladder.status}
    >
      {text}
    </p>
  );
}

export function PtqWorkspace() {
  const sourceKind = useLab((s) => ladderSource(s).kind);
  const runNumber = useLab((s) => (s.activeRunId ? (s.runs[s.activeRunId]?.number ?? null) : null));
  const ladder = useLab((s) => s.ladder);
  const runLadder = useLab((s) => s.runLadder);
  const stopLadder = useLab((s) => s.stopLadder);
  const setWorkspace = useLab((s) => s.setWorkspace);
  const table = useMemo(() => (ladder && ladder.runId ? ladderTable(ladder) : null), [ladder]);
  const running = ladder?.status === 'running';
  const [calibrationOpen, setCalibrationOpen] = useState(false);
  return (
    <section className="ptq" data-testid="ptq.section" aria-labelledby="ptq-heading">
      <h2 id="ptq-heading">Post-training quantization ladder</h2>
      <p className="ptq-advice" data-testid="ptq.advice">
        PTQ first, QAT where that is not enough: each row adds one pass to the one above (nearest rounding,
        cross-layer equalization, bias correction, AdaRound), so the table shows how far post-training
        quantization gets at each bitwidth before training with quantization is needed; with QAT steps set, a
        last row fine-tunes the last rung and says when it passed the best one.
      </p>
      {sourceKind === 'none' && !running ? (
        <div className="ptq-empty" data-testid="ptq.empty">
          <p>{LADDER_REFUSALS.none}</p>
          <button type="button" data-testid="ptq.toTrain" onClick={() => setWorkspace('train')}>
            Open Train
          </button>
        </div>
      ) : (
        <p className="muted small" data-testid="ptq.source">
          {sourceKind === 'ready'
            ? `Quantizes run ${runNumber}'s trained model; the quantizers' other settings (symmetry, grid, first/last at 8 bits, per-layer bits) are that run's. Cells run between training chunks: pressing play stops the ladder after its current cell.`
            : sourceKind === 'training'
              ? LADDER_REFUSALS.training
              : sourceKind === 'twin'
                ? LADDER_REFUSALS.twin
                : LADDER_REFUSALS.none}
        </p>
      )}
      <div className="ptq-body">
        <LadderOptions disabled={running} />
        <div className="ptq-main">
          <div className="ptq-actions">
            <button
              type="button"
              className="ptq-run"
              data-testid="ptq.run"
              disabled={sourceKind !== 'ready'}
              onClick={() => runLadder()}
            >
              {running ? 'Restart ladder' : 'Run ladder'}
            </button>
            <button
              type="button"
              data-testid="ptq.stop"
              disabled={!running || ladder?.stopping}
              onClick={stopLadder}
            >
              Stop
            </button>
          </div>
          <LadderStatusLine />
          {table && <LadderTable table={table} />}
          {table && (
            <ul className="ptq-takeaways" data-testid="ptq.takeaways">
              {ladderTakeaways(table).map((t) => (
                <li key={t}>{t}</li>
              ))}
            </ul>
          )}
          <button
            type="button"
            className="calib-toggle"
            data-testid="ptq.calibration.open"
            aria-expanded={calibrationOpen}
            onClick={() => setCalibrationOpen(!calibrationOpen)}
          >
            {calibrationOpen ? 'Hide the calibration view' : 'Calibration view: compare range estimators'}
          </button>
          {calibrationOpen && (
            <Suspense fallback={<p className="muted small">Loading…</p>}>
              <CalibrationView />
            </Suspense>
          )}
        </div>
      </div>
    </section>
  );
}
