// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ChartTable, formatPct, MAX_TABLE_ROWS } from '../../app/components/charts/ChartTable';
import { stepKeyIndex } from '../../app/components/charts/hover';

afterEach(cleanup);

const COLUMNS = [
  { key: 'step', label: 'step' },
  { key: 'acc', label: 'accuracy', format: formatPct },
];

/** Opens the details element as a click on its summary would (jsdom does not toggle it). */
function open(details: HTMLElement) {
  (details as HTMLDetailsElement).open = true;
  fireEvent(details, new Event('toggle'));
}

describe('ChartTable: a chart as numbers', () => {
  it('renders nothing heavy until opened, then a captioned table with header cells', () => {
    const rows = [{ step: 5, acc: 0.5 }, { step: 10, acc: Number.NaN }, { step: 15 }];
    const { container } = render(<ChartTable title="Accuracy" columns={COLUMNS} rows={rows} />);
    expect(container.querySelector('table')).toBeNull();
    open(screen.getByTestId('chart.table'));
    const table = screen.getByRole('table', { name: 'Accuracy' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((th) => th.textContent),
    ).toEqual(['step', 'accuracy']);
    expect(
      within(table)
        .getAllByRole('rowheader')
        .map((th) => th.textContent),
    ).toEqual(['5', '10', '15']);
    expect(
      within(table)
        .getAllByRole('cell')
        .map((td) => td.textContent),
    ).toEqual(['50.0%', '–', '–']);
  });

  it(`shows only the last ${MAX_TABLE_ROWS} rows and says so`, () => {
    const rows = Array.from({ length: 450 }, (_, i) => ({ step: i, acc: 0.1 }));
    render(<ChartTable title="Loss" columns={COLUMNS} rows={rows} />);
    open(screen.getByTestId('chart.table'));
    const table = screen.getByRole('table');
    expect(table.querySelector('caption')?.textContent).toBe(`Loss (last ${MAX_TABLE_ROWS} of 450 rows)`);
    expect(table.querySelectorAll('tbody tr')).toHaveLength(MAX_TABLE_ROWS);
    expect(table.querySelector('tbody th')?.textContent).toBe('250');
  });
});

describe('stepKeyIndex: the chart step cursor by keyboard', () => {
  it('starts at the newest step and moves by arrows, pages and ends', () => {
    expect(stepKeyIndex('ArrowLeft', null, 30)).toBe(29);
    expect(stepKeyIndex('ArrowLeft', 29, 30)).toBe(28);
    expect(stepKeyIndex('ArrowRight', 29, 30)).toBe(29);
    expect(stepKeyIndex('PageDown', 5, 30)).toBe(0);
    expect(stepKeyIndex('PageUp', 5, 30)).toBe(15);
    expect(stepKeyIndex('Home', 12, 30)).toBe(0);
    expect(stepKeyIndex('End', 0, 30)).toBe(29);
    expect(stepKeyIndex('a', 3, 30)).toBeNull();
  });
});
