/**
 * The Spectrum section's two line charts: the eigenvalue density on a log scale with the top
 * eigenvalues marked (PyHessian's plot), and the loss along the top eigenvector (PyHessian's 1-D
 * landscape), with the quantized forward beside the float one for a quantized model.
 */
import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { SpectrumReport } from '../../../src/hessian/spectrumReport';
import { short } from '../../store/sensitivitySelectors';
import { densitySeries, landscapeRows } from '../../store/spectrumSelectors';
import { COLORS } from '../charts/ChartCard';

const fmt = (v: unknown) => (typeof v === 'number' ? short(v) : String(v));

export function DensityChart({ report }: { report: SpectrumReport }) {
  const series = useMemo(() => densitySeries(report.density), [report]);
  return (
    <figure className="sens-figure" data-testid="sens.densityChart" data-points={series.length}>
      <LineChart width={460} height={220} data={series} margin={{ top: 8, right: 12, bottom: 14, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis
          dataKey="eigenvalue"
          type="number"
          domain={['dataMin', 'dataMax']}
          tick={{ fontSize: 10 }}
          tickFormatter={short}
          label={{ value: 'eigenvalue', position: 'insideBottom', offset: -8, fontSize: 11 }}
        />
        <YAxis
          scale="log"
          domain={['auto', 'auto']}
          allowDataOverflow
          tick={{ fontSize: 10 }}
          tickFormatter={short}
        />
        <Tooltip formatter={fmt} labelFormatter={(x) => `λ = ${fmt(x)}`} />
        <Line dataKey="density" name="density" stroke={COLORS[0]} dot={false} isAnimationActive={false} />
        {report.topEigenvalues.map((l, k) => (
          <ReferenceLine
            key={k}
            x={l}
            stroke="#dc2626"
            strokeDasharray="4 3"
            label={{ value: `λ${k + 1}`, fontSize: 10 }}
          />
        ))}
      </LineChart>
      <figcaption className="muted small">
        Eigenvalue density (log scale) by stochastic Lanczos quadrature, {report.density.nodes.length} run(s)
        of {report.density.nodes[0]?.length ?? 0} steps; dashed: the top eigenvalues by power iteration.
      </figcaption>
    </figure>
  );
}

export function LandscapeLineChart({ report }: { report: SpectrumReport }) {
  const rows = useMemo(() => landscapeRows(report.landscape), [report]);
  const quantized = report.landscape.quantLoss1d !== undefined;
  return (
    <figure className="sens-figure" data-testid="sens.landscape1d" data-points={rows.length}>
      <LineChart width={460} height={220} data={rows} margin={{ top: 8, right: 12, bottom: 14, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis
          dataKey="alpha"
          type="number"
          domain={['dataMin', 'dataMax']}
          tick={{ fontSize: 10 }}
          label={{ value: 'α (along v₁)', position: 'insideBottom', offset: -8, fontSize: 11 }}
        />
        <YAxis yAxisId="loss" tick={{ fontSize: 10 }} tickFormatter={short} />
        <YAxis yAxisId="acc" orientation="right" domain={[0, 100]} tick={{ fontSize: 10 }} unit="%" />
        <Tooltip formatter={fmt} labelFormatter={(x) => `α = ${fmt(x)}`} />
        <Legend verticalAlign="top" height={24} />
        <Line
          yAxisId="loss"
          dataKey="loss"
          name="loss (float)"
          stroke={COLORS[0]}
          dot={false}
          isAnimationActive={false}
        />
        {quantized && (
          <Line
            yAxisId="loss"
            dataKey="quantLoss"
            name="loss (quantized)"
            stroke={COLORS[1]}
            dot={false}
            isAnimationActive={false}
          />
        )}
        <Line
          yAxisId="acc"
          dataKey="accuracy"
          name="accuracy (float)"
          stroke={COLORS[2]}
          strokeDasharray="4 3"
          dot={false}
          isAnimationActive={false}
        />
      </LineChart>
      <figcaption className="muted small">
        Loss and batch accuracy of the model moved to θ + α·v₁, v₁ the unit-norm top eigenvector over every
        parameter.
      </figcaption>
    </figure>
  );
}
