/** Data and model: changing any of these needs a fresh model, so a live run resets (visibly). */
import { MODEL_ARCHS } from '../../../src/experiment/schema';
import { MODEL_ARCH_DEFS } from '../../../src/models/archs';
import { useLab } from '../../store/hooks';
import { optionsOf, Section, SelectField } from './fields';

const WIDTHS = [0.25, 0.5, 1, 2] as const;
const TRAIN_SIZES = [512, 1000, 2000, 4000, 8000] as const;

export function ModelControls() {
  const model = useLab((s) => s.experiment.model);
  const data = useLab((s) => s.experiment.data);
  const update = useLab((s) => s.updateExperiment);
  return (
    <Section title="Data & model" testId="controls.model" note="Changing these resets the run.">
      <SelectField
        label="dataset"
        testId="controls.dataset"
        value={data.dataset}
        options={[{ value: 'mnist', label: 'MNIST digits' }]}
        onChange={() => undefined}
      />
      <SelectField
        label="training digits"
        testId="controls.trainSize"
        value={data.trainSize}
        options={optionsOf(TRAIN_SIZES, (n) => n.toLocaleString('en-US'))}
        onChange={(trainSize) => update((e) => ({ ...e, data: { ...e.data, trainSize } }))}
      />
      <SelectField
        label="model"
        testId="controls.arch"
        value={model.arch}
        options={optionsOf(MODEL_ARCHS, (a) => MODEL_ARCH_DEFS[a].label)}
        onChange={(arch) =>
          update((e) => ({ ...e, model: { ...e.model, arch }, quant: { ...e.quant, layers: {} } }))
        }
      />
      <SelectField
        label="width ×"
        testId="controls.width"
        value={model.widthMultiplier}
        options={optionsOf(WIDTHS, (w) => `${w}×`)}
        onChange={(widthMultiplier) => update((e) => ({ ...e, model: { ...e.model, widthMultiplier } }))}
      />
    </Section>
  );
}
