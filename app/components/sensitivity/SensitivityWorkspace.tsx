/**
 * The Sensitivity workspace (docs/mixed.md §6): which layers of the current run's model can take
 * fewer bits. Cheap sensitivity first (weight SQNR, accuracy with one layer quantized), then the
 * Hessian traces at two probe seeds, then the budgeted allocation with its slider, and the whole
 * model's spectrum and loss landscape (docs/hessian.md §7). Every number is
 * computed in the training worker; training and these jobs take turns, like the ladder's.
 */
import { useLab } from '../../store/hooks';
import { ladderSource } from '../../store/ptqSelectors';
import { LADDER_REFUSALS } from '../../store/ptqSlice';
import { PROBE_LIMITS, BATCH_LIMITS, SENSITIVITY_BITS } from '../../../src/mixed/sensitivityQuery';
import { NumberField, SelectField } from '../controls/fields';
import { AllocationPanel } from './AllocationPanel';
import { CheapTable } from './CheapTable';
import { SpectrumPanel } from './SpectrumPanel';
import { TraceChart } from './TraceChart';
import './sensitivity.css';

const BIT_OPTIONS = SENSITIVITY_BITS.map((b) => ({ value: b, label: `${b}-bit` }));

export function SensitivityWorkspace() {
  const sourceKind = useLab((s) => ladderSource(s).kind);
  const runNumber = useLab((s) => (s.activeRunId ? (s.runs[s.activeRunId]?.number ?? null) : null));
  const o = useLab((s) => s.sensitivityOptions);
  const set = useLab((s) => s.setSensitivityOptions);
  const cheap = useLab((s) => s.sensCheap);
  const traces = useLab((s) => s.sensTraces);
  const runCheap = useLab((s) => s.runCheapSensitivity);
  const runTraces = useLab((s) => s.runTraces);
  const spectrum = useLab((s) => s.sensSpectrum);
  const busy = [cheap, traces, spectrum].some((j) => j?.status === 'running');
  return (
    <section className="sens" data-testid="sens.section" aria-labelledby="sens-heading">
      <h2 id="sens-heading">Layer sensitivity and mixed precision</h2>
      <p className="muted small" data-testid="sens.source">
        {sourceKind === 'ready'
          ? `Measures run ${runNumber}'s trained model in the worker; pressing play waits for the job in progress.`
          : LADDER_REFUSALS[sourceKind]}
      </p>

      <h3>1. Cheap sensitivity</h3>
      <p className="sens-advice">
        Each layer quantized alone, every other layer in float: the weights&apos; signal-to-quantization-noise
        ratio, and the test accuracy lost with the weights alone and with the input activations alone.
      </p>
      <div className="sens-row">
        <SelectField
          label="at"
          testId="sens.cheapBits"
          value={o.cheapBits}
          options={BIT_OPTIONS}
          onChange={(cheapBits) => set({ cheapBits })}
        />
        <button type="button" data-testid="sens.runCheap" disabled={busy} onClick={runCheap}>
          Measure
        </button>
      </div>
      <CheapTable />

      <h3>2. Hessian traces</h3>
      <p className="sens-advice">
        Hutchinson traces of each layer&apos;s block of the float loss&apos;s Hessian, at two probe seeds on
        the same batch, ± one standard error. A layer with a larger trace loses more when its weights move.
      </p>
      <div className="sens-row">
        <NumberField
          label="probes per seed"
          testId="sens.probes"
          value={o.probes}
          min={PROBE_LIMITS.min}
          max={PROBE_LIMITS.max}
          step={1}
          onChange={(v) => v !== null && set({ probes: v })}
        />
        <NumberField
          label="images"
          testId="sens.batch"
          value={o.batch}
          min={BATCH_LIMITS.min}
          max={BATCH_LIMITS.max}
          step={8}
          onChange={(v) => v !== null && set({ batch: v })}
        />
        <button type="button" data-testid="sens.runTraces" disabled={busy} onClick={() => runTraces()}>
          Compute traces
        </button>
      </div>
      <TraceChart />

      <h3>3. Allocation under a budget</h3>
      <AllocationPanel />

      <h3>4. Spectrum</h3>
      <SpectrumPanel busy={busy} />
    </section>
  );
}
