/** Oscillation countermeasures (docs/science.md §2): dampening λ, freezing threshold, BN re-estimation. */
import type { Experiment } from '../../../src/experiment/schema';
import { useLab } from '../../store/hooks';
import { optionsOf, Section, SelectField, Toggle } from './fields';

const LAMBDAS = [0, 1e-3, 0.01, 0.1, 1, 10] as const;
const THRESHOLDS = [0, 0.005, 0.01, 0.02, 0.05, 0.1] as const;

export function OscillationControls() {
  const osc = useLab((s) => s.experiment.oscillation);
  const bn = useLab((s) => s.experiment.bn);
  const update = useLab((s) => s.updateExperiment);
  const setOsc = (patch: Partial<Experiment['oscillation']>) =>
    update((e) => ({ ...e, oscillation: { ...e.oscillation, ...patch } }));
  return (
    <Section
      title="Oscillations"
      testId="controls.oscillation"
      note="λ and the threshold follow cosine schedules from 25% of training (Nagel et al. 2022)."
    >
      <div className="row">
        <SelectField
          label="dampening λ"
          testId="controls.dampening"
          value={osc.dampening}
          options={optionsOf(LAMBDAS, (l) => (l === 0 ? 'off' : String(l)))}
          onChange={(dampening) => setOsc({ dampening })}
        />
        <SelectField
          label="freeze threshold"
          testId="controls.freeze"
          value={osc.freezeThreshold}
          options={optionsOf(THRESHOLDS, (t) => (t === 0 ? 'off' : String(t)))}
          onChange={(freezeThreshold) => setOsc({ freezeThreshold })}
        />
      </div>
      <Toggle
        label="track oscillations in every layer (not only ≤ 4-bit)"
        testId="controls.trackAll"
        checked={osc.trackAll}
        onChange={(trackAll) => setOsc({ trackAll })}
      />
      <Toggle
        label="BN re-estimation before evaluation"
        testId="controls.bnReestimate"
        checked={bn.reestimate}
        onChange={(reestimate) => update((e) => ({ ...e, bn: { ...e.bn, reestimate } }))}
      />
    </Section>
  );
}
