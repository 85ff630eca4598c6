/** The calibration view's histogram of the chosen tensor, with each estimator's clipping points. */
import { useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, ReferenceLine, XAxis, YAxis } from 'recharts';
import type { CalibrationViewResult } from '../../../src/ptq/calibrationView';
import {
  calibrationBars,
  clippingLines,
  ESTIMATOR_COLORS,
  estimatorLabel,
  formatValue,
} from '../../store/calibrationSelectors';
import { CHART_HEIGHT, CHART_MARGIN, CHART_WIDTH, ChartCard } from '../charts/ChartCard';

export function CalibrationHistogram(props: { result: CalibrationViewResult }) {
  const [log, setLog] = useState(true);
  const bars = useMemo(() => calibrationBars(props.result, log), [props.result, log]);
  const lines = useMemo(() => clippingLines(props.result), [props.result]);
  const edges = props.result.histogram.edges;
  const unit = props.result.request.tensor === 'weights' ? 'weight' : 'input activation';
  return (
    <ChartCard
      title={`Histogram of the ${unit}s (${props.result.count} values)`}
      testId="ptq.calibration.histogram"
      points={bars.length}
      lookFor="Lines mark where each estimator clips; a line far inside the tail trades a few large clipping errors for finer rounding of everything else."
      aside={
        <label className="ptq-check">
          <input
            type="checkbox"
            data-testid="ptq.calibration.log"
            checked={log}
            onChange={(e) => setLog(e.target.checked)}
          />
          log count
        </label>
      }
      legend={
        <span className="calib-legend">
          {props.result.rows.map((r) => (
            <span key={r.name}>
              <span aria-hidden="true" style={{ color: ESTIMATOR_COLORS[r.name] }}>
                ┃
              </span>{' '}
              {estimatorLabel(r.name)}
            </span>
          ))}
        </span>
      }
      table={{
        columns: [
          { key: 'x', label: 'bin centre' },
          { key: 'count', label: log ? 'log₁₀(1 + count)' : 'count' },
        ],
        rows: bars,
      }}
    >
      <BarChart
        width={CHART_WIDTH}
        height={CHART_HEIGHT}
        data={bars}
        margin={CHART_MARGIN}
        barCategoryGap={0}
      >
        <CartesianGrid stroke="#eee" vertical={false} />
        <XAxis
          dataKey="x"
          type="number"
          domain={[edges[0]!, edges[edges.length - 1]!]}
          tick={{ fontSize: 10 }}
          tickFormatter={formatValue}
        />
        <YAxis tick={{ fontSize: 10 }} tickFormatter={(v: number) => formatValue(v)} />
        <Bar dataKey="count" fill="#9ecae1" isAnimationActive={false} />
        {lines.map((l) => (
          <ReferenceLine
            key={`${l.name}.${l.x}`}
            x={l.x}
            stroke={ESTIMATOR_COLORS[l.name]}
            strokeWidth={2}
            strokeDasharray={l.name === 'minmax' ? '4 2' : undefined}
            ifOverflow="extendDomain"
          />
        ))}
      </BarChart>
    </ChartCard>
  );
}
