/** One layer's weights in grid units, as a histogram with the integer grid overlaid. */
import { memo, useMemo } from 'react';
import { CartesianGrid, LineChart, XAxis, YAxis } from 'recharts';
import { useLab } from '../../store/hooks';
import { niceCeil } from '../../store/axes';
import { selectViewedRun, weightBars } from '../../store/selectors';
import type { WeightHistogram } from '../../worker/protocol';
import { CHART_HEIGHT, CHART_MARGIN, CHART_WIDTH, ChartCard } from './ChartCard';
import { Explain } from '../explain/Explain';
import { CONVENTIONS } from '../explain/formulas';
import { extent, FastRules, FastSeries, type SeriesSpec } from './FastSeries';
import { LayerPicker, pickLayer } from './LayerPicker';
import { usePaced } from './pace';

const NONE: WeightHistogram[] = [];
const SERIES: SeriesSpec[] = [{ key: 'count', color: '#1f77b4', kind: 'area', width: 1 }];

const WeightHistogramView = memo(function WeightHistogramView({
  hists,
  selected,
}: {
  hists: WeightHistogram[];
  selected: string | null;
}) {
  const layers = useMemo(() => hists.map((h) => h.layer), [hists]);
  const layer = pickLayer(layers, selected);
  const { bars, grid, ticks, hist } = useMemo(() => weightBars(hists, layer), [hists, layer]);
  const xDomain = useMemo(() => extent(bars, ['x']), [bars]);
  const yMax = useMemo(() => niceCeil(Math.max(1, ...bars.map((b) => b.count))), [bars]);
  const unit = hist && hist.bits < 32 ? (hist.latent ? 'w/s (grid units)' : 'integer code') : 'w';
  return (
    <ChartCard
      title={`Weight histogram, ${unit}`}
      testId="chart.weights"
      points={bars.length}
      empty="Appears when a run starts."
      aside={
        <>
          <LayerPicker layers={layers} value={layer} testId="chart.weights.layer" />
          <Explain explain={() => CONVENTIONS.grids} label="About the grids" testId="chart.weights.info" />
        </>
      }
      lookFor="Weights pile up around the integer grid points (red lines); a pile right at the ends means many weights are clipped."
      legend={
        hist && hist.bits < 32
          ? `${hist.bits}-bit grid [${hist.qmin}, ${hist.qmax}]: red lines`
          : 'float layer: no grid'
      }
      table={{
        columns: [
          { key: 'x', label: `bin start, ${unit}` },
          { key: 'count', label: 'weights' },
        ],
        rows: bars,
      }}
    >
      <LineChart width={CHART_WIDTH} height={CHART_HEIGHT} data={bars} margin={CHART_MARGIN}>
        <CartesianGrid stroke="#eee" vertical={false} />
        <XAxis
          interval={0}
          dataKey="x"
          type="number"
          domain={xDomain}
          tick={{ fontSize: 10 }}
          ticks={ticks.length ? ticks : undefined}
          tickFormatter={(v: number) => (ticks.length ? String(v) : v.toPrecision(2))}
        />
        <YAxis interval={0} allowDataOverflow type="number" domain={[0, yMax]} tick={{ fontSize: 10 }} />
        <FastSeries rows={bars} series={SERIES} xKey="x" />
        <FastRules x={grid} color="#d62728" opacity={0.45} />
      </LineChart>
    </ChartCard>
  );
});

export function WeightHistogramChart() {
  const hists = usePaced(useLab((s) => selectViewedRun(s)?.weightHistograms ?? NONE));
  const selected = useLab((s) => s.selectedLayer);
  return <WeightHistogramView hists={hists} selected={selected} />;
}
