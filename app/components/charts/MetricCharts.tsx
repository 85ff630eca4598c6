/** Loss and accuracy (train batch + test split) over steps, with live changes marked. */
import { memo, useMemo } from 'react';
import { CartesianGrid, LineChart, XAxis, YAxis } from 'recharts';
import { useLabShallow } from '../../store/hooks';
import { logAxis } from '../../store/axes';
import { accuracySeries, lossSeries, viewedSeries, type MetricRow } from '../../store/selectors';
import type { Series } from '../../store/series';
import type { EvalRow, Mark, ReportRow } from '../../store/types';
import { CHART_HEIGHT, CHART_MARGIN, CHART_WIDTH, ChartCard, markLines, Swatch, stepAxisProps } from './ChartCard';
import { formatPct, type ChartTableColumn } from './ChartTable';
import { extent, FastSeries, useStepAxis, type SeriesSpec } from './FastSeries';
import { usePaced } from './pace';

interface Props {
  reports: Series<ReportRow>;
  evals: Series<EvalRow>;
  marks: Mark[];
}

const TRAIN: SeriesSpec = { key: 'train', color: '#1f77b4', width: 1.2 };
const TEST: SeriesSpec = { key: 'test', color: '#e8710a', width: 2.5 };
const TEST_BN: SeriesSpec = { key: 'testBn', color: '#2ca02c', width: 2.5 };
const LOSS_COLUMNS: ChartTableColumn[] = [
  { key: 'step', label: 'step' },
  { key: 'train', label: 'train batch loss' },
  { key: 'test', label: 'test loss' },
];
const ACCURACY_COLUMNS: ChartTableColumn[] = [
  { key: 'step', label: 'step' },
  { key: 'train', label: 'train batch accuracy', format: formatPct },
  { key: 'test', label: 'test accuracy', format: formatPct },
];
const BN_COLUMN: ChartTableColumn = {
  key: 'testBn',
  label: 'test accuracy, BN re-estimated',
  format: formatPct,
};

/** The viewed run's reports, evaluations and marks, paced (see pace.ts). */
function usePacedRun(): Props {
  return usePaced(
    useLabShallow((s) => {
      const { reports, evals, marks } = viewedSeries(s);
      return { reports, evals, marks };
    }),
  );
}

function MetricChart(props: {
  title: string;
  testId: string;
  rows: MetricRow[];
  series: SeriesSpec[];
  marks: Mark[];
  log: boolean;
  legend: React.ReactNode;
  columns: readonly ChartTableColumn[];
}) {
  const { rows, log } = props;
  const xAxis = useStepAxis(rows);
  const y = useMemo(() => {
    if (!log) return { domain: [0, 1] as [number, number], ticks: [0, 0.25, 0.5, 0.75, 1] };
    const [lo, hi] = extent(
      rows.filter((r) => (r.train ?? 1) > 0 && (r.test ?? 1) > 0),
      ['train', 'test'],
      [0.1, 10],
    );
    return logAxis(lo, hi);
  }, [rows, log]);
  return (
    <ChartCard
      title={props.title}
      testId={props.testId}
      points={rows.length}
      legend={props.legend}
      table={{ columns: props.columns, rows }}
    >
      <LineChart width={CHART_WIDTH} height={CHART_HEIGHT} margin={CHART_MARGIN} data={rows}>
        <CartesianGrid stroke="#eee" />
        <XAxis {...stepAxisProps(xAxis)} />
        <YAxis
          interval={0}
          type="number"
          scale={log ? 'log' : 'linear'}
          domain={y.domain}
          ticks={y.ticks}
          allowDataOverflow
          tick={{ fontSize: 10 }}
        />
        {markLines(props.marks)}
        <FastSeries rows={rows} series={props.series} />
      </LineChart>
    </ChartCard>
  );
}

const LossView = memo(function LossView({ reports, evals, marks }: Props) {
  const rows = useMemo(() => lossSeries(reports, evals), [reports, evals]);
  return (
    <MetricChart
      title="Loss"
      testId="chart.loss"
      rows={rows}
      series={[TRAIN, TEST]}
      marks={marks}
      log
      columns={LOSS_COLUMNS}
      legend={
        <>
          <Swatch color={TRAIN.color} /> train batch <Swatch color={TEST.color} /> test
        </>
      }
    />
  );
});

const AccuracyView = memo(function AccuracyView({ reports, evals, marks }: Props) {
  const rows = useMemo(() => accuracySeries(reports, evals), [reports, evals]);
  const hasBn = rows.some((r) => r.testBn !== undefined);
  return (
    <MetricChart
      title="Accuracy"
      testId="chart.accuracy"
      rows={rows}
      series={hasBn ? [TRAIN, TEST, TEST_BN] : [TRAIN, TEST]}
      marks={marks}
      log={false}
      columns={hasBn ? [...ACCURACY_COLUMNS, BN_COLUMN] : ACCURACY_COLUMNS}
      legend={
        <>
          <Swatch color={TRAIN.color} /> train batch <Swatch color={TEST.color} /> test
          {hasBn && (
            <>
              <Swatch color={TEST_BN.color} /> test, BN re-estimated
            </>
          )}
        </>
      }
    />
  );
});

export function LossChart() {
  return <LossView {...usePacedRun()} />;
}

export function AccuracyChart() {
  return <AccuracyView {...usePacedRun()} />;
}
