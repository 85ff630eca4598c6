/**
 * Overlay of the ticked saved runs: training loss and test accuracy, EMA-smoothed by the slider;
 * runs that differ only in seed are drawn as their mean with a min–max band.
 */
import { memo, useMemo } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, XAxis, YAxis } from 'recharts';
import type { StoredRun } from '../../persist/runStore';
import { type CompareMetric, MAX_SMOOTHING, overlaySeries } from '../../store/compareSelectors';
import { useLab, useLabShallow } from '../../store/hooks';
import { CHART_HEIGHT, CHART_MARGIN, CHART_WIDTH, ChartCard, COLORS, Swatch } from '../charts/ChartCard';

const LOOK_FOR: Record<CompareMetric, string> = {
  loss: 'The lower curve learned faster; a band shows how much runs that differ only in seed spread.',
  trainAccuracy: 'Higher is better; training-batch accuracy is noisy, so smooth it before comparing.',
  testAccuracy: 'Higher is better; only differences larger than the seed band are real.',
};

const TITLES: Record<CompareMetric, string> = {
  loss: 'Compare: training loss',
  trainAccuracy: 'Compare: train accuracy',
  testAccuracy: 'Compare: test accuracy',
};

const CompareChart = memo(function CompareChart(props: {
  runs: StoredRun[];
  metric: CompareMetric;
  smoothing: number;
  groupSeeds: boolean;
}) {
  const { rows, lines } = useMemo(
    () => overlaySeries(props.runs, props.metric, props.smoothing, props.groupSeeds),
    [props.runs, props.metric, props.smoothing, props.groupSeeds],
  );
  const acc = props.metric !== 'loss';
  const columns = useMemo(
    () => [{ key: 'step', label: 'step' }, ...lines.map((l) => ({ key: l.key, label: l.label }))],
    [lines],
  );
  return (
    <ChartCard
      title={TITLES[props.metric]}
      testId={`chart.compare.${props.metric}`}
      points={rows.length}
      empty="Tick saved runs below to overlay them."
      lookFor={LOOK_FOR[props.metric]}
      legend={lines.map((l, i) => (
        <span key={l.key} className="legend-item">
          <Swatch color={COLORS[i % COLORS.length]} /> {l.label}{' '}
        </span>
      ))}
      table={{ columns, rows }}
    >
      <ComposedChart width={CHART_WIDTH} height={CHART_HEIGHT} margin={CHART_MARGIN} data={rows}>
        <CartesianGrid stroke="#eee" />
        <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} tick={{ fontSize: 10 }} />
        <YAxis type="number" domain={acc ? [0, 1] : ['auto', 'auto']} tick={{ fontSize: 10 }} />
        {lines.map((l, i) =>
          l.bandKey ? (
            <Area
              key={l.bandKey}
              dataKey={l.bandKey}
              stroke="none"
              fill={COLORS[i % COLORS.length]}
              fillOpacity={0.18}
              connectNulls
              isAnimationActive={false}
            />
          ) : null,
        )}
        {lines.map((l, i) => (
          <Line
            key={l.key}
            dataKey={l.key}
            stroke={COLORS[i % COLORS.length]}
            strokeWidth={l.bandKey ? 2.5 : 1.5}
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
        ))}
      </ComposedChart>
    </ChartCard>
  );
});

export function CompareCharts() {
  const { saved, ids, smoothing, groupSeeds, setSmoothing, setGroupSeeds } = useLabShallow((s) => ({
    saved: s.saved,
    ids: s.compareIds,
    smoothing: s.smoothing,
    groupSeeds: s.groupSeeds,
    setSmoothing: s.setSmoothing,
    setGroupSeeds: s.setGroupSeeds,
  }));
  const runs = useMemo(() => ids.filter((id) => saved[id]).map((id) => saved[id]), [ids, saved]);
  const compareCount = useLab((s) => s.compareIds.length);
  return (
    <div className="compare" data-testid="runs.compare" data-count={compareCount}>
      <div className="compare-controls">
        <label className="field">
          <span className="field-label">Smoothing {smoothing.toFixed(2)}</span>
          <input
            type="range"
            min={0}
            max={MAX_SMOOTHING}
            step={0.01}
            value={smoothing}
            data-testid="runs.smoothing"
            onChange={(e) => setSmoothing(Number(e.target.value))}
          />
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={groupSeeds}
            data-testid="runs.groupSeeds"
            onChange={(e) => setGroupSeeds(e.target.checked)}
          />
          group seeds (mean + min–max band)
        </label>
      </div>
      <div className="charts">
        <CompareChart runs={runs} metric="loss" smoothing={smoothing} groupSeeds={groupSeeds} />
        <CompareChart runs={runs} metric="testAccuracy" smoothing={smoothing} groupSeeds={groupSeeds} />
      </div>
    </div>
  );
}
