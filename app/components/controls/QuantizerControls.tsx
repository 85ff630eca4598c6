/** Quantizer grid and calibration per role: symmetric/asymmetric, per-channel, range estimator. */
import {
  MSE_SEARCHES,
  RANGE_ESTIMATORS,
  SIGNED_GRIDS,
  type Experiment,
  type QuantizerConfig,
  type SignedGrid,
} from '../../../src/experiment/schema';
import { RANGE_ESTIMATOR_DEFS } from '../../../src/quant/range/registry';
import { useLab } from '../../store/hooks';
import { optionsOf, Section, SelectField, Toggle } from './fields';
import { Explain } from '../explain/Explain';
import { CONVENTIONS } from '../explain/formulas';

/** The range select's options: the registry's names and labels, in its order. */
export const RANGE_OPTIONS = optionsOf(RANGE_ESTIMATORS, (r) => RANGE_ESTIMATOR_DEFS[r].label);

type Role = 'weight' | 'act';

function setRole(e: Experiment, role: Role, patch: Partial<QuantizerConfig>): Experiment {
  return { ...e, quant: { ...e.quant, [role]: { ...e.quant[role], ...patch } } };
}

function RoleControls({ role }: { role: Role }) {
  const q = useLab((s) => s.experiment.quant[role]);
  const update = useLab((s) => s.updateExperiment);
  const set = (patch: Partial<QuantizerConfig>) => update((e) => setRole(e, role, patch));
  return (
    <div className="row" data-testid={`controls.quant.${role}`}>
      <span className="role">
        {role === 'weight' ? 'weights' : 'activations'}
        {role === 'act' && (
          <Explain
            explain={() => CONVENTIONS.pixels}
            label="About the input scale"
            testId="controls.quant.act.pixelsInfo"
          />
        )}
      </span>
      <SelectField
        label="grid"
        testId={`controls.quant.${role}.symmetric`}
        value={q.symmetric ? 'symmetric' : 'asymmetric'}
        options={optionsOf(['symmetric', 'asymmetric'] as const)}
        onChange={(v) => set({ symmetric: v === 'symmetric' })}
      />
      <Explain
        explain={() => CONVENTIONS.grids}
        label="About the grids"
        testId={`controls.quant.${role}.gridInfo`}
      />
      <SelectField
        label="range"
        testId={`controls.quant.${role}.range`}
        value={q.range}
        options={RANGE_OPTIONS}
        onChange={(range) => set({ range })}
      />
      {q.range === 'mse' && (
        <Explain
          explain={() => CONVENTIONS.mse}
          label="About the MSE range search"
          testId={`controls.quant.${role}.mseInfo`}
        />
      )}
      <Toggle
        label="per-channel"
        testId={`controls.quant.${role}.perChannel`}
        checked={q.perChannel}
        onChange={(perChannel) => set({ perChannel })}
      />
    </div>
  );
}

/** PikeLPN's QuantNorm and double quantization: change accuracy and ACEv2. */
function NormScaleToggles() {
  const quant = useLab((s) => s.experiment.quant);
  const update = useLab((s) => s.updateExperiment);
  const set = (patch: Partial<Pick<Experiment['quant'], 'quantNorm' | 'doubleQuant'>>) =>
    update((e) => ({ ...e, quant: { ...e.quant, ...patch } }));
  return (
    <div className="row">
      <Toggle
        label="QuantNorm"
        testId="controls.quant.quantNorm"
        title="Quantize batch-norm scale and shift at the weight bits (PikeLPN); no effect on layers without BN"
        checked={quant.quantNorm}
        onChange={(quantNorm) => set({ quantNorm })}
      />
      <Toggle
        label="double quantization"
        testId="controls.quant.doubleQuant"
        title="Quantize the per-channel scales themselves to 8 bits (PikeLPN)"
        checked={quant.doubleQuant}
        onChange={(doubleQuant) => set({ doubleQuant })}
      />
    </div>
  );
}

const SIGNED_GRID_LABEL: Record<SignedGrid, string> = {
  qmax: 'max at qmax (lab)',
  narrow: 'narrow',
  full: 'full (PyTorch)',
};

/** The numerical conventions of the quantizers (docs/conventions.md §1, §5), folded away. */
function QuantConventions() {
  const quant = useLab((s) => s.experiment.quant);
  const update = useLab((s) => s.updateExperiment);
  return (
    <details className="conventions" data-testid="controls.quant.conventions">
      <summary>Conventions</summary>
      {(['weight', 'act'] as const).map((role) => (
        <div className="row" key={role}>
          <span className="role">{role === 'weight' ? 'weights' : 'activations'}</span>
          <SelectField
            label="signed grid"
            testId={`controls.quant.${role}.signedGrid`}
            title="Signed symmetric grids: s = max|x|/qmax (lab), the same without the code −2^(b−1) (narrow), or s = max|x|/(2^(b−1) − ½) on all 2^b codes (full)"
            value={quant[role].signedGrid}
            options={optionsOf(SIGNED_GRIDS, (g) => SIGNED_GRID_LABEL[g])}
            onChange={(signedGrid) => update((e) => setRole(e, role, { signedGrid }))}
          />
          <SelectField
            label="MSE search"
            testId={`controls.quant.${role}.mseSearch`}
            title="Asymmetric MSE range: shrink both ends together (1-D, lab) or search both ends (2-D)"
            value={quant[role].mseSearch}
            options={optionsOf(MSE_SEARCHES)}
            onChange={(mseSearch) => update((e) => setRole(e, role, { mseSearch }))}
          />
        </div>
      ))}
    </details>
  );
}

export function QuantizerControls() {
  return (
    <Section title="Quantizers" testId="controls.quant">
      <RoleControls role="weight" />
      <RoleControls role="act" />
      <NormScaleToggles />
      <QuantConventions />
    </Section>
  );
}
