/** Oscillation statistics: the frequency histogram (latest) and oscillating / frozen fractions per layer over time. */
import { memo, useMemo } from 'react';
import type { Experiment } from '../../../src/experiment/schema';
import { Explain } from '../explain/Explain';
import { explainOscillation } from '../explain/formulas';
import { CartesianGrid, LineChart, XAxis, YAxis } from 'recharts';
import { useLab, useLabShallow } from '../../store/hooks';
import { countTicks, niceCeil } from '../../store/axes';
import { fractionSeries, frequencyBars, selectViewedRun, viewedSeries } from '../../store/selectors';
import type { Series } from '../../store/series';
import type { Mark, ReportRow, RunState } from '../../store/types';
import {
  CHART_HEIGHT,
  CHART_MARGIN,
  CHART_WIDTH,
  ChartCard,
  COLORS,
  markLines,
  Swatch,
  stepAxisProps,
} from './ChartCard';
import { formatPct, type ChartTableColumn } from './ChartTable';
import { extent, FastSeries, useStepAxis, type SeriesSpec } from './FastSeries';
import { usePaced } from './pace';

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const FREQ_SERIES: SeriesSpec[] = [{ key: 'count', color: '#1f77b4', kind: 'area', width: 1 }];
const FREQ_COLUMNS: ChartTableColumn[] = [
  { key: 'x', label: 'frequency (bin start)', format: (v) => v.toFixed(3) },
  { key: 'count', label: 'weights' },
];

/** The "i" next to an oscillation chart: the EMA with this run's m and thresholds, and the latest fractions. */
function OscillationInfo(props: {
  experiment: Experiment | null;
  rows?: Record<string, number>[];
  layers?: string[];
  testId: string;
}) {
  const e = props.experiment;
  if (!e) return null;
  const explain = () => {
    const last = props.rows?.at(-1);
    const layer = props.layers?.[0];
    return explainOscillation({
      ...e.oscillation,
      layer,
      step: last?.step,
      oscillatingFraction: last && layer ? last[`osc:${layer}`] : undefined,
      frozenFraction: last && layer ? last[`frozen:${layer}`] : undefined,
    });
  };
  return <Explain explain={explain} label="How oscillation is measured" testId={props.testId} />;
}

const FrequencyView = memo(function FrequencyView({
  hist,
  experiment,
}: {
  hist: RunState['frequencyHistogram'];
  experiment: Experiment | null;
}) {
  const rows = useMemo(() => frequencyBars(hist), [hist]);
  const ticks = useMemo(() => countTicks(Math.max(0, ...rows.map((b) => b.count))), [rows]);
  const xDomain = useMemo(() => extent(rows, ['x']), [rows]);
  return (
    <ChartCard
      title="Oscillation frequency (tracked weights)"
      testId="chart.frequency"
      points={rows.length}
      empty="Appears once oscillations are tracked (≤ 4-bit layers, or all layers when enabled)."
      legend="weights per frequency bin (EMA of sign-reversing code changes per step); count axis is log-like"
      aside={<OscillationInfo experiment={experiment} testId="chart.frequency.info" />}
      lookFor="Most weights sit at f = 0; a tail to the right means weights whose codes keep flipping back and forth."
      table={{ columns: FREQ_COLUMNS, rows }}
    >
      <LineChart width={CHART_WIDTH} height={CHART_HEIGHT} data={rows} margin={CHART_MARGIN}>
        <CartesianGrid stroke="#eee" vertical={false} />
        <XAxis
          interval={0}
          dataKey="x"
          type="number"
          domain={xDomain}
          tick={{ fontSize: 10 }}
          tickFormatter={(v: number) => v.toFixed(2)}
        />
        <YAxis
          interval={0}
          allowDataOverflow
          type="number"
          scale="symlog"
          domain={[0, ticks.at(-1) ?? 1]}
          ticks={ticks}
          tick={{ fontSize: 10 }}
        />
        <FastSeries rows={rows} series={FREQ_SERIES} xKey="x" />
      </LineChart>
    </ChartCard>
  );
});

const FractionView = memo(function FractionView({
  reports,
  marks,
  experiment,
}: {
  reports: Series<ReportRow>;
  marks: Mark[];
  experiment: Experiment | null;
}) {
  const { layers, rows } = useMemo(() => fractionSeries(reports), [reports]);
  const series = useMemo<SeriesSpec[]>(
    () =>
      layers.flatMap((l, i) => [
        { key: `frozen:${l}`, color: COLORS[i % COLORS.length], width: 3, opacity: 0.35 },
        { key: `osc:${l}`, color: COLORS[i % COLORS.length], width: 1.5 },
      ]),
    [layers],
  );
  const columns = useMemo<ChartTableColumn[]>(
    () => [
      { key: 'step', label: 'step' },
      ...layers.flatMap((l) => [
        { key: `osc:${l}`, label: `${l} oscillating`, format: formatPct },
        { key: `frozen:${l}`, label: `${l} frozen`, format: formatPct },
      ]),
    ],
    [layers],
  );
  const xAxis = useStepAxis(rows);
  const yMax = useMemo(
    () =>
      niceCeil(
        Math.max(
          0.01,
          extent(
            rows,
            series.map((s) => s.key),
            [0, 0.01],
          )[1],
        ),
      ),
    [rows, series],
  );
  return (
    <ChartCard
      title="Oscillating (thin) and frozen (wide, faint) fraction per layer"
      testId="chart.fractions"
      points={layers.length === 0 ? 0 : rows.length}
      empty="Appears once oscillations are tracked."
      aside={
        <OscillationInfo experiment={experiment} rows={rows} layers={layers} testId="chart.fractions.info" />
      }
      lookFor="A thin line that stays up means many weights keep oscillating; freezing or dampening should pull it down late in training."
      legend={layers.map((l, i) => (
        <span key={l}>
          <Swatch color={COLORS[i % COLORS.length]} /> {l}{' '}
        </span>
      ))}
      table={{ columns, rows }}
    >
      <LineChart width={CHART_WIDTH} height={CHART_HEIGHT} data={rows} margin={CHART_MARGIN}>
        <CartesianGrid stroke="#eee" />
        <XAxis {...stepAxisProps(xAxis)} />
        <YAxis
          interval={0}
          allowDataOverflow
          type="number"
          domain={[0, yMax]}
          tickFormatter={pct}
          tick={{ fontSize: 10 }}
        />
        {markLines(marks)}
        <FastSeries rows={rows} series={series} />
      </LineChart>
    </ChartCard>
  );
});

export function FrequencyChart() {
  const hist = usePaced(useLab((s) => selectViewedRun(s)?.frequencyHistogram ?? null));
  const experiment = useLab((s) => selectViewedRun(s)?.experiment ?? null);
  return <FrequencyView hist={hist} experiment={experiment} />;
}

export function FractionChart() {
  const { reports, marks } = usePaced(
    useLabShallow((s) => {
      const { reports, marks } = viewedSeries(s);
      return { reports, marks };
    }),
  );
  const experiment = useLab((s) => selectViewedRun(s)?.experiment ?? null);
  return <FractionView reports={reports} marks={marks} experiment={experiment} />;
}
