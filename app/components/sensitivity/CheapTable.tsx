/** The cheap sensitivity's table: per layer, weight SQNR and the accuracy lost by its weights or inputs alone. */
import { useLab } from '../../store/hooks';
import { JobStatus } from './JobStatus';
import { KeepAt8 } from './KeepAt8';

const pct = (x: number) => `${(100 * x).toFixed(1)}`;

export function CheapTable() {
  const job = useLab((s) => s.sensCheap);
  const report = job?.result?.report;
  return (
    <div>
      <JobStatus job={job} testId="sens.cheapStatus" />
      {report && (
        <table className="sens-table" data-testid="sens.cheapTable">
          <caption>
            At {report.bits} bits; float test accuracy {pct(report.floatAccuracy)}% on {report.testCount}{' '}
            digits
          </caption>
          <thead>
            <tr>
              <th scope="col">layer</th>
              <th scope="col">weights</th>
              <th scope="col">weight SQNR (dB)</th>
              <th scope="col">drop, weights only (points)</th>
              <th scope="col">drop, activations only (points)</th>
              <th scope="col">
                <span className="visually-hidden">keep at 8 bits</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {report.layers.map((l) => (
              <tr key={l.name} data-testid={`sens.cheap.${l.name}`}>
                <th scope="row">{l.name}</th>
                <td>{l.params}</td>
                <td>{Number.isFinite(l.sqnrDb) ? l.sqnrDb.toFixed(1) : '∞'}</td>
                <td>{pct(l.weightDrop)}</td>
                <td>{pct(l.actDrop)}</td>
                <td>
                  <KeepAt8 name={l.name} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
