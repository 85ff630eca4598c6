/**
 * The ladder's table: a column per bitwidth, the float row on top, a row per rung; each cell fills
 * as its rung finishes. A cell is a button: focusing, hovering or pressing it shows its per-layer
 * details below the table.
 */
import { useState } from 'react';
import type { LadderCellSummary } from '../../../src/ptq/ladderRequest';
import {
  ladderPercent as pct,
  type LadderTable as Table,
  type LadderTableCell,
} from '../../store/ptqSelectors';
import { LayerDetails } from './LayerDetails';

const STATE_TEXT = { pending: 'pending', running: 'running…', skipped: '—' } as const;

function Cell(props: {
  id: string;
  c: LadderTableCell;
  shown: boolean;
  show: (cell: LadderCellSummary) => void;
}) {
  const { c } = props;
  if (!c.cell)
    return (
      <td data-testid={props.id} data-state={c.state} className={`ptq-cell ptq-${c.state}`}>
        {STATE_TEXT[c.state as keyof typeof STATE_TEXT]}
      </td>
    );
  const cell = c.cell;
  return (
    <td data-testid={props.id} data-state="done" className="ptq-cell">
      <button
        type="button"
        className="ptq-cell-button"
        aria-expanded={props.shown}
        aria-controls="ptq-details"
        onFocus={() => props.show(cell)}
        onMouseEnter={() => props.show(cell)}
        onClick={() => props.show(cell)}
      >
        {pct(cell.testAccuracy)}
      </button>
    </td>
  );
}

export function LadderTable(props: { table: Table }) {
  const { table } = props;
  const [shown, setShown] = useState<LadderCellSummary | null>(null);
  const isShown = (c: LadderTableCell) => shown !== null && c.cell === shown;
  return (
    <>
      <table className="ptq-table" data-testid="ptq.table">
        <caption className="visually-hidden">
          Test accuracy after post-training quantization, by rung and bitwidth
        </caption>
        <thead>
          <tr>
            <th scope="col">rung</th>
            {table.columns.map((col) => (
              <th scope="col" key={col.label}>
                {col.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr className="ptq-float">
            <th scope="row">float</th>
            {table.float.map((f, i) => (
              <td key={i} data-testid={`ptq.float.${table.columns[i]!.key}`}>
                {f === null ? '…' : pct(f)}
              </td>
            ))}
          </tr>
          {table.rows.map((row) => (
            <tr key={row.rung}>
              <th scope="row">{row.label}</th>
              {row.cells.map((c, i) => (
                <Cell
                  key={i}
                  id={`ptq.cell.${row.rung}.${table.columns[i]!.key}`}
                  c={c}
                  shown={isShown(c)}
                  show={setShown}
                />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div id="ptq-details" className="ptq-details" aria-live="polite" data-testid="ptq.details">
        {shown ? (
          <LayerDetails cell={shown} />
        ) : (
          <p className="muted small">Focus or hover a cell for its per-layer details.</p>
        )}
      </div>
    </>
  );
}
