/** Gradient estimator for round(): name, its one parameter, and a plot of its surrogate derivative. */
import { ESTIMATOR_NAMES, type EstimatorName, type Experiment } from '../../../src/experiment/schema';
import { ESTIMATORS } from '../../../src/estimators/registry';
import { useLab } from '../../store/hooks';
import { SurrogatePlot } from '../charts/SurrogatePlot';
import { NumberField, optionsOf, Section, SelectField } from './fields';
import { Explain } from '../explain/Explain';
import { CONVENTIONS } from '../explain/formulas';

export const ESTIMATOR_LABEL: Record<EstimatorName, string> = {
  ste: 'STE',
  'clipped-ste': 'clipped STE',
  tanh: 'tanh soft-round',
  sigmoid: 'sigmoid soft-round',
  pwl: 'piecewise linear',
  cosine: 'cosine',
  ewgs: 'EWGS',
};
export const ESTIMATOR_OPTIONS = optionsOf(ESTIMATOR_NAMES, (n) => ESTIMATOR_LABEL[n]);

/** An estimator picker + parameter field, shared by the main estimator and the twin's. */
export function EstimatorFields(props: {
  spec: Experiment['estimator'];
  onChange: (spec: Experiment['estimator']) => void;
  testId: string;
}) {
  const def = ESTIMATORS[props.spec.name];
  const [lo, hi] = def.paramRange ?? [0, 0];
  return (
    <div className="row">
      <SelectField
        label="estimator"
        testId={props.testId}
        value={props.spec.name}
        options={ESTIMATOR_OPTIONS}
        onChange={(name) => props.onChange({ name })}
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
              name: props.spec.name,
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

export function EstimatorControls() {
  const spec = useLab((s) => s.experiment.estimator);
  const update = useLab((s) => s.updateExperiment);
  return (
    <Section
      title="Gradient estimator"
      testId="controls.estimatorSection"
      note="Forward always rounds; backward multiplies by Q̂′(u). Changes continue the run and are marked."
    >
      <EstimatorFields
        spec={spec}
        testId="controls.estimator"
        onChange={(estimator) => update((e) => ({ ...e, estimator }))}
      />
      <SurrogatePlot spec={spec} />
    </Section>
  );
}
