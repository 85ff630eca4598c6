/** Bitwidths: global weight/activation bits, "first/last at 8 bits", and a per-layer override table. */
import { useMemo } from 'react';
import { BIT_CHOICES, FLOAT_BITS, type Experiment } from '../../../src/experiment/schema';
import { describeModel } from '../../../src/models/spec';
import { useLab } from '../../store/hooks';
import { optionsOf, Section, SelectField, Toggle } from './fields';
import { Explain } from '../explain/Explain';
import { CONVENTIONS, explainLayerBits } from '../explain/formulas';

const bitsLabel = (b: number) => (b === FLOAT_BITS ? 'float' : `${b}-bit`);
const BIT_OPTIONS = optionsOf(BIT_CHOICES, bitsLabel);

type Role = 'weightBits' | 'actBits';

function setLayerBits(e: Experiment, layer: string, role: Role, bits: number): Experiment {
  const current = e.quant.layers[layer] ?? {};
  return {
    ...e,
    quant: { ...e.quant, layers: { ...e.quant.layers, [layer]: { ...current, [role]: bits } } },
  };
}

export function BitsTable() {
  const experiment = useLab((s) => s.experiment);
  const update = useLab((s) => s.updateExperiment);
  const layers = useMemo(() => describeModel(experiment), [experiment]);
  const { quant } = experiment;
  const overrides = Object.keys(quant.layers).length;
  return (
    <Section
      title="Bits"
      testId="controls.bits"
      note="Bit changes apply to the running model and are marked on the charts."
    >
      <div className="row">
        <SelectField
          label="weights"
          testId="controls.bits.weight"
          value={quant.weight.bits}
          options={BIT_OPTIONS}
          onChange={(bits) =>
            update((e) => ({ ...e, quant: { ...e.quant, weight: { ...e.quant.weight, bits } } }))
          }
        />
        <SelectField
          label="activations"
          testId="controls.bits.act"
          value={quant.act.bits}
          options={BIT_OPTIONS}
          onChange={(bits) => update((e) => ({ ...e, quant: { ...e.quant, act: { ...e.quant.act, bits } } }))}
        />
      </div>
      <Toggle
        label="first and last layer at 8 bits"
        testId="controls.bits.firstLast8"
        checked={quant.firstLastBits8}
        onChange={(firstLastBits8) => update((e) => ({ ...e, quant: { ...e.quant, firstLastBits8 } }))}
      />
      <table className="bits-table" data-testid="controls.bits.table">
        <thead>
          <tr>
            <th>layer</th>
            <th>weights</th>
            <th>W bits</th>
            <th>
              A bits
              <Explain
                explain={() => CONVENTIONS.pixels}
                label="About the input scale"
                testId="controls.bits.pixelsInfo"
              />
            </th>
          </tr>
        </thead>
        <tbody>
          {layers.map((l) => (
            <tr key={l.name} className={quant.layers[l.name] ? 'overridden' : undefined}>
              <td title={`${l.kind} ${l.weightShape.join('×')}`}>{l.name}</td>
              <td className="num">
                <Explain
                  explain={() => explainLayerBits(l, experiment)}
                  testId={`controls.bits.${l.name}.explain`}
                >
                  {l.weightCount.toLocaleString('en-US')}
                </Explain>
              </td>
              {(['weightBits', 'actBits'] as const).map((role) => (
                <td key={role}>
                  <select
                    data-testid={`controls.bits.${l.name}.${role === 'weightBits' ? 'weight' : 'act'}`}
                    aria-label={`${l.name} ${role === 'weightBits' ? 'weight' : 'activation'} bits`}
                    value={l[role]}
                    onChange={(ev) => update((e) => setLayerBits(e, l.name, role, Number(ev.target.value)))}
                  >
                    {BIT_OPTIONS.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {overrides > 0 && (
        <button
          type="button"
          className="link"
          data-testid="controls.bits.clear"
          onClick={() => update((e) => ({ ...e, quant: { ...e.quant, layers: {} } }))}
        >
          clear {overrides} per-layer override{overrides > 1 ? 's' : ''}
        </button>
      )}
    </Section>
  );
}
