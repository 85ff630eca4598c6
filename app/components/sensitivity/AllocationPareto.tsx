/**
 * The allocation Pareto chart (docs/mixed.md §6): ΣΩ of the ILP's allocation against the budget
 * spent, solved at evenly spaced budgets in one worker job, beside every uniform allocation and a
 * few random ones (HAWQ's ablation), with the slider's allocation marked. Clicking any point loads
 * its per-layer bits into the allocation table, which "apply" then writes into the experiment.
 */
import { useMemo } from 'react';
import { CartesianGrid, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { useLab } from '../../store/hooks';
import { allocationChartView, pickableRows, type AllocationPointRow } from '../../store/allocationSelectors';
import { short } from '../../store/sensitivitySelectors';
import { CHART_HEIGHT, ChartCard, COLORS, Swatch } from '../charts/ChartCard';
import { JobStatus } from './JobStatus';

const SERIES = {
  frontier: { color: '#333', label: 'ILP frontier' },
  uniform: { color: COLORS[0], label: 'uniform' },
  random: { color: COLORS[1], label: 'random' },
  current: { color: COLORS[3], label: 'slider' },
} as const;

function PointTip({
  active,
  payload,
}: {
  active?: boolean;
  payload?: readonly { payload?: AllocationPointRow }[];
}) {
  const p = payload?.[0]?.payload;
  if (!active || !p) return null;
  return (
    <div className="chart-tooltip small">
      <strong>{p.label}</strong>: ΣΩ {short(p.y)}, cost {short(p.x)}
      <br />
      {p.bits}
    </div>
  );
}

export function AllocationPareto({ axisLabel }: { axisLabel: string }) {
  const job = useLab((s) => s.sensFrontier);
  const current = useLab((s) => s.sensAllocation?.result?.allocation.result ?? null);
  const picked = useLab((s) => s.sensPicked);
  const pick = useLab((s) => s.pickAllocation);
  const frontier = job?.result?.frontier;
  const view = useMemo(() => frontier && allocationChartView(frontier, current), [frontier, current]);
  const rows = useMemo(() => (view ? pickableRows(view) : []), [view]);
  const load = (r?: AllocationPointRow) => r && pick(r.label, r.layers);
  const onClick = (d: { payload?: AllocationPointRow }) => load(d.payload);
  const scatter = (key: keyof typeof SERIES, data: AllocationPointRow[], extra = {}) => (
    <Scatter
      key={key}
      name={SERIES[key].label}
      data={data}
      fill={SERIES[key].color}
      isAnimationActive={false}
      onClick={onClick}
      cursor="pointer"
      className={`sens-pareto-${key}`}
      {...extra}
    />
  );
  return (
    <div>
      <JobStatus job={job} testId="sens.frontierStatus" />
      <ChartCard
        title="Allocation frontier: ΣΩ against the budget"
        testId="sens.pareto"
        points={view?.count ?? 0}
        empty="The frontier is solved once the traces are in."
        lookFor="Down and to the left is better: no uniform or random allocation falls below the ILP's steps. Click a point to load its bits into the table."
        aside={
          rows.length > 0 && (
            <select
              className="layer-picker"
              data-testid="sens.pareto.pick"
              aria-label="load a point's bits (as clicking it)"
              value=""
              onChange={(e) => load(rows.find((r) => r.key === e.target.value))}
            >
              <option value="">load a point…</option>
              {rows.map((r) => (
                <option key={r.key} value={r.key}>
                  {r.label}: {r.bits}
                </option>
              ))}
            </select>
          )
        }
        legend={
          <>
            {Object.entries(SERIES).map(([k, s]) => (
              <span key={k}>
                <Swatch color={s.color} /> {s.label}
              </span>
            ))}
            {view?.current && (
              <span data-testid="sens.pareto.current" data-x={view.current.x} data-y={view.current.y}>
                slider: cost {short(view.current.x)}, ΣΩ {short(view.current.y)}
              </span>
            )}
            {picked && <span data-testid="sens.pareto.picked">loaded: {picked.label}</span>}
          </>
        }
        table={{
          columns: [
            { key: 'label', label: 'allocation' },
            { key: 'x', label: `cost (${axisLabel})`, format: short },
            { key: 'y', label: 'ΣΩ', format: short },
            { key: 'bits', label: 'bits (W/A) per layer' },
          ],
          rows,
        }}
      >
        <ScatterChart
          width={520}
          height={CHART_HEIGHT + 50}
          margin={{ top: 8, right: 16, bottom: 14, left: 4 }}
        >
          <CartesianGrid stroke="#eee" />
          <XAxis
            type="number"
            dataKey="x"
            name="cost"
            domain={['auto', 'auto']}
            tickFormatter={short}
            tick={{ fontSize: 10 }}
            label={{ value: axisLabel, position: 'insideBottom', offset: -8, fontSize: 11 }}
          />
          <YAxis type="number" dataKey="y" name="ΣΩ" tickFormatter={short} tick={{ fontSize: 10 }} />
          <Tooltip isAnimationActive={false} content={(p) => <PointTip {...p} />} />
          {view &&
            scatter('frontier', view.frontier, {
              line: { stroke: SERIES.frontier.color, strokeWidth: 1.5 },
              lineJointType: 'stepAfter',
            })}
          {view && scatter('uniform', view.uniform, { shape: 'square' })}
          {view && scatter('random', view.random, { shape: 'triangle' })}
          {view?.current && scatter('current', [view.current], { shape: 'star' })}
        </ScatterChart>
      </ChartCard>
    </div>
  );
}
