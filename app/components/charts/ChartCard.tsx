/** Frame of one chart: title, empty state, and `data-points` so tests can see it update. */
import { useId, type ReactNode } from 'react';
import { ReferenceLine } from 'recharts';
import type { Mark } from '../../store/types';
import { PngButton } from '../share/PngButton';
import { ChartTable, type ChartTableData } from './ChartTable';

export const CHART_WIDTH = 420;
export const CHART_HEIGHT = 190;
export const CHART_MARGIN = { top: 8, right: 12, bottom: 0, left: -8 };

/**
 * Props of the step x-axis every live chart shares: fixed ticks from the run's axis selector, so
 * recharts does not re-measure tick labels while a run grows (a main-thread cost, see pace.ts).
 */
export function stepAxisProps(axis: { domain: [number, number]; ticks: number[] }) {
  return {
    interval: 0,
    dataKey: 'step',
    type: 'number',
    domain: axis.domain,
    ticks: axis.ticks,
    tick: { fontSize: 10 },
  } as const;
}
export const COLORS = [
  '#1f77b4',
  '#e8710a',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
];

export function ChartCard(props: {
  title: string;
  testId: string;
  points: number;
  empty?: string;
  children: ReactNode;
  aside?: ReactNode;
  legend?: ReactNode;
  /** One short line under the title telling a student what to look for in this chart. */
  lookFor?: string;
  /** The plotted numbers, offered as a collapsed data table (the chart's text alternative). */
  table?: ChartTableData;
}) {
  const titleId = useId();
  return (
    <figure className="chart" data-testid={props.testId} data-points={props.points} aria-labelledby={titleId}>
      <figcaption>
        <span id={titleId}>{props.title}</span>
        <span className="chart-actions">
          {props.aside}
          {props.points > 0 && <PngButton name={props.title} />}
        </span>
      </figcaption>
      {props.lookFor && (
        <p className="chart-look-for small" data-testid={`${props.testId}.lookFor`}>
          {props.lookFor}
        </p>
      )}
      {props.points === 0 ? (
        <div className="chart-empty" style={{ height: CHART_HEIGHT }}>
          {props.empty ?? 'Press play to train.'}
        </div>
      ) : (
        props.children
      )}
      {props.legend && <div className="legend small">{props.legend}</div>}
      {props.table && props.points > 0 && <ChartTable title={props.title} {...props.table} />}
    </figure>
  );
}

/** Vertical lines at the steps where a live change was applied (estimator, lr, λ, bits…). */
export function markLines(marks: Mark[], yAxisId?: string) {
  return marks.map((m, i) => (
    <ReferenceLine
      key={`${m.step}-${i}`}
      x={m.step}
      yAxisId={yAxisId}
      stroke="#7b3fbf"
      strokeDasharray="4 3"
      className="mark-line"
      label={{ value: m.label, position: 'insideTopLeft', fontSize: 10, fill: '#7b3fbf' }}
    />
  ));
}

export function Swatch({ color }: { color: string }) {
  return <span className="swatch" style={{ background: color }} />;
}
