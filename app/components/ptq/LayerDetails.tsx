/** One ladder cell's per-layer details: grid ranges, AdaRound flips, the output shift bias correction removed. */
import type { LadderCellSummary } from '../../../src/ptq/ladderRequest';
import { columnLabel, ladderPercent as pct, qatRowLabel, qatVerdict } from '../../store/ptqSelectors';
import { LADDER_RUNGS } from '../../../src/ptq/ladder';

const num = (x: number) => (Math.abs(x) >= 100 || x === 0 ? x.toFixed(0) : x.toPrecision(3));
const range = ([a, b]: [number, number]) => `[${num(a)}, ${num(b)}]`;

export function LayerDetails(props: { cell: LadderCellSummary }) {
  const c = props.cell;
  const steps = c.qat?.curve.at(-1)?.step ?? 0;
  const rung = c.qat ? qatRowLabel(steps) : (LADDER_RUNGS.find((r) => r.id === c.rung)?.label ?? c.rung);
  return (
    <>
      <p className="small">
        <strong>
          {rung}, {columnLabel(c.weightBits, c.actBits)}
        </strong>
        : {pct(c.testAccuracy)} (float {pct(c.floatTestAccuracy)}), {c.seconds.toFixed(1)} s
        {c.cleSweeps !== undefined && `, CLE converged in ${c.cleSweeps} sweeps`}.
      </p>
      {c.qat && (
        <p className="small" data-testid="ptq.qat">
          {qatVerdict(c)} Accuracy along the fine-tuning (step: accuracy):{' '}
          {c.qat.curve.map((p) => `${p.step}: ${pct(p.testAccuracy)}`).join(', ')}. The layers below are the
          rung it started from.
        </p>
      )}
      <table className="ptq-layers" data-testid="ptq.layers">
        <caption className="visually-hidden">Per-layer details of the cell</caption>
        <thead>
          <tr>
            <th scope="col">layer</th>
            <th scope="col">bits W/A</th>
            <th scope="col">weight range</th>
            <th scope="col">input range</th>
            <th scope="col">AdaRound flips</th>
            <th scope="col">mean output shift before → after</th>
          </tr>
        </thead>
        <tbody>
          {c.layers.map((l) => (
            <tr key={l.name}>
              <th scope="row">{l.name}</th>
              <td>
                {l.weightBits}/{l.actBits}
              </td>
              <td>{range(l.weightRange)}</td>
              <td>{range(l.actRange)}</td>
              <td>
                {l.adaroundFlipped === undefined
                  ? '—'
                  : `${l.adaroundFlipped} of ${l.weightCount} (${pct(l.adaroundFlipped / l.weightCount)})`}
              </td>
              <td>
                {num(l.meanShiftBefore)} → {num(l.meanShiftAfter)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
