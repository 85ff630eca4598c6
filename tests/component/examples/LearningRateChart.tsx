/**
 * Worked example of adding a chart (tests/component/chartRegistry.test.tsx): the learning rate each
 * reported step trained with. A real chart is this file under app/components/charts/ plus one entry
 * in app/components/charts/registry.ts; the test registers it instead.
 */
import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart, XAxis, YAxis } from 'recharts';
import { CHART_HEIGHT, CHART_MARGIN, CHART_WIDTH, ChartCard } from '../../../app/components/charts/ChartCard';
import type { ChartTableColumn } from '../../../app/components/charts/ChartTable';
import { useLab } from '../../../app/store/hooks';
import { viewedSeries } from '../../../app/store/selectors';
import { seriesPoints, type Series } from '../../../app/store/series';
import type { ReportRow } from '../../../app/store/types';

/** One row per report: step and the learning rate it used. */
export interface LearningRateRow {
  step: number;
  lr: number;
}

/** The chart's selector (pure): the viewed run's learning rate per reported step. */
export function learningRateRows(reports: Series<ReportRow>): LearningRateRow[] {
  return seriesPoints(reports).map((r) => ({ step: r.point.step, lr: r.point.lr }));
}

const COLUMNS: ChartTableColumn[] = [
  { key: 'step', label: 'step' },
  { key: 'lr', label: 'learning rate' },
];

export function LearningRateChart() {
  const reports = useLab((s) => viewedSeries(s).reports);
  const rows = useMemo(() => learningRateRows(reports), [reports]);
  return (
    <ChartCard
      title="Learning rate"
      testId="chart.learningRate"
      points={rows.length}
      lookFor="A schedule shows as steps or a slope; a live change of the learning rate as a jump."
      table={{ columns: COLUMNS, rows }}
    >
      <LineChart width={CHART_WIDTH} height={CHART_HEIGHT} margin={CHART_MARGIN} data={rows}>
        <CartesianGrid stroke="#eee" />
        <XAxis dataKey="step" type="number" tick={{ fontSize: 10 }} />
        <YAxis tick={{ fontSize: 10 }} />
        <Line dataKey="lr" stroke="#1f77b4" dot={false} isAnimationActive={false} />
      </LineChart>
    </ChartCard>
  );
}
