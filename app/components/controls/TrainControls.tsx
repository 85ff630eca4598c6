/**
 * Optimizer, learning rate, run length (lr changes continue the run and are marked) and whether
 * the layer ops run on the integer codes.
 */
import { OPTIMIZERS, type Experiment } from '../../../src/experiment/schema';
import { useLab } from '../../store/hooks';
import { optionsOf, Section, SelectField, Toggle } from './fields';

/** Playground-style learning rates (log steps). */
export const LEARNING_RATES = [
  1e-5, 1e-4, 3e-4, 1e-3, 2e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 100,
] as const;
const STEPS = [100, 200, 500, 1000, 2000, 5000, 10000] as const;
const BATCHES = [16, 32, 64, 128, 256] as const;
const OPT_LABEL: Record<(typeof OPTIMIZERS)[number], string> = {
  sgd: 'SGD',
  momentum: 'SGD + momentum',
  adam: 'Adam',
  adahessian: 'AdaHessian',
};

type Train = Experiment['train'];

export function TrainControls() {
  const train = useLab((s) => s.experiment.train);
  const update = useLab((s) => s.updateExperiment);
  const set = (patch: Partial<Train>) => update((e) => ({ ...e, train: { ...e.train, ...patch } }));
  return (
    <Section title="Optimizer" testId="controls.train">
      <div className="row">
        <SelectField
          label="optimizer"
          testId="controls.optimizer"
          value={train.optimizer}
          options={optionsOf(OPTIMIZERS, (o) => OPT_LABEL[o])}
          onChange={(optimizer) => set({ optimizer })}
        />
        <SelectField
          label="learning rate"
          testId="controls.lr"
          value={train.lr}
          options={optionsOf(LEARNING_RATES)}
          onChange={(lr) => set({ lr })}
        />
      </div>
      <div className="row">
        <SelectField
          label="steps"
          testId="controls.steps"
          value={train.steps}
          options={optionsOf(STEPS, (n) => n.toLocaleString('en-US'))}
          onChange={(steps) => set({ steps })}
        />
        <SelectField
          label="batch"
          testId="controls.batch"
          value={train.batchSize}
          options={optionsOf(BATCHES)}
          onChange={(batchSize) => set({ batchSize })}
        />
      </div>
      <Toggle
        label="integer ops (native int)"
        testId="controls.nativeInt"
        checked={train.nativeInt}
        onChange={(nativeInt) => set({ nativeInt })}
        title="Each layer's matmul or convolution runs on the integer codes (exact int32, rescaled), as integer-only inference does; the gradients stay fake quantization's (docs/integer.md §7)"
      />
    </Section>
  );
}
