/** The ladder's options: columns, rungs, AdaRound iterations, calibration, granularity, act range. */
import { LADDER_RUNGS } from '../../../src/ptq/ladder';
import {
  CALIBRATION_SOURCES,
  LADDER_ACT_RANGES,
  LADDER_LIMITS,
  LADDER_WEIGHT_BITS,
  type LadderRequest,
} from '../../../src/ptq/ladderRequest';
import { RANGE_ESTIMATOR_DEFS } from '../../../src/quant/range/registry';
import { NumberField, SelectField } from '../controls/fields';
import { useLab } from '../../store/hooks';
import { columnLabel } from '../../store/ptqSelectors';

const toggle = <T,>(list: readonly T[], item: T, on: boolean): T[] =>
  on ? [...list, item] : list.filter((x) => x !== item);

const CALIBRATION_LABELS: Record<LadderRequest['calibData'], string> = {
  train: 'training digits',
  distilled: 'distilled from BN statistics',
};

export function LadderOptions(props: { disabled: boolean }) {
  const o = useLab((s) => s.ptqOptions);
  const set = useLab((s) => s.setPtqOptions);
  const { adaroundIterations: it, calibSize: cs, qatSteps: qs } = LADDER_LIMITS;
  return (
    <div className="ptq-options" data-testid="ptq.options">
      <fieldset disabled={props.disabled}>
        <legend>Bitwidths (columns)</legend>
        {LADDER_WEIGHT_BITS.map((b) => (
          <label key={b} className="ptq-check">
            <input
              type="checkbox"
              data-testid={`ptq.column.${b}`}
              checked={o.weightBits.includes(b)}
              onChange={(e) => set({ weightBits: toggle(o.weightBits, b, e.target.checked) })}
            />
            {columnLabel(b)}
          </label>
        ))}
      </fieldset>
      <fieldset disabled={props.disabled}>
        <legend>Rungs (rows)</legend>
        {LADDER_RUNGS.map((r) => (
          <label key={r.id} className="ptq-check">
            <input
              type="checkbox"
              data-testid={`ptq.rung.${r.id}`}
              checked={o.rungs.includes(r.id)}
              onChange={(e) => set({ rungs: toggle(o.rungs, r.id, e.target.checked) })}
            />
            {r.label}
          </label>
        ))}
      </fieldset>
      <fieldset disabled={props.disabled}>
        <legend>Passes</legend>
        <NumberField
          label="AdaRound iterations per layer"
          testId="ptq.adaroundIterations"
          value={o.adaroundIterations}
          min={it.min}
          max={it.max}
          step={1}
          onChange={(v) => v !== null && set({ adaroundIterations: v })}
        />
        <NumberField
          label="Calibration images"
          testId="ptq.calibSize"
          value={o.calibSize}
          min={cs.min}
          max={cs.max}
          step={1}
          onChange={(v) => v !== null && set({ calibSize: v })}
        />
        <NumberField
          label="QAT steps after the last rung (0: no QAT row)"
          testId="ptq.qatSteps"
          value={o.qatSteps}
          min={qs.min}
          max={qs.max}
          step={10}
          onChange={(v) => v !== null && set({ qatSteps: v })}
        />
        <SelectField
          label="Calibration data"
          testId="ptq.calibData"
          value={o.calibData}
          options={CALIBRATION_SOURCES.map((c) => ({ value: c, label: CALIBRATION_LABELS[c] }))}
          onChange={(calibData) => set({ calibData })}
        />
        <SelectField
          label="Activation range"
          testId="ptq.actRange"
          value={o.actRange}
          options={LADDER_ACT_RANGES.map((r) => ({ value: r, label: RANGE_ESTIMATOR_DEFS[r].label }))}
          onChange={(actRange) => set({ actRange })}
        />
        <label className="ptq-check">
          <input
            type="checkbox"
            data-testid="ptq.perChannel"
            checked={o.perChannel}
            onChange={(e) => set({ perChannel: e.target.checked })}
          />
          per-channel weights
        </label>
      </fieldset>
    </div>
  );
}
