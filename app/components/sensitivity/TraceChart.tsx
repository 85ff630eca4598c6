/**
 * The per-layer Hessian traces at two probe seeds: bars with ± one standard error, the numbers in a
 * table (the chart's text alternative), and a warning when the two seeds do not settle the ranking.
 */
import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, ErrorBar, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { useLab } from '../../store/hooks';
import { rankingWarning, short, traceBars } from '../../store/sensitivitySelectors';
import { COLORS } from '../charts/ChartCard';
import { JobStatus } from './JobStatus';
import { KeepAt8 } from './KeepAt8';

export function TraceChart() {
  const job = useLab((s) => s.sensTraces);
  const report = job?.result?.report;
  const bars = useMemo(() => (report ? traceBars(report) : []), [report]);
  const warning = report ? rankingWarning(report) : null;
  if (!report) return <JobStatus job={job} testId="sens.tracesStatus" />;
  const [a, b] = report.seeds;
  return (
    <div>
      <JobStatus job={job} testId="sens.tracesStatus" />
      {warning ? (
        <p className="sens-warning" role="alert" data-testid="sens.rankingWarning">
          {warning}
        </p>
      ) : (
        <p className="muted small" data-testid="sens.rankingOk">
          Both seeds rank the layers alike and their intervals do not overlap.
        </p>
      )}
      <figure className="sens-figure" data-testid="sens.traceChart" data-points={bars.length}>
        <BarChart width={460} height={200} data={bars} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="name" tick={{ fontSize: 11 }} />
          <YAxis tick={{ fontSize: 10 }} tickFormatter={short} />
          <Tooltip formatter={(v) => (typeof v === 'number' ? short(v) : String(v))} />
          <Legend />
          <Bar dataKey="seed1" name={`seed ${a.seed}`} fill={COLORS[0]} isAnimationActive={false}>
            <ErrorBar dataKey="err1" width={4} stroke="#333" />
          </Bar>
          <Bar dataKey="seed2" name={`seed ${b.seed}`} fill={COLORS[1]} isAnimationActive={false}>
            <ErrorBar dataKey="err2" width={4} stroke="#333" />
          </Bar>
        </BarChart>
        <figcaption className="muted small">
          Trace of each layer&apos;s Hessian block, ± one standard error; {(a.ms / 1000).toFixed(1)} s and{' '}
          {(b.ms / 1000).toFixed(1)} s per seed.
        </figcaption>
      </figure>
      <table className="sens-table" data-testid="sens.traceTable">
        <caption>Hessian traces by layer</caption>
        <thead>
          <tr>
            <th scope="col">layer</th>
            <th scope="col">weights</th>
            <th scope="col">trace, seed {a.seed}</th>
            <th scope="col">trace, seed {b.seed}</th>
            <th scope="col">
              <span className="visually-hidden">keep at 8 bits</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {bars.map((r) => (
            <tr key={r.name}>
              <th scope="row">{r.name}</th>
              <td>{r.params}</td>
              <td>
                {short(r.seed1)} ± {short(r.err1)}
              </td>
              <td>
                {short(r.seed2)} ± {short(r.err2)}
              </td>
              <td>
                <KeepAt8 name={r.name} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
