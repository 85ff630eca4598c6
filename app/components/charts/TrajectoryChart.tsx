/**
 * Sampled weight trajectories: latent value (thin line) and integer code (wide faint steps) in grid units, so
 * grid points are integers and rounding thresholds (dotted) half-integers. Hover shows each sampled
 * weight's latent value, code, flip count and frozen state.
 */
import { memo, useMemo } from 'react';
import { CartesianGrid, LineChart, XAxis, YAxis } from 'recharts';
import { useLab, useLabShallow } from '../../store/hooks';
import { trajectories, viewedSeries, type SampleDetail } from '../../store/selectors';
import type { Series } from '../../store/series';
import type { Mark, ReportRow } from '../../store/types';
import { CHART_HEIGHT, CHART_WIDTH, ChartCard, COLORS, markLines, Swatch, stepAxisProps } from './ChartCard';
import type { ChartTableColumn } from './ChartTable';
import { extent, FastRules, FastSeries, useStepAxis, type SeriesSpec } from './FastSeries';
import { HoverCapture, useHoverChannel, useHovered, type HoverChannel } from './hover';
import { LayerPicker, pickLayer } from './LayerPicker';
import { usePaced } from './pace';

/** Latent value, code, flips and frozen state of each sampled weight at the hovered step. */
function HoverCard({
  channel,
  rows,
  details,
  indices,
}: {
  channel: HoverChannel;
  rows: { step: number }[];
  details: SampleDetail[][];
  indices: number[];
}) {
  const i = useHovered(channel);
  if (i === null || !details[i]) return null;
  return (
    <div className="hover-card" data-testid="chart.trajectories.hover">
      <div className="small">step {rows[i].step}</div>
      <table>
        <thead>
          <tr>
            <th>weight</th>
            <th>latent</th>
            <th>code</th>
            <th>flips</th>
            <th>frozen</th>
          </tr>
        </thead>
        <tbody>
          {details[i].map((d) => (
            <tr key={d.index}>
              <td>
                <Swatch color={COLORS[indices.indexOf(d.index) % COLORS.length]} /> #{d.index}
              </td>
              <td className="num">{d.latent.toFixed(4)}</td>
              <td className="num">{d.code}</td>
              <td className="num">{d.flips}</td>
              <td>{d.frozen ? 'yes' : 'no'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const TrajectoryView = memo(function TrajectoryView({
  reports,
  marks,
  selected,
}: {
  reports: Series<ReportRow>;
  marks: Mark[];
  selected: string | null;
}) {
  const layers = useMemo(() => {
    const last = reports.tail ?? reports.points.at(-1);
    return last ? [...new Set(last.samples.map((s) => s.layer))] : [];
  }, [reports]);
  const layer = pickLayer(layers, selected);
  const t = useMemo(() => trajectories(reports, layer ?? ''), [reports, layer]);
  const steps = useMemo(() => t.rows.map((r) => r.step), [t.rows]);
  const hover = useHoverChannel();
  const series = useMemo<SeriesSpec[]>(
    () =>
      t.indices.flatMap((idx, i) => [
        { key: `q${idx}`, color: COLORS[i % COLORS.length], width: 4, opacity: 0.25, kind: 'step' as const },
        { key: `u${idx}`, color: COLORS[i % COLORS.length], width: 1.3 },
      ]),
    [t.indices],
  );
  const keys = useMemo(() => series.map((s) => s.key), [series]);
  const columns = useMemo<ChartTableColumn[]>(
    () => [
      { key: 'step', label: 'step' },
      ...t.indices.flatMap((idx) => [
        { key: `u${idx}`, label: `weight #${idx} latent` },
        { key: `q${idx}`, label: `weight #${idx} code` },
      ]),
    ],
    [t.indices],
  );
  const yDomain = useMemo<[number, number]>(() => {
    const [lo, hi] = t.grid.length ? [t.grid[0], t.grid.at(-1)!] : extent(t.rows, keys);
    return [lo - 0.5, hi + 0.5];
  }, [t, keys]);
  const xAxis = useStepAxis(t.rows);
  return (
    <ChartCard
      title="Weight trajectories (grid units)"
      testId="chart.trajectories"
      points={t.rows.length}
      aside={<LayerPicker layers={layers} value={layer} testId="chart.trajectories.layer" />}
      legend="thin: latent w/s · wide faint steps: integer code · grid points solid, rounding thresholds dotted · hover for details"
      table={{ columns, rows: t.rows }}
    >
      <LineChart
        width={CHART_WIDTH}
        height={CHART_HEIGHT}
        data={t.rows}
        margin={{ top: 8, right: 12, bottom: 0, left: -16 }}
      >
        <CartesianGrid stroke="#e6e6e6" vertical={false} horizontalValues={t.grid} />
        <XAxis {...stepAxisProps(xAxis)} />
        <YAxis
          interval={0}
          type="number"
          domain={yDomain}
          ticks={t.grid.length ? t.grid : undefined}
          tick={{ fontSize: 10 }}
          allowDataOverflow
        />
        <FastRules y={t.thresholds} color="#999" dash="1 3" />
        {markLines(marks)}
        <FastSeries rows={t.rows} series={series} />
        <HoverCapture steps={steps} channel={hover} />
      </LineChart>
      <HoverCard channel={hover} rows={t.rows} details={t.details} indices={t.indices} />
    </ChartCard>
  );
});

export function TrajectoryChart() {
  const { reports, marks } = usePaced(
    useLabShallow((s) => {
      const { reports, marks } = viewedSeries(s);
      return { reports, marks };
    }),
  );
  const selected = useLab((s) => s.selectedLayer);
  return <TrajectoryView reports={reports} marks={marks} selected={selected} />;
}
