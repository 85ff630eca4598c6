/**
 * Twin mode (docs/science.md §1): a second run from the same seed that differs only in the gradient estimator;
 * the charts plot how many integer weights the twins share. The SGD mapping rescales lr by α and maps
 * the initial weights through M. Changing the twin needs fresh trainers (a visible reset).
 */
import { estimatorSchema } from '../../../src/experiment/schema';
import { useLab } from '../../store/hooks';
import { Section, Toggle } from './fields';
import { EstimatorFields } from './EstimatorControls';

const DEFAULT_TWIN = { estimator: estimatorSchema.parse({ name: 'tanh' }), map: false, compareEvery: 10 };

export function TwinControls() {
  const twin = useLab((s) => s.experiment.twin);
  const update = useLab((s) => s.updateExperiment);
  return (
    <Section
      title="Twin mode"
      testId="controls.twinSection"
      note="Agreement near 1: the estimator behaves like an STE with a rescaled learning rate."
    >
      <Toggle
        label="train a twin with another estimator"
        testId="controls.twin"
        checked={twin !== undefined}
        onChange={(on) => update((e) => ({ ...e, twin: on ? DEFAULT_TWIN : undefined }))}
      />
      {twin && (
        <>
          <EstimatorFields
            spec={twin.estimator}
            testId="controls.twinEstimator"
            onChange={(estimator) => update((e) => ({ ...e, twin: { ...twin, estimator } }))}
          />
          <Toggle
            label="SGD mapping (lr × α, init through M)"
            testId="controls.twinMap"
            checked={twin.map}
            onChange={(map) => update((e) => ({ ...e, twin: { ...twin, map } }))}
          />
        </>
      )}
    </Section>
  );
}
