/**
 * The calibration view (docs/ptq.md §12): for one layer of the current run's model and one of its
 * tensors, min-max, percentile, MSE and KL side by side — the histogram with each one's clipping
 * points, their ranges and errors at the chosen bitwidth, and how each range moves with the
 * calibration batch's size and seed. Computed in the training worker; loaded with the workspace's
 * lazy chunk only when opened.
 */
import { useEffect, useMemo } from 'react';
import {
  CALIBRATION_BITS,
  CALIBRATION_TENSORS,
  STABILITY_SEEDS,
  type CalibrationTensor,
} from '../../../src/ptq/calibrationView';
import { layerNames } from '../../../src/models/spec';
import type { ComparedRange } from '../../../src/quant/range/compare';
import {
  ESTIMATOR_COLORS,
  estimatorLabel,
  formatValue as f,
  stabilityRows,
} from '../../store/calibrationSelectors';
import { useLab } from '../../store/hooks';
import { ladderSource } from '../../store/ptqSelectors';
import { SelectField } from '../controls/fields';
import { CalibrationHistogram } from './CalibrationHistogram';

const TENSOR_LABELS: Record<CalibrationTensor, string> = {
  weights: 'weights',
  inputs: 'input activations (calibration batch)',
};

/** The estimator's colour on the chart, beside its name. */
function Swatch(props: { name: ComparedRange }) {
  return (
    <span aria-hidden="true" style={{ color: ESTIMATOR_COLORS[props.name] }}>
      ┃
    </span>
  );
}

function CalibrationTable() {
  const result = useLab((s) => s.calibration?.result);
  if (!result) return null;
  const { bits, symmetric } = result.settings;
  return (
    <table className="ptq-layers" data-testid="ptq.calibration.table">
      <caption>
        Ranges and errors at {bits} bits ({symmetric ? 'symmetric' : 'asymmetric'} grid); error = mean over
        all {result.count} values of (x − q(x))²
      </caption>
      <thead>
        <tr>
          <th scope="col">estimator</th>
          <th scope="col">range</th>
          <th scope="col">clipped</th>
          <th scope="col">clipping error</th>
          <th scope="col">rounding error</th>
          <th scope="col">total</th>
        </tr>
      </thead>
      <tbody>
        {result.rows.map((r) => (
          <tr key={r.name} data-testid={`ptq.calibration.row.${r.name}`}>
            <th scope="row">
              <Swatch name={r.name} /> {estimatorLabel(r.name)}
            </th>
            <td>
              [{f(r.lo)}, {f(r.hi)}]
            </td>
            <td>{(r.clippedFraction * 100).toFixed(2)}%</td>
            <td>{f(r.clipError)}</td>
            <td>{f(r.roundError)}</td>
            <td>{f(r.clipError + r.roundError)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function StabilityTable() {
  const result = useLab((s) => s.calibration?.result);
  const rows = useMemo(() => (result ? stabilityRows(result) : []), [result]);
  if (!result) return null;
  if (rows.length === 0)
    return (
      <p className="muted small" data-testid="ptq.calibration.stability">
        Weights do not depend on the calibration batch: every estimator gives them one range.
      </p>
    );
  return (
    <table className="ptq-layers" data-testid="ptq.calibration.stability">
      <caption>
        Upper end of each range over {STABILITY_SEEDS} seeds (lowest – highest) by calibration batch size
      </caption>
      <thead>
        <tr>
          <th scope="col">batch</th>
          {result.rows.map((r) => (
            <th scope="col" key={r.name}>
              <Swatch name={r.name} /> {estimatorLabel(r.name)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.batchSize}>
            <th scope="row">{row.batchSize}</th>
            {result.rows.map(({ name }) => (
              <td key={name}>
                {f(row.ranges[name].low)} – {f(row.ranges[name].high)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function CalibrationView() {
  const ready = useLab((s) => ladderSource(s).kind === 'ready');
  const experiment = useLab((s) => (s.activeRunId ? s.runs[s.activeRunId]?.experiment : undefined));
  const request = useLab((s) => s.calibrationRequest);
  const calibration = useLab((s) => s.calibration);
  const ask = useLab((s) => s.requestCalibration);
  const names = useMemo(() => (experiment ? layerNames(experiment) : []), [experiment]);
  // Ask once when the view opens on a model (and again when the model becomes available).
  useEffect(() => {
    if (ready) ask({ layer: Math.min(request.layer, Math.max(0, names.length - 1)) });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready, experiment]);
  const status = calibration?.status;
  return (
    <section className="calib" data-testid="ptq.calibration" aria-labelledby="calib-heading">
      <h3 id="calib-heading">Calibration: the range estimators on one tensor</h3>
      <div className="calib-controls">
        <SelectField
          label="layer"
          testId="ptq.calibration.layer"
          value={request.layer}
          options={names.map((n, i) => ({ value: i, label: n }))}
          onChange={(layer) => ask({ layer })}
          disabled={!ready}
        />
        <SelectField
          label="tensor"
          testId="ptq.calibration.tensor"
          value={request.tensor}
          options={CALIBRATION_TENSORS.map((t) => ({ value: t, label: TENSOR_LABELS[t] }))}
          onChange={(tensor) => ask({ tensor })}
          disabled={!ready}
        />
        <SelectField
          label="bits"
          testId="ptq.calibration.bits"
          value={request.bits}
          options={CALIBRATION_BITS.map((b) => ({ value: b, label: String(b) }))}
          onChange={(bits) => ask({ bits })}
          disabled={!ready}
        />
      </div>
      <p
        className={status === 'error' ? 'ptq-status ptq-error' : 'ptq-status muted small'}
        role={status === 'error' ? 'alert' : 'status'}
        data-testid="ptq.calibration.status"
        data-status={status ?? 'idle'}
      >
        {status === 'running'
          ? 'Computing in the worker…'
          : status === 'error'
            ? calibration?.message
            : status === 'done'
              ? `${names[request.layer] ?? ''} ${TENSOR_LABELS[request.tensor]}: the grid settings (symmetry, signed) are the run's; ranges per tensor.`
              : ''}
      </p>
      {calibration?.result && (
        <>
          <CalibrationHistogram result={calibration.result} />
          <CalibrationTable />
          <StabilityTable />
        </>
      )}
    </section>
  );
}
