/**
 * The text alternative of a chart: a collapsed "Data table" with the numbers the chart plots, as a
 * real `<table>` (caption, column header cells). The table is rendered only while open, so a chart
 * that redraws every few hundred ms during training pays nothing for it, and it shows at most the
 * last {@link MAX_TABLE_ROWS} rows (saying so), so opening it mid-run stays cheap.
 */
import { useState } from 'react';

/** Rows shown at most (the last ones: the newest steps). */
export const MAX_TABLE_ROWS = 200;

/** One column: the row field it shows, its header text, and how a number is written. */
export interface ChartTableColumn {
  key: string;
  label: string;
  format?: (value: number) => string;
}

/** What a chart hands its card for the data table: the plotted rows and the columns to show. */
export interface ChartTableData {
  columns: readonly ChartTableColumn[];
  /** The chart's rows (e.g. its recharts `data`): each column reads `row[column.key]`. */
  rows: readonly object[];
}

/** Percent with one decimal (accuracies, fractions). */
export const formatPct = (v: number): string => `${(v * 100).toFixed(1)}%`;

function formatCell(value: unknown, format?: (v: number) => string): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '–';
    if (format) return format(value);
    return Number.isInteger(value) ? String(value) : value.toPrecision(4);
  }
  if (typeof value === 'string') return value;
  return '–';
}

export function ChartTable({ title, columns, rows }: ChartTableData & { title: string }) {
  const [open, setOpen] = useState(false);
  const shown = rows.length > MAX_TABLE_ROWS ? rows.slice(-MAX_TABLE_ROWS) : rows;
  return (
    <details
      className="chart-table"
      data-testid="chart.table"
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary>Data table</summary>
      {open && (
        <div className="chart-table-scroll" role="region" aria-label={`${title}: data`} tabIndex={0}>
          <table>
            <caption>
              {title}
              {shown.length < rows.length && ` (last ${shown.length} of ${rows.length} rows)`}
            </caption>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c.key} scope="col">
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shown.map((row, i) => (
                <tr key={i}>
                  {columns.map((c, j) => {
                    const text = formatCell((row as Record<string, unknown>)[c.key], c.format);
                    return j === 0 ? (
                      <th key={c.key} scope="row">
                        {text}
                      </th>
                    ) : (
                      <td key={c.key}>{text}</td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}
