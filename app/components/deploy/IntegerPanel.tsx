/**
 * The integer model against fake quantization (docs/integer.md §4): test accuracy of both, argmax
 * agreement, and per layer its bits, input grid, dyadic multipliers (compact, each channel on
 * demand), the largest code difference and the share of codes moved, with the bias toggle.
 */
import { useLab } from '../../store/hooks';
import { BIAS_FRAC_BITS } from '../../store/deploySlice';
import { dyadicSummary } from '../../store/deploySelectors';
import type { IntegerLayerView } from '../../../src/deploy/inspect';
import { SelectField } from '../controls/fields';
import { DeployStatus } from './DeployStatus';

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

const BIAS_OPTIONS = BIAS_FRAC_BITS.map((b) => ({
  value: b,
  label: b === 0 ? '0: int32 bias, as deployed' : `${b}: fine bias (${b} more bits)`,
}));

function DyadicCell({ layer }: { layer: IntegerLayerView }) {
  const { requant } = layer;
  if (!requant) return <td>{dyadicSummary(null)}</td>;
  return (
    <td>
      <details data-testid={`deploy.dyadic.${layer.name}`}>
        <summary>{dyadicSummary(requant)}</summary>
        {/* Scrolls when long: focusable, so the keyboard can scroll it too. */}
        <ol className="deploy-channels" tabIndex={0} aria-label={`${layer.name}: M per output channel`}>
          {requant.m.map((m, c) => (
            <li key={c}>
              {m}·2<sup>−{requant.s[c]}</sup>
            </li>
          ))}
        </ol>
      </details>
    </td>
  );
}

function LayerTable({ layers }: { layers: IntegerLayerView[] }) {
  return (
    <table className="deploy-table" data-testid="deploy.layers">
      <caption>
        Per layer: the input grid, the requantization into the next layer, codes against fake quantization
      </caption>
      <thead>
        <tr>
          <th scope="col">layer</th>
          <th scope="col">bits</th>
          <th scope="col">input scale</th>
          <th scope="col">zero point</th>
          <th scope="col">dyadic M = m·2^−s per channel</th>
          <th scope="col">max |Δcode|</th>
          <th scope="col">codes moved</th>
        </tr>
      </thead>
      <tbody>
        {layers.map((l) => (
          <tr key={l.name} data-testid={`deploy.layer.${l.name}`} data-moved={l.codeMismatch}>
            <th scope="row">{l.name}</th>
            <td>
              W{l.weightBits}A{l.actBits}
            </td>
            <td>
              {l.input.scale.toPrecision(4)}
              {l.calibrated ? ' (calibrated)' : ''}
            </td>
            <td>{l.input.zeroPoint}</td>
            <DyadicCell layer={l} />
            <td>{l.maxCodeDiff}</td>
            <td>{pct(l.codeMismatch)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function IntegerPanel({ disabled }: { disabled: boolean }) {
  const job = useLab((s) => s.deployInteger);
  const options = useLab((s) => s.deployOptions);
  const set = useLab((s) => s.setDeployOptions);
  const run = useLab((s) => s.runIntegerModel);
  const result = job?.result;
  const ev = result?.evaluation;
  return (
    <>
      <div className="deploy-row">
        <SelectField
          label="bias fraction bits"
          testId="deploy.biasFracBits"
          value={options.biasFracBits}
          options={BIAS_OPTIONS}
          onChange={(biasFracBits) => set({ biasFracBits })}
          title="0 keeps the bias at the accumulator's unit (int32, as deployed); 8 keeps 8 more bits (docs/integer.md §4)"
        />
        <button type="button" data-testid="deploy.runInteger" disabled={disabled} onClick={run}>
          Build and measure
        </button>
      </div>
      <DeployStatus
        job={job}
        testId="deploy.integerStatus"
        running="Building the integer model in the worker…"
      />
      {ev && result && (
        <>
          <p
            className="deploy-facts"
            data-testid="deploy.integerSummary"
            data-agreement={ev.argmaxAgreement}
            data-integer={ev.testAccuracy}
            data-fakequant={ev.fakeQuantTestAccuracy}
          >
            On {ev.images} test digits, bias fraction bits {result.biasFracBits}: integer-only{' '}
            <strong>{pct(ev.testAccuracy)}</strong>, fake-quant{' '}
            <strong>{pct(ev.fakeQuantTestAccuracy)}</strong>, argmax agreement{' '}
            <strong>{pct(ev.argmaxAgreement)}</strong>.
          </p>
          <LayerTable layers={result.layers} />
        </>
      )}
    </>
  );
}
