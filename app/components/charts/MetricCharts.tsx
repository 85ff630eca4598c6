/** Loss and accuracy (train batch + test split) over steps, with live changes marked. */
import { memo, useMemo, useState } from 'react';
import type { Experiment } from '../../../src/experiment/schema';
import { Explain } from '../explain/Explain';
import { explainMetric, num, type MetricSplit } from '../explain/formulas';
import { CartesianGrid, LineChart, XAxis, YAxis } from 'recharts';
import { useLab, useLabShallow } from '../../store/hooks';
import { logAxis } from '../../store/axes';
import {
  accuracySeries,
  lossSeries,
  selectViewedRun,
  viewedSeries,
  type MetricRow,
} from '../../store/selectors';
import type { Series } from '../../store/series';
import type { EvalRow, Mark, ReportRow } from '../../store/types';
import {
  CHART_HEIGHT,
  CHART_MARGIN,
  CHART_WIDTH,
  ChartCard,
  markLines,
  Swatch,
  stepAxisProps,
} from './ChartCard';
import { formatPct, type ChartTableColumn } from './ChartTable';
import { extent, FastSeries, useStepAxis, type SeriesSpec } from './FastSeries';
import { HoverCapture, KeyboardHover, useHoverChannel, useHovered, type HoverChannel } from './hover';
import { usePaced } from './pace';

interface Props {
  reports: Series<ReportRow>;
  evals: Series<EvalRow>;
  marks: Mark[];
  experiment: Experiment | null;
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

/** The viewed run's reports, evaluations and marks, paced (see pace.ts), and its experiment. */
function usePacedRun(): Props {
  const paced = usePaced(
    useLabShallow((s) => {
      const { reports, evals, marks } = viewedSeries(s);
      return { reports, evals, marks };
    }),
  );
  const experiment = useLab((s) => selectViewedRun(s)?.experiment ?? null);
  return { ...paced, experiment };
}

const SPLITS: { key: 'train' | 'test' | 'testBn'; split: MetricSplit; label: string }[] = [
  { key: 'train', split: 'train', label: 'train batch' },
  { key: 'test', split: 'test', label: 'test' },
  { key: 'testBn', split: 'testBn', label: 'test, BN re-estimated' },
];

/** The hovered step's values; each opens its formula and says what it was measured on. */
function MetricHoverCard(props: {
  channel: HoverChannel;
  rows: MetricRow[];
  metric: 'loss' | 'accuracy';
  testId: string;
  experiment: Experiment | null;
}) {
  const i = useHovered(props.channel);
  const [slot, setSlot] = useState<HTMLElement | null>(null);
  const row = i === null ? undefined : props.rows[i];
  const e = props.experiment;
  if (!row || !e) return null;
  return (
    <div className="hover-card" data-testid={`${props.testId}.hover`}>
      <div className="small">step {row.step}</div>
      {SPLITS.map(({ key, split, label }) => {
        const value = row[key];
        if (value === undefined) return null;
        const explain = () =>
          explainMetric({
            metric: props.metric,
            split,
            value,
            step: row.step,
            batchSize: e.train.batchSize,
            testSize: e.data.testSize,
            reestimateBatches: e.bn.reestimateBatches,
          });
        return (
          <div key={key}>
            {label}:{' '}
            <Explain explain={explain} slot={slot} testId={`${props.testId}.explain.${key}`}>
              {props.metric === 'accuracy' ? `${(100 * value).toFixed(1)}%` : num(value)}
            </Explain>
          </div>
        );
      })}
      <div ref={setSlot} />
    </div>
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
  lookFor: string;
  experiment: Experiment | null;
  columns: readonly ChartTableColumn[];
}) {
  const { rows, log } = props;
  const hover = useHoverChannel();
  const steps = useMemo(() => rows.map((r) => r.step), [rows]);
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
      lookFor={props.lookFor}
      table={{ columns: props.columns, rows }}
    >
      <KeyboardHover
        channel={hover}
        count={rows.length}
        label={`${props.title}: ←/→ pick a step, Tab to a value's formula`}
      >
        {/* Before the plot in tab order: Tab from the focused chart goes straight to the card. */}
        <MetricHoverCard
          channel={hover}
          rows={rows}
          metric={log ? 'loss' : 'accuracy'}
          testId={props.testId}
          experiment={props.experiment}
        />
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
          <HoverCapture steps={steps} channel={hover} />
        </LineChart>
      </KeyboardHover>
    </ChartCard>
  );
}

const LossView = memo(function LossView({ reports, evals, marks, experiment }: Props) {
  const rows = useMemo(() => lossSeries(reports, evals), [reports, evals]);
  return (
    <MetricChart
      title="Loss"
      testId="chart.loss"
      rows={rows}
      series={[TRAIN, TEST]}
      marks={marks}
      log
      experiment={experiment}
      lookFor="Both curves should fall; a test loss that rises while the training loss falls means the model memorizes its training images."
      columns={LOSS_COLUMNS}
      legend={
        <>
          <Swatch color={TRAIN.color} /> train batch <Swatch color={TEST.color} /> test
        </>
      }
    />
  );
});

const AccuracyView = memo(function AccuracyView({ reports, evals, marks, experiment }: Props) {
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
      experiment={experiment}
      lookFor="Test accuracy, measured on images never trained on, is the score that counts; the training-batch curve is noisier."
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
