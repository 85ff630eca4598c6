/**
 * Every form of the run's model the workspace shows, what it is and what its weights take packed at
 * their bit widths; the QDQ file's own size beside it once exported (docs/integer.md §5).
 */
import { useMemo } from 'react';
import { formatBytes, modelFormRows } from '../../store/deploySelectors';
import type { Experiment } from '../../../src/experiment/schema';

export function ModelForms({ experiment, onnxBytes }: { experiment: Experiment; onnxBytes: number | null }) {
  const rows = useMemo(() => modelFormRows(experiment, onnxBytes), [experiment, onnxBytes]);
  return (
    <table className="deploy-table" data-testid="deploy.forms">
      <caption>
        The model&apos;s forms: weights packed at their bit widths, and the ONNX file once exported
      </caption>
      <thead>
        <tr>
          <th scope="col">form</th>
          <th scope="col">packed weights</th>
          <th scope="col">file</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.form} data-testid={`deploy.form.${r.form}`} data-packed={r.packedBytes}>
            <th scope="row">{r.label}</th>
            <td>{formatBytes(r.packedBytes)}</td>
            <td>{r.fileBytes === null ? '—' : formatBytes(r.fileBytes)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
