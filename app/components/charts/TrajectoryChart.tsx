/**
 * Sampled weight trajectories: latent value (thin line) and integer code (wide faint steps) in grid units, so
 * grid points are integers and rounding thresholds (dotted) half-integers. Hover shows each sampled
 * weight's latent value, code, flip count and frozen state.
 */
import { memo, useMemo, useState } from 'react';
import type { Experiment } from '../../../src/experiment/schema';
import { Explain } from '../explain/Explain';
import { explainWeight, weightQuantInfo, type WeightQuantInfo } from '../explain/formulas';
import { CartesianGrid, LineChart, XAxis, YAxis } from 'recharts';
import { useLab, useLabShallow } from '../../store/hooks';
import {
  selectViewedRun,
  trajectories,
  viewedSeries,
  type SampleDetail,
  type Trajectories,
} from '../../store/selectors';
import type { Series } from '../../store/series';
import type { Mark, ReportRow } from '../../store/types';
import { CHART_HEIGHT, CHART_WIDTH, ChartCard, COLORS, markLines, Swatch, stepAxisProps } from './ChartCard';
import type { ChartTableColumn } from './ChartTable';
import { extent, FastRules, FastSeries, useStepAxis, type SeriesSpec } from './FastSeries';
import { HoverCapture, KeyboardHover, useHoverChannel, useHovered, type HoverChannel } from './hover';
import { LayerPicker, pickLayer } from './LayerPicker';
import { usePaced } from './pace';

/**
 * Latent value, code, flips and frozen state of each sampled weight at the hovered step; each code
 * opens the filled-in fake-quantization formula (built only when opened).
 */
function HoverCard({
  channel,
  t,
  info,
}: {
  channel: HoverChannel;
  t: Pick<Trajectories, 'rows' | 'details' | 'indices' | 'scales' | 'zeroPoints'>;
  info: WeightQuantInfo | null;
}) {
  const i = useHovered(channel);
  const [slot, setSlot] = useState<HTMLElement | null>(null);
  const { rows, details, indices } = t;
  if (i === null || !details[i]) return null;
  const explain = (d: SampleDetail) => () =>
    info
      ? explainWeight({
          ...info,
          x: d.latent,
          s: t.scales[i],
          z: t.zeroPoints[i],
          frozen: d.frozen,
          reportedCode: d.code,
        })
      : 'This layer is not quantized: no grid.';
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
              <td className="num">
                <Explain explain={explain(d)} slot={slot} testId={`chart.trajectories.explain.${d.index}`}>
                  {d.code}
                </Explain>
              </td>
              <td className="num">{d.flips}</td>
              <td>{d.frozen ? 'yes' : 'no'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div ref={setSlot} />
    </div>
  );
}

const TrajectoryView = memo(function TrajectoryView({
  reports,
  marks,
  selected,
  experiment,
}: {
  reports: Series<ReportRow>;
  marks: Mark[];
  selected: string | null;
  experiment: Experiment | null;
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
  const info = useMemo(
    () => (experiment && layer ? weightQuantInfo(experiment, layer) : null),
    [experiment, layer],
  );
  return (
    <ChartCard
      title="Weight trajectories (grid units)"
      testId="chart.trajectories"
      points={t.rows.length}
      aside={<LayerPicker layers={layers} value={layer} testId="chart.trajectories.layer" />}
      legend="thin: latent w/s · wide faint steps: integer code · grid points solid, rounding thresholds dotted · hover, or focus and use ←/→, for details"
      lookFor="A weight that keeps crossing the rounding threshold — its integer code flips back and forth — is oscillating."
      table={{ columns, rows: t.rows }}
    >
      <KeyboardHover
        channel={hover}
        count={t.rows.length}
        label="Weight trajectories: ←/→ pick a step, Tab to a weight's formula"
      >
        {/* Before the plot in tab order: Tab from the focused chart goes straight to the card. */}
        <HoverCard channel={hover} t={t} info={info} />
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
      </KeyboardHover>
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
  const experiment = useLab((s) => selectViewedRun(s)?.experiment ?? null);
  return <TrajectoryView reports={reports} marks={marks} selected={selected} experiment={experiment} />;
}
