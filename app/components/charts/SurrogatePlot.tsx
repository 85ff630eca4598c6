/** The estimator's surrogate derivative Q̂′(u) over two grid steps, drawn over the rounding staircase. */
import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, XAxis, YAxis } from 'recharts';
import type { EstimatorSpec } from '../../../src/estimators/types';
import { sampleDerivative } from '../../../src/estimators/registry';

const U = Array.from({ length: 161 }, (_, i) => -2 + i / 40);
const THRESHOLDS = [-1.5, -0.5, 0.5, 1.5];

/** Rows {u, round, deriv} for the plot (pure; exported for tests); `bits` converts an EWGS δ in paper units. */
export function surrogateRows(
  spec: EstimatorSpec,
  bits?: number,
): { u: number; round: number; deriv: number }[] {
  const d = sampleDerivative(spec, U, bits);
  // Math.round rounds .5 up; the staircase only needs the jump positions.
  return U.map((u, i) => ({ u, round: Math.round(u), deriv: Number.isFinite(d[i]) ? d[i] : 0 }));
}

export function SurrogatePlot({ spec, bits }: { spec: EstimatorSpec; bits?: number }) {
  const rows = useMemo(() => surrogateRows(spec, bits), [spec, bits]);
  return (
    <div className="surrogate" data-testid="chart.surrogate">
      <LineChart width={300} height={130} data={rows} margin={{ top: 6, right: 8, bottom: 0, left: -18 }}>
        <CartesianGrid strokeDasharray="2 4" stroke="#e4e4e4" />
        <XAxis
          interval={0}
          dataKey="u"
          type="number"
          domain={[-2, 2]}
          ticks={[-2, -1, 0, 1, 2]}
          tick={{ fontSize: 10 }}
        />
        <YAxis interval={0} yAxisId="q" domain={[-2, 2]} ticks={[-2, -1, 0, 1, 2]} tick={{ fontSize: 10 }} />
        <YAxis
          interval={0}
          yAxisId="d"
          orientation="right"
          domain={[0, 'auto']}
          tick={{ fontSize: 10 }}
          width={28}
        />
        {THRESHOLDS.map((t) => (
          <ReferenceLine key={t} yAxisId="q" x={t} stroke="#bbb" strokeDasharray="3 3" />
        ))}
        <Line
          yAxisId="q"
          dataKey="round"
          type="stepAfter"
          stroke="#999"
          dot={false}
          isAnimationActive={false}
          name="round(u)"
        />
        <Line
          yAxisId="d"
          dataKey="deriv"
          stroke="#e8710a"
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
          name="Q̂′(u)"
        />
      </LineChart>
      <div className="legend small">
        <span className="swatch" style={{ background: '#999' }} /> round(u){' '}
        <span className="swatch" style={{ background: '#e8710a' }} /> Q̂′(u), right axis
      </div>
    </div>
  );
}
