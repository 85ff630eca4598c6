/** Gradient estimator for round(): name, its one parameter, and a plot of its surrogate derivative. */
import {
  DELTA_UNITS,
  ESTIMATOR_LABELS,
  ESTIMATOR_NAMES,
  FLOAT_BITS,
  MASK_ON,
  type EstimatorName,
  type Experiment,
} from '../../../src/experiment/schema';
import { ESTIMATORS } from '../../../src/estimators/registry';
import { useLab } from '../../store/hooks';
import { SurrogatePlot } from '../charts/SurrogatePlot';
import { NumberField, optionsOf, Section, SelectField, Toggle } from './fields';
import { Explain } from '../explain/Explain';
import { CONVENTIONS } from '../explain/formulas';

/** The schema's labels (one table, src/experiment/schema.ts). */
export const ESTIMATOR_LABEL: Readonly<Record<EstimatorName, string>> = ESTIMATOR_LABELS;
export const ESTIMATOR_OPTIONS = optionsOf(ESTIMATOR_NAMES, (n) => ESTIMATOR_LABEL[n]);

/**
 * An estimator picker + parameter field, shared by the main estimator and the twin's. `bits` (the
 * fewest quantized bits of the run) bounds an EWGS δ given in the paper's units.
 */
export function EstimatorFields(props: {
  spec: Experiment['estimator'];
  onChange: (spec: Experiment['estimator']) => void;
  testId: string;
  bits?: number;
}) {
  const def = ESTIMATORS[props.spec.name];
  const unit =
    props.spec.name === 'ewgs' && props.spec.deltaUnits === 'normalized' ? 2 ** (props.bits ?? 8) - 1 : 1;
  const [lo, hi] = (def.paramRange ?? [0, 0]).map((p) => p * unit);
  return (
    <div className="row">
      <SelectField
        label="estimator"
        testId={props.testId}
        value={props.spec.name}
        options={ESTIMATOR_OPTIONS}
        onChange={(name) => props.onChange({ ...props.spec, name, param: undefined })}
      />
      {def.paramRange && (
        <NumberField
          label={def.paramLabel ?? 'parameter'}
          testId={`${props.testId}Param`}
          value={props.spec.param ?? def.defaultParam}
          min={lo}
          max={hi}
          step={0.1}
          title={`between ${lo} and ${hi} (exclusive); default ${def.defaultParam}`}
          onChange={(param) =>
            props.onChange({
              ...props.spec,
              param: param === null || param <= lo || param >= hi ? undefined : param,
            })
          }
        />
      )}
      {props.spec.name === 'ewgs' && (
        <Explain explain={() => CONVENTIONS.ewgs} label="About EWGS δ" testId={`${props.testId}.ewgsInfo`} />
      )}
    </div>
  );
}

/** The estimator's numerical conventions (docs/conventions.md §2–§4), folded away. */
function EstimatorConventions(props: {
  spec: Experiment['estimator'];
  onChange: (spec: Experiment['estimator']) => void;
}) {
  const { spec } = props;
  const set = (patch: Partial<Experiment['estimator']>) => props.onChange({ ...spec, ...patch });
  return (
    <details className="conventions" data-testid="controls.estimator.conventions">
      <summary>Conventions</summary>
      <div className="row">
        <SelectField
          label="EWGS δ units"
          testId="controls.estimator.deltaUnits"
          title="code: v − round(v) in grid steps (lab); normalized: the paper's input in [0, 1], δ_code = δ/(2^b − 1)"
          value={spec.deltaUnits}
          options={optionsOf(DELTA_UNITS)}
          onChange={(deltaUnits) => set({ deltaUnits })}
        />
        <Toggle
          label="zero gradient past the clip"
          testId="controls.estimator.clipMask"
          title="Gradient 0 outside [qmin, qmax] for every estimator, as DSQ (clipped STE always masks)"
          checked={spec.clipMask}
          onChange={(clipMask) => set({ clipMask })}
        />
        <SelectField
          label="clip mask on"
          testId="controls.estimator.maskOn"
          title="The clip mask tests v = x/s + z unrounded (lab) or round(v) (PyTorch)"
          value={spec.maskOn}
          options={optionsOf(MASK_ON)}
          onChange={(maskOn) => set({ maskOn })}
        />
      </div>
    </details>
  );
}

/** The fewest bits of the run's quantized tensors (8 when everything is float). */
function fewestBits(e: Experiment): number {
  const bits = [e.quant.weight.bits, e.quant.act.bits].filter((b) => b < FLOAT_BITS);
  return bits.length ? Math.min(...bits) : 8;
}

export function EstimatorControls() {
  const spec = useLab((s) => s.experiment.estimator);
  const bits = useLab((s) => fewestBits(s.experiment));
  const update = useLab((s) => s.updateExperiment);
  return (
    <Section
      title="Gradient estimator"
      testId="controls.estimatorSection"
      note="Forward always rounds; backward multiplies by Q̂′(u). Changes continue the run and are marked."
    >
      <EstimatorFields
        spec={spec}
        bits={bits}
        testId="controls.estimator"
        onChange={(estimator) => update((e) => ({ ...e, estimator }))}
      />
      <SurrogatePlot spec={spec} bits={bits} />
      <EstimatorConventions spec={spec} onChange={(estimator) => update((e) => ({ ...e, estimator }))} />
    </Section>
  );
}
