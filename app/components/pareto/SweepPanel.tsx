/** The sweep form: bits × widths × seeds (± QuantNorm / double quant) from the current experiment. */
import { useMemo } from 'react';
import { FLOAT_BITS } from '../../../src/experiment/schema';
import { widthToken } from '../../../src/sweep';
import { useLab, useLabShallow } from '../../store/hooks';
import { planSweep, SWEEP_BITS, SWEEP_WIDTHS, type SweepSettings } from '../../store/sweepSlice';
import { MAX_SWEEP_WORKERS } from '../../sweep/workerPool';
import { NumberField, optionsOf, Section, SelectField, Toggle } from '../controls/fields';
import { SweepProgress } from './SweepProgress';

/** Adds or removes `v` from a sorted list. */
function toggled(list: number[], v: number, on: boolean): number[] {
  return on ? [...new Set([...list, v])].sort((a, b) => a - b) : list.filter((x) => x !== v);
}

/** Planned point count, or the reason the grid is invalid. */
function usePlan(settings: SweepSettings): { count: number; error: string | null } {
  const experiment = useLab((s) => s.experiment);
  return useMemo(() => {
    try {
      return { count: planSweep(experiment, settings).length, error: null };
    } catch (err) {
      return { count: 0, error: err instanceof Error ? err.message : String(err) };
    }
  }, [experiment, settings]);
}

export function SweepPanel() {
  const { settings, phase, maxWorkers, set, start, cancel } = useLabShallow((s) => ({
    settings: s.sweep.settings,
    phase: s.sweep.run.phase,
    maxWorkers: s.sweep.maxWorkers,
    set: s.setSweepSettings,
    start: s.startSweep,
    cancel: s.cancelSweep,
  }));
  const plan = usePlan(settings);
  const running = phase === 'running';
  const workers = Math.min(settings.workers ?? maxWorkers, Math.max(1, plan.count));
  const workerOptions = [
    { value: 0, label: `auto (${maxWorkers})` },
    ...Array.from({ length: MAX_SWEEP_WORKERS }, (_, i) => ({ value: i + 1, label: String(i + 1) })),
  ];
  return (
    <Section
      title="Sweep"
      testId="sweep.panel"
      note="Every point trains the current experiment, moved along the grid, to the end in its own worker."
    >
      <div className="row" data-testid="sweep.bits">
        <span className="role">
          weight bits (activations {settings.actBits === 'tied' ? 'tied to them' : 'as in the experiment'})
        </span>
        {SWEEP_BITS.map((b) => (
          <Toggle
            key={b}
            label={b === FLOAT_BITS ? 'float' : b}
            testId={`sweep.bits.${b}`}
            checked={settings.weightBits.includes(b)}
            onChange={(on) => set({ weightBits: toggled(settings.weightBits, b, on) })}
          />
        ))}
      </div>
      <div className="row" data-testid="sweep.widths">
        <span className="role">width ×</span>
        {SWEEP_WIDTHS.map((w) => (
          <Toggle
            key={w}
            label={w}
            testId={`sweep.width.${widthToken(w)}`}
            checked={settings.widths.includes(w)}
            onChange={(on) => set({ widths: toggled(settings.widths, w, on) })}
          />
        ))}
      </div>
      <div className="row">
        <SelectField
          label="activations"
          testId="sweep.act"
          value={settings.actBits}
          options={optionsOf(['tied', 'base'] as const, (v) =>
            v === 'tied' ? 'same bits as weights' : 'keep experiment’s',
          )}
          onChange={(actBits) => set({ actBits })}
        />
        <NumberField
          label="seeds"
          testId="sweep.seeds"
          value={settings.seeds}
          min={1}
          max={10}
          step={1}
          onChange={(n) => n !== null && set({ seeds: Math.floor(n) })}
        />
        <NumberField
          label="steps / point"
          testId="sweep.steps"
          value={settings.steps}
          min={10}
          max={20000}
          step={10}
          onChange={(n) => n !== null && set({ steps: Math.floor(n) })}
        />
        <SelectField
          label="workers"
          testId="sweep.workers"
          value={settings.workers ?? 0}
          options={workerOptions}
          onChange={(n) => set({ workers: n === 0 ? null : n })}
        />
      </div>
      <Toggle
        label="QuantNorm off and on"
        testId="sweep.quantNorm"
        checked={settings.quantNormBoth}
        onChange={(quantNormBoth) => set({ quantNormBoth })}
      />
      <Toggle
        label="double quantization off and on"
        testId="sweep.doubleQuant"
        checked={settings.doubleQuantBoth}
        onChange={(doubleQuantBoth) => set({ doubleQuantBoth })}
      />
      <div className="row sweep-actions">
        {running ? (
          <button type="button" data-testid="sweep.cancel" onClick={cancel}>
            Cancel sweep
          </button>
        ) : (
          <button type="button" data-testid="sweep.start" onClick={start} disabled={plan.count === 0}>
            Run sweep
          </button>
        )}
        <span className="muted small" data-testid="sweep.plan" data-points={plan.count}>
          {plan.error ?? `${plan.count} points on ${workers} worker${workers === 1 ? '' : 's'}`}
        </span>
      </div>
      <SweepProgress />
    </Section>
  );
}
