/**
 * "Check in onnxruntime": the QDQ export run by onnxruntime-web in the training worker on the run's
 * test digits, against the lab's model (docs/integer.md §5–§6); the file to download, and its size
 * beside the weights packed at their bit widths.
 */
import { useLab } from '../../store/hooks';
import { formatBytes, onnxVerdict } from '../../store/deploySelectors';
import { packedBytes } from '../../../src/deploy/modelForms';
import type { Experiment } from '../../../src/experiment/schema';
import { downloadBlob } from '../share/download';
import { DeployStatus } from './DeployStatus';

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

export function OnnxPanel({ disabled, experiment }: { disabled: boolean; experiment: Experiment }) {
  const job = useLab((s) => s.deployOnnx);
  const check = useLab((s) => s.checkOnnx);
  const runNumber = useLab((s) => (job ? (s.runs[job.runId]?.number ?? null) : null));
  const result = job?.result;
  const verdict = result && onnxVerdict(result.check);
  const packed = packedBytes(experiment, 'qdq');
  const download = () => {
    if (!result) return;
    const bytes = new Uint8Array(result.bytes);
    downloadBlob(
      new Blob([bytes], { type: 'application/octet-stream' }),
      `quant-lab-run${runNumber ?? ''}.onnx`,
    );
  };
  return (
    <>
      <div className="deploy-row">
        <button type="button" data-testid="deploy.checkOnnx" disabled={disabled} onClick={check}>
          Check in onnxruntime
        </button>
        <button type="button" data-testid="deploy.downloadOnnx" disabled={!result} onClick={download}>
          Download ONNX
        </button>
      </div>
      <DeployStatus
        job={job}
        testId="deploy.onnxStatus"
        running="Exporting and running onnxruntime-web in the worker…"
      />
      {result && verdict && (
        <div
          data-testid="deploy.onnxResult"
          data-agreement={result.check.argmaxAgreement}
          data-pass={verdict.pass}
        >
          <table className="deploy-table">
            <caption>
              {result.check.runtime} {result.check.version} (wasm, {result.threads} thread) on{' '}
              {result.check.images} test digits, the QDQ file against the lab&apos;s fake-quant model
            </caption>
            <tbody>
              <tr>
                <th scope="row">accuracy in {result.check.runtime}</th>
                <td>{pct(result.check.testAccuracy)}</td>
              </tr>
              <tr>
                <th scope="row">accuracy in the lab</th>
                <td>{pct(result.check.labTestAccuracy)}</td>
              </tr>
              <tr>
                <th scope="row">argmax agreement</th>
                <td>{pct(result.check.argmaxAgreement)}</td>
              </tr>
              <tr>
                <th scope="row">wall time</th>
                <td>
                  {(result.ms / 1000).toFixed(2)} s (export {(result.exportMs / 1000).toFixed(2)} s)
                </td>
              </tr>
            </tbody>
          </table>
          <p
            className={verdict.pass ? 'deploy-pass' : 'deploy-error'}
            data-testid="deploy.onnxVerdict"
            role="status"
          >
            {verdict.text}
          </p>
          <p
            className="deploy-facts"
            data-testid="deploy.onnxBytes"
            data-bytes={result.bytes.length}
            data-packed={packed}
          >
            The file holds {formatBytes(result.bytes.length)}; the weights packed at their bit widths take{' '}
            {formatBytes(packed)}. Every grid of 8 bits or fewer sits in an 8-bit container, so a 4-bit file
            is as large as an 8-bit one (docs/integer.md §5).
          </p>
        </div>
      )}
    </>
  );
}
