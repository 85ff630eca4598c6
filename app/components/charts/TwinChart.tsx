/** Twin mode: share of identical integer weights (and latent sign agreement) between the twins. */
import { memo, useMemo } from 'react';
import { CartesianGrid, LineChart, XAxis, YAxis } from 'recharts';
import type { Experiment } from '../../../src/experiment/schema';
import type { TwinPoint } from '../../../src/train/types';
import { useLab, useLabShallow } from '../../store/hooks';
import { niceCeil } from '../../store/axes';
import { selectViewedRun, twinSeries, viewedSeries } from '../../store/selectors';
import type { Series } from '../../store/series';
import type { Mark } from '../../store/types';
import { CHART_HEIGHT, CHART_WIDTH, ChartCard, markLines, Swatch, stepAxisProps } from './ChartCard';
import { formatPct, type ChartTableColumn } from './ChartTable';

const TWIN_COLUMNS: ChartTableColumn[] = [
  { key: 'step', label: 'step' },
  { key: 'agreement', label: 'identical integer weights', format: formatPct },
  { key: 'signAgreement', label: 'same latent sign', format: formatPct },
  { key: 'alignmentError', label: 'alignment error' },
];
import { extent, FastSeries, useStepAxis, type SeriesSpec } from './FastSeries';
import { usePaced } from './pace';
import { Explain } from '../explain/Explain';
import { explainTwin } from '../explain/formulas';

const SERIES: SeriesSpec[] = [
  { key: 'alignmentError', color: '#d62728', width: 1, opacity: 0.5, yAxisId: 'e' },
  { key: 'signAgreement', color: '#9467bd', width: 1.2, yAxisId: 'a' },
  { key: 'agreement', color: '#2ca02c', width: 2.5, yAxisId: 'a' },
];

const TwinView = memo(function TwinView({
  twin,
  marks,
  experiment,
}: {
  twin: Series<TwinPoint>;
  marks: Mark[];
  experiment: Experiment | null;
}) {
  const rows = useMemo(() => twinSeries(twin), [twin]);
  const xAxis = useStepAxis(rows);
  const eMax = useMemo(() => niceCeil(Math.max(1e-6, extent(rows, ['alignmentError'], [0, 1])[1])), [rows]);
  const other = experiment?.twin?.estimator.name;
  const last = rows.at(-1);
  return (
    <ChartCard
      title={other ? `Twin agreement: ${experiment?.estimator.name} vs ${other}` : 'Twin agreement'}
      testId="chart.twin"
      points={rows.length}
      empty="Turn on twin mode and press play."
      lookFor="If the two estimators are the same in disguise, the green line stays near 100%: both twins hold the same integer weights."
      aside={
        last && (
          <span className="small" data-testid="chart.twin.last">
            <Explain testId="chart.twin.explain" explain={() => explainTwin(last)}>
              {(last.agreement * 100).toFixed(1)}% identical
            </Explain>
          </span>
        )
      }
      legend={
        <>
          <Swatch color="#2ca02c" /> identical integer weights <Swatch color="#9467bd" /> same latent sign{' '}
          <Swatch color="#d62728" /> alignment error (faint, right axis)
        </>
      }
      table={{ columns: TWIN_COLUMNS, rows }}
    >
      <LineChart
        width={CHART_WIDTH}
        height={CHART_HEIGHT}
        data={rows}
        margin={{ top: 8, right: 4, bottom: 0, left: -8 }}
      >
        <CartesianGrid stroke="#eee" yAxisId="a" />
        <XAxis {...stepAxisProps(xAxis)} />
        <YAxis
          interval={0}
          allowDataOverflow
          yAxisId="a"
          type="number"
          domain={[0, 1]}
          tick={{ fontSize: 10 }}
        />
        <YAxis
          interval={0}
          allowDataOverflow
          yAxisId="e"
          type="number"
          domain={[0, eMax]}
          orientation="right"
          tick={{ fontSize: 10 }}
          width={40}
          tickFormatter={(v: number) => v.toPrecision(2)}
        />
        {markLines(marks, 'a')}
        <FastSeries rows={rows} series={SERIES} />
      </LineChart>
    </ChartCard>
  );
});

export function TwinChart() {
  const { twin, marks } = usePaced(
    useLabShallow((s) => {
      const { twin, marks } = viewedSeries(s);
      return { twin, marks };
    }),
  );
  const experiment = useLab((s) => selectViewedRun(s)?.experiment ?? null);
  return <TwinView twin={twin} marks={marks} experiment={experiment} />;
}
