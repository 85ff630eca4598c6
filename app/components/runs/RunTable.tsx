/**
 * The saved runs as a sortable table: tick runs to overlay them, rename inline, download a run as
 * the runner's JSON, delete. Cells whose config differs among the ticked runs are highlighted.
 */
import { useMemo, useState } from 'react';
import { experimentToJson, exportFileName, resultToJson } from '../../../src/experiment/export';
import type { StoredRun } from '../../persist/runStore';
import {
  COLUMN_KEYS,
  differingKeys,
  type RunTableColumn,
  type RunTableRow,
  runTableRow,
  sortRunRows,
} from '../../store/compareSelectors';
import { useLab, useLabShallow } from '../../store/hooks';
import { downloadText } from '../share/download';
import { Explain } from '../explain/Explain';
import { explainMetric } from '../explain/formulas';

/** The formula of a metric cell (final test accuracy, last training loss), built when opened. */
function explainCell(run: StoredRun, row: RunTableRow, col: RunTableColumn) {
  const v = row[col];
  if (v === null || (col !== 'testAccuracy' && col !== 'loss')) return null;
  const e = run.experiment;
  return () =>
    explainMetric({
      metric: col === 'loss' ? 'loss' : 'accuracy',
      split: col === 'loss' ? 'train' : 'test',
      value: v as number,
      step: row.steps,
      batchSize: e.train.batchSize,
      testSize: e.data.testSize,
    });
}

const COLUMNS: readonly [RunTableColumn, string][] = [
  ['name', 'name'],
  ['status', 'status'],
  ['testAccuracy', 'test acc'],
  ['loss', 'loss'],
  ['bits', 'bits'],
  ['estimator', 'estimator'],
  ['arch', 'model'],
  ['seed', 'seed'],
  ['steps', 'steps'],
];

function cell(row: RunTableRow, col: RunTableColumn): string {
  const v = row[col];
  if (v === null) return '–';
  if (col === 'testAccuracy') return `${((v as number) * 100).toFixed(1)}%`;
  if (col === 'loss') return (v as number).toPrecision(3);
  return String(v);
}

function CellValue({ run, row, col }: { run: StoredRun; row: RunTableRow; col: RunTableColumn }) {
  const explain = explainCell(run, row, col);
  return explain ? <Explain explain={explain}>{cell(row, col)}</Explain> : <>{cell(row, col)}</>;
}

function downloadRun(run: StoredRun) {
  const json = run.result ? resultToJson(run.result) : experimentToJson(run.experiment);
  downloadText(json, exportFileName(run.name, 'json'), 'application/json');
}

function NameCell({ run }: { run: StoredRun }) {
  const rename = useLab((s) => s.renameSaved);
  const [editing, setEditing] = useState(false);
  if (!editing)
    return (
      <button
        type="button"
        className="link run-name"
        title="rename"
        data-testid={`runs.rename.${run.id}`}
        onClick={() => setEditing(true)}
      >
        {run.name}
      </button>
    );
  const done = (value: string) => {
    setEditing(false);
    if (value !== run.name) void rename(run.id, value);
  };
  return (
    <input
      autoFocus
      defaultValue={run.name}
      aria-label="run name"
      data-testid={`runs.nameInput.${run.id}`}
      onBlur={(e) => done(e.currentTarget.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') done(e.currentTarget.value);
        if (e.key === 'Escape') setEditing(false);
      }}
    />
  );
}

export function RunTable() {
  const { saved, order, compareIds, toggle, remove } = useLabShallow((s) => ({
    saved: s.saved,
    order: s.savedOrder,
    compareIds: s.compareIds,
    toggle: s.toggleCompare,
    remove: s.deleteSaved,
  }));
  const [sort, setSort] = useState<{ col: RunTableColumn; desc: boolean }>({ col: 'createdAt', desc: false });
  const rows = useMemo(
    () =>
      sortRunRows(
        order.filter((id) => saved[id]).map((id) => runTableRow(saved[id])),
        sort.col,
        sort.desc,
      ),
    [saved, order, sort],
  );
  const diff = useMemo(
    () => differingKeys(compareIds.filter((id) => saved[id]).map((id) => saved[id])),
    [saved, compareIds],
  );
  const highlighted = (col: RunTableColumn) => diff.some((k) => COLUMN_KEYS[col]?.(k));
  if (rows.length === 0)
    return (
      <p className="muted small" data-testid="runs.empty">
        No saved runs yet. Every run you train is kept here.
      </p>
    );
  return (
    <table className="run-table" data-testid="runs.table" data-diff={diff.join(' ')}>
      <thead>
        <tr>
          <th title="overlay in the charts">show</th>
          {COLUMNS.map(([col, label]) => (
            <th key={col}>
              <button
                type="button"
                className="link"
                data-testid={`runs.sort.${col}`}
                onClick={() =>
                  setSort((s) => ({ col, desc: s.col === col ? !s.desc : col === 'testAccuracy' }))
                }
              >
                {label}
                {sort.col === col ? (sort.desc ? ' ▼' : ' ▲') : ''}
              </button>
            </th>
          ))}
          <th>
            <span className="visually-hidden">actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const picked = compareIds.includes(row.id);
          return (
            <tr
              key={row.id}
              data-testid={`runs.row.${row.id}`}
              data-status={row.status}
              className={picked ? 'picked' : undefined}
            >
              <td>
                <input
                  type="checkbox"
                  checked={picked}
                  data-testid={`runs.pick.${row.id}`}
                  aria-label={`show ${saved[row.id].name} in the comparison`}
                  onChange={() => toggle(row.id)}
                />
              </td>
              {COLUMNS.map(([col]) => (
                <td key={col} className={picked && highlighted(col) ? 'diff' : undefined} data-col={col}>
                  {col === 'name' ? (
                    <NameCell run={saved[row.id]} />
                  ) : (
                    <CellValue run={saved[row.id]} row={row} col={col} />
                  )}
                </td>
              ))}
              <td className="run-actions">
                <button
                  type="button"
                  className="link"
                  data-testid={`runs.json.${row.id}`}
                  onClick={() => downloadRun(saved[row.id])}
                >
                  JSON
                </button>{' '}
                <button
                  type="button"
                  className="link"
                  data-testid={`runs.delete.${row.id}`}
                  onClick={() => void remove(row.id)}
                >
                  delete
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
