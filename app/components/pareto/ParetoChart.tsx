/**
 * Accuracy vs cost: every finished run of the session and every sweep point, coloured by weight
 * bitwidth, with the Pareto frontier as a line. Hover shows the configuration; click opens the run
 * (manual runs) or shows the point's details. A pure view of store state (selectors in
 * app/store/paretoSelectors.ts).
 */
import { useMemo } from 'react';
import { CartesianGrid, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCount } from '../../../src/cost/format';
import { COST_AXES } from '../../../src/cost/axes';
import { useLab, useLabShallow } from '../../store/hooks';
import {
  AXIS_LABEL,
  finishedRuns,
  paretoPoints,
  paretoView,
  type ParetoPoint,
  type ScatterRow,
} from '../../store/paretoSelectors';
import { CHART_HEIGHT, ChartCard, Swatch } from '../charts/ChartCard';
import { optionsOf, SelectField } from '../controls/fields';
import { bitsColor, PointTooltip } from './PointTooltip';

const WIDTH = 560;
const MARGIN = { top: 8, right: 16, bottom: 14, left: -4 };
const FRONTIER_COLOR = '#333';
/** The axis picker's options: the cost axis registry's names and labels, in its order. */
const AXIS_OPTIONS = optionsOf(COST_AXES, (a) => AXIS_LABEL[a]);

/** The session's Pareto points (manual runs + sweep entries), memoized on their sources. */
export function useParetoPoints(): ParetoPoint[] {
  const runs = useLabShallow(finishedRuns);
  const entries = useLab((s) => s.sweep.points);
  return useMemo(() => paretoPoints(runs, entries), [runs, entries]);
}

/** Click: select the point; a manual run of this session is also shown in the charts above. */
function useOpenPoint(points: ParetoPoint[]): (key: string) => void {
  const { select, viewRun, active } = useLabShallow((s) => ({
    select: s.selectParetoPoint,
    viewRun: s.viewRun,
    active: s.activeRunId,
  }));
  return (key) => {
    select(key);
    const runId = points.find((p) => p.key === key)?.runId;
    if (runId) viewRun(runId === active ? null : runId);
  };
}

export function ParetoChart() {
  const points = useParetoPoints();
  const { axis, setAxis, selected } = useLabShallow((s) => ({
    axis: s.sweep.axis,
    setAxis: s.setCostAxis,
    selected: s.sweep.selected,
  }));
  const view = useMemo(() => paretoView(points, axis), [points, axis]);
  const byKey = useMemo(() => new Map(points.map((p) => [p.key, p])), [points]);
  const open = useOpenPoint(points);
  const onClick = (d: { payload?: ScatterRow }) => d.payload && open(d.payload.key);
  const tableRows = useMemo(
    () =>
      view.groups.flatMap((g) =>
        g.rows.map((r) => ({
          ...r,
          bits: g.label,
          frontier: view.frontier.some((f) => f.key === r.key) ? 'yes' : 'no',
        })),
      ),
    [view],
  );
  const picker = (
    <SelectField
      label=""
      testId="pareto.axis"
      value={axis}
      options={AXIS_OPTIONS}
      onChange={setAxis}
      title="cost axis (log scale) and the frontier's cost"
    />
  );
  // The keyboard path to what clicking a marker does (markers are not focusable).
  const pointPicker = view.count > 0 && (
    <select
      className="layer-picker"
      data-testid="pareto.pick"
      aria-label="open a point (as clicking it)"
      value={selected && byKey.has(selected) ? selected : ''}
      onChange={(e) => e.target.value && open(e.target.value)}
    >
      <option value="">open a point…</option>
      {points.map((p) => (
        <option key={p.key} value={p.key}>
          {p.label} · {(p.testAccuracy * 100).toFixed(1)}%
        </option>
      ))}
    </select>
  );
  const legend = (
    <>
      {view.groups.map((g) => (
        <span key={g.bits}>
          <Swatch color={bitsColor(g.bits)} /> {g.label}
        </span>
      ))}
      <span data-testid="pareto.frontier" data-count={view.frontier.length}>
        <Swatch color={FRONTIER_COLOR} /> frontier ({view.frontier.length} of {view.count})
      </span>
    </>
  );
  return (
    <ChartCard
      title="Accuracy vs cost (Pareto)"
      testId="pareto.chart"
      points={view.count}
      empty="Finish a run, run a sweep or load a sweep file to see points."
      lookFor="Up and to the left is better: the frontier line joins the points no cheaper point beats in accuracy."
      aside={
        <>
          {pointPicker}
          {picker}
        </>
      }
      legend={legend}
      table={{
        columns: [
          { key: 'key', label: 'point' },
          { key: 'bits', label: 'weight bits' },
          { key: 'x', label: `${AXIS_LABEL[axis]} per sample`, format: formatCount },
          { key: 'y', label: 'test accuracy (%)', format: (v) => v.toFixed(1) },
          { key: 'frontier', label: 'on the frontier' },
        ],
        rows: tableRows,
      }}
    >
      <ScatterChart width={WIDTH} height={CHART_HEIGHT + 60} margin={MARGIN}>
        <CartesianGrid stroke="#eee" />
        <XAxis
          type="number"
          dataKey="x"
          name={AXIS_LABEL[axis]}
          scale="log"
          domain={view.x.domain}
          ticks={view.x.ticks}
          allowDataOverflow
          tickFormatter={formatCount}
          tick={{ fontSize: 10 }}
          label={{
            value: `${AXIS_LABEL[axis]} per sample (log)`,
            position: 'insideBottom',
            offset: -8,
            fontSize: 11,
          }}
        />
        <YAxis
          type="number"
          dataKey="y"
          name="test accuracy"
          unit="%"
          domain={view.y.domain}
          ticks={view.y.ticks}
          tick={{ fontSize: 10 }}
        />
        <Tooltip
          isAnimationActive={false}
          cursor={{ strokeDasharray: '3 3' }}
          content={(props) => <PointTooltip {...props} byKey={byKey} axis={axis} />}
        />
        <Scatter
          name="frontier"
          data={view.frontier}
          line={{ stroke: FRONTIER_COLOR, strokeWidth: 1.5 }}
          lineJointType="stepAfter"
          shape={() => <g />}
          isAnimationActive={false}
          legendType="none"
        />
        {view.groups.map((g) => (
          <Scatter
            key={g.bits}
            name={g.label}
            data={g.rows}
            fill={bitsColor(g.bits)}
            isAnimationActive={false}
            onClick={onClick}
            cursor="pointer"
            className="pareto-points"
          />
        ))}
      </ScatterChart>
    </ChartCard>
  );
}
