/**
 * The Sensitivity workspace's Spectrum section (docs/hessian.md §7): the whole model's top Hessian
 * eigenvalues, its eigenvalue density and the loss landscape along the top eigenvectors, computed
 * in the training worker on the traces' batch. Slower than the traces: it shows its progress.
 */
import {
  LANCZOS_LIMITS,
  POINT_LIMITS,
  SLQ_RUN_LIMITS,
  TOP_K_LIMITS,
} from '../../../src/mixed/sensitivityQuery';
import { useLab } from '../../store/hooks';
import { short } from '../../store/sensitivitySelectors';
import { centerCurvature, centerLoss } from '../../store/spectrumSelectors';
import { NumberField } from '../controls/fields';
import { JobStatus } from './JobStatus';
import { LandscapeHeatmap } from './LandscapeHeatmap';
import { DensityChart, LandscapeLineChart } from './SpectrumCharts';

export function SpectrumPanel({ busy }: { busy: boolean }) {
  const o = useLab((s) => s.sensitivityOptions);
  const set = useLab((s) => s.setSensitivityOptions);
  const job = useLab((s) => s.sensSpectrum);
  const run = useLab((s) => s.runSpectrum);
  const report = job?.result?.report;
  const field = (
    key: 'topK' | 'lanczos' | 'slqRuns' | 'points',
    label: string,
    limits: { min: number; max: number },
  ) => (
    <NumberField
      label={label}
      testId={`sens.${key}`}
      value={o[key]}
      min={limits.min}
      max={limits.max}
      step={key === 'points' ? 2 : 1}
      onChange={(v) => v !== null && set({ [key]: v })}
    />
  );
  return (
    <div>
      <p className="sens-advice">
        The whole model&apos;s Hessian on the traces&apos; images: its top eigenvalues, its eigenvalue density
        by stochastic Lanczos quadrature, and the float loss with every parameter moved along the top
        eigenvector (and the top two), as PyHessian draws them. A sharper basin has larger eigenvalues and a
        steeper landscape.
      </p>
      <div className="sens-row">
        {field('topK', 'top eigenvalues', TOP_K_LIMITS)}
        {field('lanczos', 'Lanczos steps', LANCZOS_LIMITS)}
        {field('slqRuns', 'SLQ runs', SLQ_RUN_LIMITS)}
        {field('points', 'landscape points', POINT_LIMITS)}
        <button type="button" data-testid="sens.runSpectrum" disabled={busy} onClick={run}>
          Compute spectrum
        </button>
      </div>
      <JobStatus job={job} testId="sens.spectrumStatus" />
      {report && (
        <>
          <dl className="sens-facts" data-testid="sens.spectrumFacts">
            <dt>top eigenvalues</dt>
            <dd data-testid="sens.topEigenvalue" data-value={report.topEigenvalues[0]}>
              {report.topEigenvalues.map(short).join(', ')}
            </dd>
            <dt>loss at the trained weights</dt>
            <dd data-testid="sens.centerLoss" data-value={centerLoss(report.landscape)}>
              {short(centerLoss(report.landscape))}
            </dd>
            <dt>curvature of the 1-D landscape at 0</dt>
            <dd data-testid="sens.centerCurvature">{short(centerCurvature(report.landscape))}</dd>
            <dt>Hessian</dt>
            <dd>
              {report.params} parameters, {report.batchSize} images, {report.hvpCalls} products
            </dd>
          </dl>
          <div className="sens-charts">
            <DensityChart report={report} />
            <LandscapeLineChart report={report} />
            {report.landscape.grid2d ? (
              <LandscapeHeatmap grid={report.landscape.grid2d} />
            ) : (
              <p className="muted small">
                The 2-D landscape needs the top two eigenvectors: ask for 2 or more.
              </p>
            )}
          </div>
        </>
      )}
    </div>
  );
}
